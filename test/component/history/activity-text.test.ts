/**
 * What the feed says (client/history/activity-text.ts), for entries made by the real intents: the
 * sentences people read ("Alice moved Fix login from Doing to Done").
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { describeEntry } from '../../../client/history/activity-text';
import {
  addCard,
  addLabel,
  deleteCard,
  deleteColumn,
  initBoard,
  moveCard,
  purgeCard,
  purgeExpired,
  readActivity,
  renameColumn,
  restoreCard,
  updateCard,
} from '../../../shared/board';
import { recordDescriptionEdit } from '../../../shared/description-summary';

let now = 1_800_000_000_000;
/** Each change a second after the last: the newest entry is the last change's. */
const clock = () => (now += 1000);

const NAMES: Record<string, string> = { alice: 'Alice', bob: 'Bob', carol: 'Carol', dan: 'Dan' };
const nameOf = (id: string) => NAMES[id] ?? 'Someone';

function latest(doc: Y.Doc): string {
  const entry = readActivity(doc)[0];
  if (!entry) throw new Error('no entry');
  return describeEntry(entry, nameOf);
}

describe('activity sentences', () => {
  it('[B14.1] reads like the examples: moved, renamed column, archived, edited the description', () => {
    const doc = new Y.Doc();
    initBoard(doc, { title: 'Launch', createdBy: 'alice' }, { clock });
    expect(latest(doc)).toBe('Alice created the board Launch');
    const fix = addCard(doc, { columnId: 'default-1', title: 'Fix login', createdBy: 'alice' }, { clock });
    expect(latest(doc)).toBe('Alice added Fix login to Doing');
    moveCard(doc, fix, { columnId: 'default-2', index: 0 }, { actor: 'alice', clock });
    expect(latest(doc)).toBe('Alice moved Fix login from Doing to Done');
    renameColumn(doc, 'default-0', 'QA', { actor: 'bob', clock });
    renameColumn(doc, 'default-0', 'Review', { actor: 'bob', clock });
    expect(latest(doc)).toBe('Bob renamed column QA to Review');
    const spike = addCard(doc, { columnId: 'default-0', title: 'Old spike', createdBy: 'carol' }, { clock });
    updateCard(doc, spike, { archived: true }, { actor: 'carol', clock });
    expect(latest(doc)).toBe('Carol archived Old spike');
    const notes = addCard(
      doc,
      { columnId: 'default-0', title: 'Release notes', createdBy: 'dan' },
      { clock },
    );
    recordDescriptionEdit(doc, notes, { actor: 'dan', clock });
    expect(latest(doc)).toBe('Dan edited the description of Release notes');
  });

  it('[B14.1] labels, assignees, due dates, the trash', () => {
    const doc = new Y.Doc();
    initBoard(doc, { title: 'T', createdBy: 'alice' }, { clock });
    const alice = { actor: 'alice', clock };
    const card = addCard(doc, { columnId: 'default-0', title: 'Ship', createdBy: 'alice' }, { clock });
    const bug = addLabel(doc, { name: 'bug', color: '#e03131' }, alice);
    const ux = addLabel(doc, { name: 'ux', color: '#1c7ed6' }, alice);
    updateCard(doc, card, { labels: [bug, ux] }, alice);
    expect(latest(doc)).toBe('Alice labelled Ship bug and ux');
    updateCard(doc, card, { labels: [ux] }, alice);
    expect(latest(doc)).toBe('Alice took bug off Ship');
    updateCard(doc, card, { assignees: ['bob', 'carol'] }, alice);
    expect(latest(doc)).toBe('Alice assigned Bob and Carol to Ship');
    updateCard(doc, card, { due: '2030-01-31' }, alice);
    expect(latest(doc)).toBe('Alice set Ship due 2030-01-31');
    updateCard(doc, card, { due: null }, alice);
    expect(latest(doc)).toBe('Alice cleared the due date of Ship');
    deleteCard(doc, card, alice);
    expect(latest(doc)).toBe('Alice deleted Ship');
    restoreCard(doc, card, { actor: 'bob', clock });
    expect(latest(doc)).toBe('Bob restored Ship to To do');
    deleteCard(doc, card, alice);
    purgeCard(doc, card, alice);
    expect(latest(doc)).toBe('Alice purged Ship from the trash');
    const other = addCard(doc, { columnId: 'default-1', title: 'Other', createdBy: 'alice' }, { clock });
    deleteColumn(doc, 'default-1', { actor: 'carol', clock });
    expect(latest(doc)).toBe('Carol deleted column Doing with 1 card');
    purgeExpired(doc, { clock: () => now + 40 * 86_400_000 });
    expect(latest(doc)).toBe('Column Doing was removed from the trash after its time there');
    expect(other).toBeDefined();
  });
});
