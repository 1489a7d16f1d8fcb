import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addCard, initBoard, noteMember } from '../../shared/board';
import { type BoardChange, boardChangeOf } from '../../shared/board-activity';
import { writeDescriptionSummary } from '../../shared/description-summary';

/** The changes each transaction of `run` made, as boardChangeOf reads them. */
function changesDuring(doc: Y.Doc, run: () => void): (BoardChange | null)[] {
  const seen: (BoardChange | null)[] = [];
  const listen = (transaction: Y.Transaction) => seen.push(boardChangeOf(transaction));
  doc.on('afterTransaction', listen);
  run();
  doc.off('afterTransaction', listen);
  return seen;
}

describe('who changed a board', () => {
  it('names the client that wrote a card, ignores visits (the member list) and description summaries', () => {
    const doc = new Y.Doc();
    doc.clientID = 11;
    initBoard(doc, { title: 'Launch', createdBy: 'ada' });
    expect(changesDuring(doc, () => noteMember(doc, { id: 'ada', name: 'Ada', color: '#1971c2' }))).toEqual([
      null,
    ]);
    let cardId = '';
    expect(
      changesDuring(doc, () => {
        cardId = addCard(doc, { columnId: 'default-0', title: 'Plan', createdBy: 'ada' });
      }),
    ).toEqual([{ authors: [11] }]);
    expect(
      changesDuring(doc, () =>
        writeDescriptionSummary(doc, cardId, { preview: 'x', checklist: { done: 0, total: 0 } }),
      ),
    ).toEqual([null]);
  });

  it('names the remote authors of an update applied from elsewhere', () => {
    const remote = new Y.Doc();
    remote.clientID = 42;
    initBoard(remote, { title: 'Remote', createdBy: 'grace' });
    const doc = new Y.Doc();
    doc.clientID = 7;
    expect(changesDuring(doc, () => Y.applyUpdate(doc, Y.encodeStateAsUpdate(remote), 'remote'))).toEqual([
      { authors: [42] },
    ]);
  });
});
