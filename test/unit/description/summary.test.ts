import { describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import {
  addCard,
  createBoardUndoManager,
  defaultColumnId,
  deleteCard,
  initBoard,
  readBoard,
  updateCard,
} from '../../../shared/board';
import { DESCRIPTION_PREVIEW_KEY, readDescriptionPreview } from '../../../shared/board/schema';
import type { DescriptionSummary } from '../../../shared/description-preview';
import { writeDescriptionSummary } from '../../../shared/description-summary';

const summary = (preview: string, done: number, total: number): DescriptionSummary => ({
  preview,
  checklist: { done, total },
});

function boardWithCard(): { doc: Y.Doc; cardId: string } {
  const doc = new Y.Doc();
  initBoard(doc, { title: 'B', createdBy: 'me' });
  const cardId = addCard(doc, { columnId: defaultColumnId(0), title: 'Card', createdBy: 'me' });
  return { doc, cardId };
}

/** The summary the board shows for the card (its snapshot's `descriptionPreview`). */
const storedSummary = (doc: Y.Doc, cardId: string) => readBoard(doc).cards.get(cardId)?.descriptionPreview;

describe('description summary stored on the board card', () => {
  it('writes, reads back, and skips a write that would change nothing', () => {
    const { doc, cardId } = boardWithCard();
    expect(storedSummary(doc, cardId)).toBeNull();
    expect(writeDescriptionSummary(doc, cardId, summary('Hello', 1, 3))).toBe(true);
    expect(storedSummary(doc, cardId)).toEqual(summary('Hello', 1, 3));
    const updates = vi.fn();
    doc.on('update', updates);
    expect(writeDescriptionSummary(doc, cardId, summary('Hello', 1, 3))).toBe(false);
    expect(updates).not.toHaveBeenCalled();
  });

  it('never creates a card that is missing or deleted', () => {
    const { doc, cardId } = boardWithCard();
    expect(writeDescriptionSummary(doc, 'nope', summary('x', 0, 0))).toBe(false);
    deleteCard(doc, cardId);
    expect(writeDescriptionSummary(doc, cardId, summary('x', 0, 0))).toBe(false);
    expect(readBoard(doc).cards.has(cardId)).toBe(false);
  });

  it("a board undo of the user's own edit leaves the summary alone", () => {
    const { doc, cardId } = boardWithCard();
    const me = Symbol('me');
    const undo = createBoardUndoManager(doc, me);
    updateCard(doc, cardId, { title: 'Renamed' }, { origin: me });
    writeDescriptionSummary(doc, cardId, summary('Notes', 0, 2));
    undo.undo();
    expect(readBoard(doc).cards.get(cardId)?.title).toBe('Card');
    expect(storedSummary(doc, cardId)).toEqual(summary('Notes', 0, 2));
  });

  it('concurrent writes settle on one whole summary on every replica', () => {
    const { doc: a, cardId } = boardWithCard();
    const b = new Y.Doc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    writeDescriptionSummary(a, cardId, summary('from a', 1, 2));
    writeDescriptionSummary(b, cardId, summary('from b', 2, 5));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    const onA = storedSummary(a, cardId);
    expect(onA).toEqual(storedSummary(b, cardId));
    expect([summary('from a', 1, 2), summary('from b', 2, 5)]).toContainEqual(onA);
  });

  it('rejects malformed stored values from other versions', () => {
    expect(readDescriptionPreview(null)).toBeNull();
    expect(readDescriptionPreview({ text: 'x', done: 3, total: 2 })).toBeNull();
    expect(readDescriptionPreview({ text: 'x', done: -1, total: 2 })).toBeNull();
    expect(readDescriptionPreview({ text: 5, done: 0, total: 0 })).toBeNull();
    expect(readDescriptionPreview({ text: 'ok', done: 0, total: 0 })).toEqual(summary('ok', 0, 0));
  });

  it('[B13] the board reads what was stored as the card snapshot descriptionPreview', () => {
    const { doc, cardId } = boardWithCard();
    writeDescriptionSummary(doc, cardId, summary('Ship it', 2, 4));
    const card = doc.getMap<Y.Map<unknown>>('cards').get(cardId);
    expect(card?.get(DESCRIPTION_PREVIEW_KEY)).toEqual({ text: 'Ship it', done: 2, total: 4 });
    expect(readBoard(doc).cards.get(cardId)?.descriptionPreview).toEqual(summary('Ship it', 2, 4));
  });

  it('stores one plain value under one key', () => {
    const { doc, cardId } = boardWithCard();
    writeDescriptionSummary(doc, cardId, summary('v', 0, 1));
    const card = doc.getMap<Y.Map<unknown>>('cards').get(cardId);
    expect(card?.get(DESCRIPTION_PREVIEW_KEY)).toEqual({ text: 'v', done: 0, total: 1 });
  });
});
