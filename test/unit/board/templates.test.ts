import { describe, expect, it } from 'vitest';
import { initBoard, readBoard } from '../../../shared/board';
import { BOARD_TEMPLATES, boardTemplate } from '../../../shared/board/templates';
import { replica, syncAll } from './helpers';

describe('board templates', () => {
  it('offers Kanban, Retrospective, Start-Stop-Continue and Planning, each with its columns', () => {
    expect(BOARD_TEMPLATES.map((t) => [t.name, t.columnTitles])).toEqual([
      ['Kanban', ['To do', 'Doing', 'Done']],
      ['Retrospective', ['Went well', 'To improve', 'Action items']],
      ['Start-Stop-Continue', ['Start', 'Stop', 'Continue']],
      ['Planning', ['Backlog', 'To estimate', 'Ready']],
    ]);
    expect(boardTemplate('no-such-template').id).toBe('kanban');
    expect(boardTemplate(undefined).id).toBe('kanban');
  });

  it('[B8] a board from a template is named as created and has the template columns, once, on every replica', () => {
    const a = replica(1);
    const b = replica(2);
    const columnTitles = boardTemplate('retrospective').columnTitles;
    // Two replicas initialising the same empty board concurrently still get one column each.
    initBoard(a.doc, { title: 'Sprint 12 retro', createdBy: 'ada', columnTitles }, a.opts);
    initBoard(b.doc, { title: 'Sprint 12 retro', createdBy: 'ada', columnTitles }, b.opts);
    syncAll(a.doc, b.doc);
    for (const { doc } of [a, b]) {
      const board = readBoard(doc);
      expect(board.title).toBe('Sprint 12 retro');
      expect(board.columns.map((c) => c.title)).toEqual(['Went well', 'To improve', 'Action items']);
    }
  });
});
