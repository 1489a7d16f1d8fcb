/**
 * Deletes the description documents of cards purged from a board's trash (board rule B15.5 in
 * shared/board/SPEC.md). A purge is an edit of the board document: it records the card's id in the
 * board's `purged` map. Once the server has stored a board update recording one, it deletes the card's
 * description room through the core (S12.2: its sockets close with 4410, its stored log goes), so the
 * text leaves the server as the card left the board.
 *
 * It wraps the store rather than the core: every update a room stores passes `append`, whichever instance
 * or operator path made it, and the purged ids are read from the update alone. The wrapper is a Proxy, so
 * everything else of the store (its history, `loadAll`, its class) is the store's own.
 *
 * A purge record is only a claim: a description is deleted only if the board, as loaded here, no longer
 * holds the card (a writer cannot delete the description of a card that is still on the board by writing
 * a record by hand), and only for a valid id.
 */
import * as Y from 'yjs';
import { purgedCardIdsInUpdate } from '../shared/board/mutations/trash';
import { ROOT } from '../shared/board/schema';
import { descriptionRoom, isValidId, parseRoom } from '../shared/room-names';
import type { DocStore } from './core/doc-store';
import type { Logger } from './core/ports';

/** What the hook needs of the core: deleting a room, and the loaded board to check a purge against. */
export interface RoomDeleter {
  deleteRoom(room: string): Promise<void>;
  readonly rooms: { get(name: string): { readonly doc: Y.Doc } | undefined };
}

export interface PurgedDescriptions {
  /** The store to give the core: `append` of a board room deletes what its update purges, once stored. */
  readonly store: DocStore;
  /** The core, created after the store; until it is attached nothing is deleted. */
  attach(core: RoomDeleter): void;
}

export function purgedDescriptions(inner: DocStore, logger: Logger): PurgedDescriptions {
  let core: RoomDeleter | null = null;
  const holdsCard = (room: string, cardId: string): boolean => {
    try {
      const cards = core?.rooms.get(room)?.doc.get(ROOT.cards, Y.Map);
      // Not loaded here: nothing to check against, so nothing is deleted.
      return cards === undefined || cards.has(cardId);
    } catch {
      return true;
    }
  };
  const afterAppend = (room: string, update: Uint8Array) => {
    const parsed = parseRoom(room);
    if (parsed.kind !== 'board' || core === null) return;
    let cardIds: string[];
    try {
      cardIds = purgedCardIdsInUpdate(update);
    } catch (error) {
      // Stored, so the core decoded it; a failure here only means no description is deleted.
      logger.warn({ room, err: error }, 'reading purged cards from a board update failed');
      return;
    }
    for (const cardId of cardIds) {
      if (!isValidId(cardId) || holdsCard(room, cardId)) continue;
      const description = descriptionRoom(parsed.boardId, cardId);
      core.deleteRoom(description).then(
        () => logger.info({ room: description }, 'description of a purged card deleted'),
        (error: unknown) =>
          logger.error({ room: description, err: error }, 'deleting a purged description failed'),
      );
    }
  };
  const afterStored = (room: string, update: Uint8Array) => {
    try {
      afterAppend(room, update);
    } catch (error) {
      // The update is stored: whatever goes wrong here must not make the write look failed.
      logger.error({ room, err: error }, 'deleting descriptions of purged cards failed');
    }
  };
  const append = async (room: string, update: Uint8Array) => {
    await inner.append(room, update);
    afterStored(room, update);
  };
  const appendSync = (room: string, update: Uint8Array) => {
    inner.appendSync?.(room, update);
    // The core applies a forwarded update right after it is stored (S2.4): the purge is checked
    // against the board once it holds it.
    queueMicrotask(() => afterStored(room, update));
  };
  const store = new Proxy(inner, {
    get(target, property) {
      if (property === 'append') return append;
      // Offered only while the store has it (LevelDB drops it when it closes).
      if (property === 'appendSync') return target.appendSync === undefined ? undefined : appendSync;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return {
    store,
    attach: (deleter) => {
      core = deleter;
    },
  };
}
