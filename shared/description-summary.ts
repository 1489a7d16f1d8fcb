/**
 * The description summary a card carries in the BOARD document, so the board can show every card's
 * preview and checklist progress without opening (and connecting) each description document.
 *
 * Stored as one plain value under `descriptionPreview` in the card's Y.Map (see shared/board/schema.ts):
 * one value, so concurrent writes resolve last-writer-wins as a whole and never mix two states. Every
 * open editor re-derives it from the (converged) description and rewrites it only when it differs, so the
 * stored value settles on the converged description's summary. This module is its only writer; the board
 * reads it as `CardSnapshot.descriptionPreview` (readBoard).
 *
 * Writes use DESCRIPTION_SUMMARY_ORIGIN: a board UndoManager tracks only the user's own origin, so undoing
 * a board action never rewinds a summary (the summary follows the description, not the board's history).
 */
import * as Y from 'yjs';
import {
  childMap,
  DESCRIPTION_PREVIEW_KEY,
  type DescriptionPreview,
  readDescriptionPreview,
  roots,
} from './board/schema';
import type { DescriptionSummary } from './description-preview';

export const DESCRIPTION_SUMMARY_KEY = DESCRIPTION_PREVIEW_KEY;
export const DESCRIPTION_SUMMARY_ORIGIN = 'trellis:description-summary';

function cardMap(boardDoc: Y.Doc, cardId: string): Y.Map<unknown> | null {
  return childMap(roots(boardDoc).cards as Y.Map<unknown>, cardId);
}

/** Reads a stored summary defensively (peers may run other versions); null if none. */
export function readDescriptionSummary(boardDoc: Y.Doc, cardId: string): DescriptionSummary | null {
  const card = cardMap(boardDoc, cardId);
  return card ? parseSummary(card.get(DESCRIPTION_SUMMARY_KEY)) : null;
}

export function parseSummary(value: unknown): DescriptionSummary | null {
  const stored = readDescriptionPreview(value);
  return stored ? summaryOf(stored) : null;
}

/** The stored form (`CardSnapshot.descriptionPreview`) as the summary the description derives. */
export function summaryOf(stored: DescriptionPreview): DescriptionSummary {
  return { preview: stored.text, checklist: { done: stored.done, total: stored.total } };
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
  const stored: DescriptionPreview = {
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
