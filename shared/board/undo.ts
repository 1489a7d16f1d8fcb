import * as Y from 'yjs';
import { roots } from './schema';

export interface BoardUndoOptions {
  /**
   * Changes closer together than this merge into one undo step. Default 0: every intent (add, move,
   * rename…) is its own step, which is what a board wants; titles are written once on commit, not per key.
   */
  captureTimeoutMs?: number;
}

/**
 * A per-user undo manager for a board: it tracks only transactions whose origin is `origin` (pass the same
 * value as `MutationOptions.origin` for the local user's intents), so undo never reverts someone else's
 * edit, and Yjs does not overwrite a remote change to the same field (`ignoreRemoteMapChanges` stays off).
 * Member records (`noteMember`) are outside its scope. The activity feed is inside it: undoing an intent
 * removes the entry it recorded, and redoing brings it back (B14.3). Purges, feed pruning, description
 * entries, comments and dot-voting rounds run under origins of their own, so undo never touches them.
 */
export function createBoardUndoManager(
  doc: Y.Doc,
  origin: unknown,
  options?: BoardUndoOptions,
): Y.UndoManager {
  const r = roots(doc);
  return new Y.UndoManager([r.meta, r.columns, r.cards, r.labels, r.activity], {
    trackedOrigins: new Set([origin]),
    captureTimeout: options?.captureTimeoutMs ?? 0,
  });
}
