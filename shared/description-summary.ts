/**
 * The description summary a card carries in the BOARD document, so the board can show every card's
 * preview and checklist progress without opening (and connecting) each description document.
 *
 * Stored as one plain value under `descriptionPreview` in the card's Y.Map (see shared/board/schema.ts):
 * one value, so concurrent writes resolve last-writer-wins as a whole and never mix two states. Every
 * editor open on a writable board re-derives it from the (converged) description and rewrites it only when
 * it differs, so the stored value settles on the converged description's summary. This module is its only
 * writer; the board reads it as `CardSnapshot.descriptionPreview` (readBoard).
 *
 * Writes use DESCRIPTION_SUMMARY_ORIGIN: a board UndoManager tracks only the user's own origin, so undoing
 * a board action never rewinds a summary (the summary follows the description, not the board's history).
 */
import type * as Y from 'yjs';
import {
  childMap,
  DESCRIPTION_PREVIEW_KEY,
  readDescriptionPreview,
  roots,
  storedDescriptionPreview,
} from './board/schema';
import { type DescriptionSummary, sameSummary } from './description-preview';

const DESCRIPTION_SUMMARY_ORIGIN = 'trellis:description-summary';

/**
 * Whether a board transaction is a summary write: made on the person's behalf, it must reach the server but
 * is not a change they made (the sync status does not count it).
 */
export function isDerivedWrite(origin: unknown): boolean {
  return origin === DESCRIPTION_SUMMARY_ORIGIN;
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
  const card = childMap(roots(boardDoc).cards as Y.Map<unknown>, cardId);
  if (!card) return false;
  const current = readDescriptionPreview(card.get(DESCRIPTION_PREVIEW_KEY));
  if (current && sameSummary(current, summary)) return false;
  boardDoc.transact(
    () => card.set(DESCRIPTION_PREVIEW_KEY, storedDescriptionPreview(summary)),
    DESCRIPTION_SUMMARY_ORIGIN,
  );
  return true;
}
