/** Comments and estimates in `trellis-server export` (shared/board/SPEC.md B27, B26): JSON and Markdown. */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addCard, initBoard, noteMember } from '../../../shared/board';
import { addComment } from '../../../shared/board/comments';
import { acceptPokerEstimate, startPokerRound } from '../../../shared/board/rituals/poker';
import { buildExport } from '../../../sync-server/admin/formats';

describe('comments in the export', () => {
  it("[B27] lists each card's comments, in thread order, with author and time, and its estimate, in JSON and Markdown", () => {
    const board = new Y.Doc();
    initBoard(board, { title: 'Launch', createdBy: 'ada' });
    noteMember(board, { id: 'ada', name: 'Ada Lovelace', color: '#d9480f' });
    noteMember(board, { id: 'grace', name: 'Grace Hopper', color: '#1971c2' });
    const cardId = addCard(board, { columnId: 'default-0', title: 'Pricing page', createdBy: 'ada' });
    addComment(
      board,
      { cardId, author: 'grace', text: 'Done, they *add* up.' },
      { clock: () => Date.UTC(2026, 0, 2) },
    );
    addComment(
      board,
      { cardId, author: 'ada', text: 'Check the numbers, @Grace Hopper', mentions: ['grace'] },
      { clock: () => Date.UTC(2026, 0, 1) },
    );
    const roundId = startPokerRound(board, { cardId, deck: ['3', '5', '8'], startedBy: 'ada' });
    acceptPokerEstimate(board, { roundId, value: '5', by: 'ada' });
    const state = Y.encodeStateAsUpdate(board);
    const { json, markdown } = buildExport(
      'b1',
      [{ room: 'board.b1', state, entries: 1, bytes: state.byteLength, updatedAt: 0 }],
      new Date(0),
    );
    expect((json as unknown as { comments: Record<string, unknown[]> }).comments[cardId]).toEqual([
      expect.objectContaining({
        author: 'ada',
        text: 'Check the numbers, @Grace Hopper',
        mentions: ['grace'],
      }),
      expect.objectContaining({ author: 'grace', text: 'Done, they *add* up.' }),
    ]);
    expect((json as unknown as { estimates: Record<string, string> }).estimates).toEqual({ [cardId]: '5' });
    const lines = markdown.split('\n');
    expect(lines).toContain('- Estimate: 5');
    const heading = lines.indexOf('#### Comments');
    expect(heading).toBeGreaterThan(lines.indexOf('### Pricing page'));
    expect(lines.slice(heading + 2, heading + 4)).toEqual([
      '- **Ada Lovelace**, 2026-01-01T00:00:00.000Z: Check the numbers, @Grace Hopper',
      '- **Grace Hopper**, 2026-01-02T00:00:00.000Z: Done, they \\*add\\* up.',
    ]);
  });
});
