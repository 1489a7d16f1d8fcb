import { useMemo } from 'react';
import type { Participant } from '../../shared/presence';
import type { PresenceEntry } from './hooks';

/** Who has each card open, and who is editing its description (the local user left out). */
export interface CardPresenceIndex {
  viewers: ReadonlyMap<string, readonly Participant[]>;
  editors: ReadonlyMap<string, readonly Participant[]>;
}

export interface PresenceIndex {
  /** Everyone on the board, one per person (a person may have several tabs), the local user first. */
  people: readonly Participant[];
  cards: CardPresenceIndex;
}

/** Indexes the board's presence entries by person and by card. */
export function usePresenceIndex(entries: readonly PresenceEntry[], me: Participant): PresenceIndex {
  const people = useMemo(() => {
    const byId = new Map<string, Participant>([[me.id, me]]);
    for (const { presence } of entries) {
      if (!byId.has(presence.user.id)) byId.set(presence.user.id, presence.user);
    }
    return [...byId.values()];
  }, [entries, me]);

  const cards = useMemo<CardPresenceIndex>(() => {
    const viewers = new Map<string, Participant[]>();
    const editors = new Map<string, Participant[]>();
    const add = (index: Map<string, Participant[]>, cardId: string | null, user: Participant) => {
      if (cardId === null || user.id === me.id) return;
      const list = index.get(cardId) ?? [];
      if (!list.some((p) => p.id === user.id)) list.push(user);
      index.set(cardId, list);
    };
    for (const { presence } of entries) {
      add(viewers, presence.openCardId, presence.user);
      add(editors, presence.editingCardId, presence.user);
    }
    return { viewers, editors };
  }, [entries, me.id]);

  return useMemo(() => ({ people, cards }), [people, cards]);
}
