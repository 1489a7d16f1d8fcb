/**
 * Property tests of the activity feed beside the convergence simulation (convergence.test.ts checks that
 * every change keeps its entry and every replica shows the same feed): undo and redo take entries away and
 * bring them back exactly as the undo stack says, never someone else's (B14.3); pruning on replicas that
 * exchange updates late and out of order never loses an entry among the newest (B14.5).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  type ActivityEntry,
  activityPruneThreshold,
  compareEntries,
  createBoardUndoManager,
  initBoard,
  pruneActivity,
  readActivity,
} from '../../../shared/board';
import { actingReplica, applyIntent, type BoardIntent, boardIntentArb, syncAll } from './helpers';

const RUNS = Number(process.env.BOARD_FUZZ_RUNS ?? 300);

const intentArb = boardIntentArb();

const ids = (doc: Y.Doc) => new Set(readActivity(doc, Number.POSITIVE_INFINITY).map((e) => e.id));

type UndoStep =
  | { who: 'me'; intent: BoardIntent }
  | { who: 'other'; intent: BoardIntent }
  | { who: 'undo' }
  | { who: 'redo' }
  | { who: 'sync' };

const undoStepArb: fc.Arbitrary<UndoStep> = fc.oneof(
  { weight: 5, arbitrary: intentArb.map((intent) => ({ who: 'me' as const, intent })) },
  { weight: 2, arbitrary: intentArb.map((intent) => ({ who: 'other' as const, intent })) },
  { weight: 3, arbitrary: fc.constant({ who: 'undo' as const }) },
  { weight: 2, arbitrary: fc.constant({ who: 'redo' as const }) },
  { weight: 2, arbitrary: fc.constant({ who: 'sync' as const }) },
);

describe('activity feed properties', () => {
  it('[B14.3] undo removes exactly the entries of the step it undoes, redo brings them back, others stay', () => {
    let undone = 0;
    fc.assert(
      fc.property(fc.array(undoStepArb, { minLength: 5, maxLength: 60 }), (steps) => {
        const me = actingReplica(1, 'alice', 'me');
        const other = actingReplica(2, 'bob');
        initBoard(me.doc, { title: 'T', createdBy: 'alice' }, me.opts);
        syncAll(me.doc, other.doc);
        const undo = createBoardUndoManager(me.doc, 'me');
        // The model: entries of each step on the undo and redo stacks, and everyone else's.
        const undoStack: string[][] = [];
        const redoStack: string[][] = [];
        const kept = new Set(ids(me.doc));
        for (const step of steps) {
          if (step.who === 'me' || step.who === 'other') {
            const replica = step.who === 'me' ? me : other;
            const before = ids(replica.doc);
            applyIntent(replica.doc, replica.opts, step.intent);
            const added = [...ids(replica.doc)].filter((id) => !before.has(id));
            expect(added.length).toBeLessThanOrEqual(1);
            if (step.who === 'other') for (const id of added) kept.add(id);
            else if (added.length > 0) {
              undoStack.push(added);
              redoStack.length = 0;
            }
          } else if (step.who === 'undo') {
            const entries = undoStack.pop();
            expect(undo.canUndo()).toBe(entries !== undefined);
            if (entries) {
              undo.undo();
              redoStack.push(entries);
              undone++;
            }
          } else if (step.who === 'redo') {
            const entries = redoStack.pop();
            expect(undo.canRedo()).toBe(entries !== undefined);
            if (entries) {
              undo.redo();
              undoStack.push(entries);
            }
          } else {
            syncAll(me.doc, other.doc);
          }
          const expected = new Set([...kept, ...undoStack.flat()]);
          // What this replica has seen of the other's entries depends on syncs: compare after one.
          const mine = ids(me.doc);
          for (const id of undoStack.flat()) expect(mine.has(id)).toBe(true);
          for (const id of redoStack.flat()) expect(mine.has(id)).toBe(false);
          for (const id of mine) expect(expected.has(id)).toBe(true);
        }
        syncAll(me.doc, other.doc);
        expect(ids(me.doc)).toEqual(new Set([...kept, ...undoStack.flat()]));
        expect(readActivity(other.doc)).toEqual(readActivity(me.doc));
      }),
      { numRuns: RUNS },
    );
    expect(undone).toBeGreaterThan(0);
  }, 120_000);

  type PruneStep = { r: number; intent: BoardIntent } | { deliver: number; from: number; to: number };

  const pruneStepArb: fc.Arbitrary<PruneStep> = fc.oneof(
    { weight: 4, arbitrary: fc.record({ r: fc.nat({ max: 2 }), intent: intentArb }) },
    {
      weight: 2,
      arbitrary: fc.record({ deliver: fc.nat(), from: fc.nat({ max: 2 }), to: fc.nat({ max: 2 }) }),
    },
  );

  it('[B14.5] pruning on replicas that sync late never loses one of the newest entries, and keeps the feed bounded', () => {
    let prunedRuns = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 12 }),
        fc.array(pruneStepArb, { minLength: 20, maxLength: 120 }),
        (limit, steps) => {
          const replicas = [0, 1, 2].map((i) => {
            const replica = actingReplica(i + 1, `user${i}`);
            return { ...replica, opts: { ...replica.opts, activityLimit: limit } };
          });
          const docs = replicas.map((r) => r.doc);
          initBoard(docs[0]!, { title: 'T', createdBy: 'user0' }, replicas[0]!.opts);
          syncAll(...docs);
          const queues = docs.map(() => docs.map(() => [] as Uint8Array[]));
          docs.forEach((doc, from) => {
            doc.on('update', (update: Uint8Array, origin: unknown) => {
              if (origin === 'remote') return;
              for (let to = 0; to < docs.length; to++) if (to !== from) queues[from]![to]!.push(update);
            });
          });
          const recorded = new Map<string, ActivityEntry>();
          for (const entry of readActivity(docs[0]!)) recorded.set(entry.id, entry);
          let pruned = false;
          for (const step of steps) {
            if ('intent' in step) {
              const replica = replicas[step.r]!;
              const length = replica.doc.getArray('activity').length;
              applyIntent(replica.doc, replica.opts, step.intent);
              for (const entry of readActivity(replica.doc, Number.POSITIVE_INFINITY))
                recorded.set(entry.id, entry);
              if (replica.doc.getArray('activity').length < length) pruned = true;
            } else if (step.from !== step.to) {
              const queue = queues[step.from]![step.to]!;
              const [update] = queue.splice(step.deliver % Math.max(1, queue.length), 1);
              if (update) Y.applyUpdate(docs[step.to]!, update, 'remote');
            }
          }
          syncAll(...docs);
          if (pruned) prunedRuns++;
          const newest = [...recorded.values()].sort((a, b) => compareEntries(b, a)).slice(0, limit);
          for (const doc of docs) expect(readActivity(doc, limit)).toEqual(newest);
          pruneActivity(docs[0]!, limit);
          syncAll(...docs);
          for (const doc of docs) {
            expect(doc.getArray('activity').length).toBeLessThanOrEqual(activityPruneThreshold(limit));
          }
        },
      ),
      { numRuns: RUNS },
    );
    expect(prunedRuns).toBeGreaterThan(0);
  }, 120_000);
});
