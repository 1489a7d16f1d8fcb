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
 *
 * It also records description edits in the board's activity feed (B14.4): an open description whose person
 * changed it calls `recordDescriptionEdit` (with the summary, written in the same transaction when it
 * differs), and that person's edits of one card less than a few minutes apart extend one entry.
 */
import type * as Y from 'yjs';
import { type EntryContext, isActivityUpkeep, recordDescriptionEdit as recordEdit } from './board/activity';
import { isTrashUpkeep } from './board/mutations/trash';
import {
  DESCRIPTION_PREVIEW_KEY,
  liveCard,
  readDescriptionPreview,
  roots,
  storedDescriptionPreview,
  stringField,
} from './board/schema';
import { type DescriptionSummary, sameSummary } from './description-preview';

const DESCRIPTION_SUMMARY_ORIGIN = 'trellis:description-summary';

/**
 * Whether a board transaction is a write made on a person's behalf that is not a board change they made: a
 * summary (with its description-edit entry, counted in the description's own status), pruning the activity
 * feed or purging what expired from the trash. It must reach the server, but the sync status does not count
 * it.
 */
export function isDerivedWrite(origin: unknown): boolean {
  return origin === DESCRIPTION_SUMMARY_ORIGIN || isActivityUpkeep(origin) || isTrashUpkeep(origin);
}

/**
 * Stores the summary on the card if it differs from what is stored. Returns whether it wrote. A card that
 * does not exist (purged, or not yet synced here) or is in the trash is left alone: a summary must never
 * create a card, and a card in the trash changes only by being restored.
 */
export function writeDescriptionSummary(
  boardDoc: Y.Doc,
  cardId: string,
  summary: DescriptionSummary,
): boolean {
  const card = liveCard(roots(boardDoc), cardId);
  if (!card) return false;
  const current = readDescriptionPreview(card.get(DESCRIPTION_PREVIEW_KEY));
  if (current && sameSummary(current, summary)) return false;
  boardDoc.transact(
    () => card.set(DESCRIPTION_PREVIEW_KEY, storedDescriptionPreview(summary)),
    DESCRIPTION_SUMMARY_ORIGIN,
  );
  return true;
}

/**
 * Records that `context.actor` edited the card's description (B14.4), and stores `summary` if given and
 * different, in one transaction under the summary's origin (board undo never removes it). A card that does
 * not exist here, or is in the trash, is left alone. Returns whether it wrote.
 */
export function recordDescriptionEdit(
  boardDoc: Y.Doc,
  cardId: string,
  context: EntryContext,
  summary?: DescriptionSummary,
): boolean {
  const card = liveCard(roots(boardDoc), cardId);
  if (!card) return false;
  const current = readDescriptionPreview(card.get(DESCRIPTION_PREVIEW_KEY));
  boardDoc.transact(() => {
    if (summary && !(current && sameSummary(current, summary))) {
      card.set(DESCRIPTION_PREVIEW_KEY, storedDescriptionPreview(summary));
    }
    recordEdit(boardDoc, cardId, stringField(card, 'title'), context);
  }, DESCRIPTION_SUMMARY_ORIGIN);
  return true;
}
