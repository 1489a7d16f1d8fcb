/** Comments on cards (shared/board/SPEC.md B27–B29). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addCard, initBoard } from '../../../shared/board';
import {
  addComment,
  deleteComment,
  editComment,
  readAllComments,
  readComments,
  splitMentions,
} from '../../../shared/board/comments';
import { replica, syncAll } from './helpers';

function setup(n: number) {
  const replicas = Array.from({ length: n }, (_, i) => replica(i + 1));
  const first = replicas[0] as (typeof replicas)[0];
  initBoard(first.doc, { title: 'Board', createdBy: 'ada' }, first.opts);
  const cardId = addCard(first.doc, { columnId: 'default-0', title: 'Card', createdBy: 'ada' }, first.opts);
  syncAll(...replicas.map((r) => r.doc));
  return { replicas, cardId };
}

describe('comments', () => {
  it('[B27] comments written concurrently (offline) are all kept, in one order every replica agrees on', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ who: fc.nat({ max: 2 }), at: fc.integer({ min: 0, max: 5 }), sync: fc.boolean() }),
          { maxLength: 25 },
        ),
        (ops) => {
          const { replicas, cardId } = setup(3);
          const written: string[] = [];
          ops.forEach((op, i) => {
            const r = replicas[op.who] as (typeof replicas)[0];
            // Clocks that collide often: ties are broken by id.
            const id = addComment(
              r.doc,
              { cardId, author: `u${op.who}`, text: `comment ${i}` },
              {
                ...r.opts,
                clock: () => op.at,
              },
            );
            if (id) written.push(id);
            if (op.sync) syncAll(r.doc, (replicas[(op.who + 1) % 3] as (typeof replicas)[0]).doc);
          });
          syncAll(...replicas.map((r) => r.doc));
          const orders = replicas.map((r) => readComments(r.doc, cardId).map((c) => c.id));
          for (const order of orders) expect(order).toEqual(orders[0]);
          expect([...(orders[0] ?? [])].sort()).toEqual([...written].sort());
          const times = readComments(replicas[0]!.doc, cardId).map((c) => c.createdAt);
          expect(times).toEqual([...times].sort((a, b) => a - b));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('[B28] only the author edits or deletes a comment; a delete wins over a concurrent edit', () => {
    const { replicas, cardId } = setup(2);
    const [a, b] = replicas as [(typeof replicas)[0], (typeof replicas)[0]];
    const id = addComment(a.doc, { cardId, author: 'ada', text: 'First draft' }, a.opts) as string;
    syncAll(a.doc, b.doc);
    expect(editComment(b.doc, { commentId: id, by: 'bob', text: 'Hijacked' })).toBe(false);
    expect(deleteComment(b.doc, { commentId: id, by: 'bob' })).toBe(false);
    expect(editComment(a.doc, { commentId: id, by: 'ada', text: 'Second draft' }, a.opts)).toBe(true);
    expect(readComments(a.doc, cardId)[0]).toMatchObject({ text: 'Second draft', author: 'ada' });
    expect(readComments(a.doc, cardId)[0]?.editedAt).not.toBeNull();
    // Ada edits in one tab and deletes in another at the same time.
    const tab = replica(9);
    syncAll(a.doc, tab.doc);
    editComment(a.doc, { commentId: id, by: 'ada', text: 'Third draft' }, a.opts);
    deleteComment(tab.doc, { commentId: id, by: 'ada' });
    syncAll(a.doc, b.doc, tab.doc);
    for (const doc of [a.doc, b.doc, tab.doc]) expect(readComments(doc, cardId)).toEqual([]);
  });

  it('[B27] a comment needs text within the limit and a live card; threads are read per card', () => {
    const { replicas, cardId } = setup(1);
    const { doc, opts } = replicas[0] as (typeof replicas)[0];
    expect(() => addComment(doc, { cardId, author: 'ada', text: '   ' })).toThrow(/empty/);
    expect(() => addComment(doc, { cardId, author: 'ada', text: 'x'.repeat(5001) })).toThrow(/5000/);
    expect(addComment(doc, { cardId: 'nosuchcard', author: 'ada', text: 'Hello' })).toBeNull();
    const other = addCard(doc, { columnId: 'default-0', title: 'Other', createdBy: 'ada' }, opts);
    addComment(doc, { cardId, author: 'ada', text: 'On the first' }, opts);
    addComment(doc, { cardId: other, author: 'ada', text: 'On the other' }, opts);
    const all = readAllComments(doc);
    expect(all.get(cardId)?.map((c) => c.text)).toEqual(['On the first']);
    expect(all.get(other)?.map((c) => c.text)).toEqual(['On the other']);
  });

  it('[B29] mentions are stored as member ids and split out of the text by name, longest name first', () => {
    const { replicas, cardId } = setup(1);
    const { doc, opts } = replicas[0] as (typeof replicas)[0];
    addComment(
      doc,
      { cardId, author: 'ada', text: 'Ask @Grace Hopper and @Grace', mentions: ['grace', 'gr'] },
      opts,
    );
    const [comment] = readComments(doc, cardId);
    expect(comment?.mentions).toEqual(['gr', 'grace']);
    expect(
      splitMentions(comment?.text ?? '', [
        { id: 'gr', name: 'Grace' },
        { id: 'grace', name: 'Grace Hopper' },
      ]),
    ).toEqual([
      { text: 'Ask ', memberId: null },
      { text: '@Grace Hopper', memberId: 'grace' },
      { text: ' and ', memberId: null },
      { text: '@Grace', memberId: 'gr' },
    ]);
    expect(splitMentions('mail me@example.org', [])).toEqual([
      { text: 'mail me@example.org', memberId: null },
    ]);
  });
});
