/**
 * The description summary a card carries in the BOARD document, so the board can show every card's
 * preview and checklist progress without opening (and connecting) each description document.
 *
 * Stored as one plain value under `descriptionPreview` in the card's Y.Map (see shared/board/schema.ts):
 * one value, so concurrent writes resolve last-writer-wins as a whole and never mix two states. Every
 * open editor re-derives it from the (converged) description and rewrites it only when it differs, so the
 * stored value settles on the converged description's summary.
 *
 * Writes use DESCRIPTION_SUMMARY_ORIGIN: a board UndoManager tracks only the user's own origin, so undoing
 * a board action never rewinds a summary (the summary follows the description, not the board's history).
 */
import * as Y from 'yjs';
import { childMap, roots } from './board/schema';
import { type DescriptionSummary, PREVIEW_MAX_CHARS } from './description-preview';

export const DESCRIPTION_SUMMARY_KEY = 'descriptionPreview';
export const DESCRIPTION_SUMMARY_ORIGIN = 'trellis:description-summary';

interface StoredSummary {
  text: string;
  done: number;
  total: number;
}

function cardMap(boardDoc: Y.Doc, cardId: string): Y.Map<unknown> | null {
  return childMap(roots(boardDoc).cards as Y.Map<unknown>, cardId);
}

/** Reads a stored summary defensively (peers may run other versions); null if none. */
export function readDescriptionSummary(boardDoc: Y.Doc, cardId: string): DescriptionSummary | null {
  const card = cardMap(boardDoc, cardId);
  return card ? parseSummary(card.get(DESCRIPTION_SUMMARY_KEY)) : null;
}

export function parseSummary(value: unknown): DescriptionSummary | null {
  if (typeof value !== 'object' || value === null) return null;
  const { text, done, total } = value as Record<string, unknown>;
  if (typeof text !== 'string' || !isCount(done) || !isCount(total) || done > total) return null;
  return { preview: text.slice(0, PREVIEW_MAX_CHARS), checklist: { done, total } };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/**
 * Stores the summary on the card if it differs from what is stored. Returns whether it wrote. A card that
 * does not exist (deleted, or not yet synced here) is left alone: a summary must never create a card.
 */
export function writeDescriptionSummary(
  boardDoc: Y.Doc,
  cardId: string,
  summary: DescriptionSummary,
): boolean {
  const card = cardMap(boardDoc, cardId);
  if (!card) return false;
  const current = parseSummary(card.get(DESCRIPTION_SUMMARY_KEY));
  if (
    current &&
    current.preview === summary.preview &&
    current.checklist.done === summary.checklist.done &&
    current.checklist.total === summary.checklist.total
  ) {
    return false;
  }
  const stored: StoredSummary = {
    text: summary.preview,
    done: summary.checklist.done,
    total: summary.checklist.total,
  };
  boardDoc.transact(() => card.set(DESCRIPTION_SUMMARY_KEY, stored), DESCRIPTION_SUMMARY_ORIGIN);
  return true;
}

/**
 * Calls `listener` whenever the card's stored summary may have changed (including the card appearing or
 * being replaced). Returns an unsubscribe function.
 */
export function onDescriptionSummaryChange(
  boardDoc: Y.Doc,
  cardId: string,
  listener: () => void,
): () => void {
  const cards = roots(boardDoc).cards;
  const handle = (events: Y.YEvent<Y.AbstractType<unknown>>[]) => {
    for (const event of events) {
      if (event.target === cards) {
        if ((event as Y.YMapEvent<unknown>).keysChanged.has(cardId)) return listener();
      } else if (
        event.target instanceof Y.Map &&
        event.target.parent === cards &&
        (event as Y.YMapEvent<unknown>).keysChanged.has(DESCRIPTION_SUMMARY_KEY) &&
        cardMap(boardDoc, cardId) === event.target
      ) {
        return listener();
      }
    }
  };
  cards.observeDeep(handle);
  return () => cards.unobserveDeep(handle);
}
