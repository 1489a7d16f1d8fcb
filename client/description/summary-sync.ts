import type * as Y from 'yjs';
import { summarizeDescription } from '../../shared/description-preview';
import { recordDescriptionEdit, writeDescriptionSummary } from '../../shared/description-summary';
import type { DocHandle } from '../sync/types';

/** The page's idle callbacks: absent in Node (the unit tests) and in some browsers. */
const idleCallbacks = globalThis as {
  requestIdleCallback?: (callback: () => void, options?: { timeout: number }) => number;
  cancelIdleCallback?: (handle: number) => void;
};

/** Typing pauses this long before the card's preview is rewritten… */
export const SUMMARY_QUIET_MS = 400;
/** …but during continuous typing it is rewritten at least this often. */
export const SUMMARY_MAX_WAIT_MS = 2_000;
/**
 * Once due, the write waits for an idle moment of the page (between keystrokes), at most this long: it
 * reads the whole description and writes the board (which re-renders the card), and must not hold up the
 * next keystroke.
 */
export const SUMMARY_IDLE_TIMEOUT_MS = 500;

export interface SummarySyncOptions {
  description: Pick<DocHandle, 'doc' | 'getStatus' | 'onStatus' | 'isRemoteOrigin'>;
  boardDoc: Y.Doc;
  cardId: string;
  /**
   * Member id of the person editing here: their edits are recorded in the board's activity feed
   * ("edited the description", one entry per stretch of typing, B14.4). Without it only the summary is kept.
   */
  actor?: string;
  quietMs?: number;
  maxWaitMs?: number;
}

/**
 * While a description is open, keeps its card's stored summary (preview + checklist) in step with it, but
 * only in a browser whose own change made the description differ: one that changed it while it is open, or
 * holds changes to it the server has not stored yet. A reader never writes: its copy may be older than the
 * server's, or empty (never synced), and writing it would wipe the preview for everyone. From its first own
 * change on, a writer follows remote changes too, so the stored value settles on the converged text even
 * when two writers raced; a write happens only when the value differs. (A description closed before the
 * server stored it is summarised once more when the background sync has stored it: background-previews.ts.)
 *
 * With an `actor`, a write that follows this browser's own edits also records them in the board's activity
 * feed, in the same transaction as the summary (shared/description-summary.ts merges a stretch of typing
 * into one entry); remote edits record nothing here (their author's browser records them).
 *
 * Returns a stop function that writes any pending change first.
 */
export function syncSummaryToBoard(options: SummarySyncOptions): () => void {
  const { description, boardDoc, cardId } = options;
  const quietMs = options.quietMs ?? SUMMARY_QUIET_MS;
  const maxWaitMs = options.maxWaitMs ?? SUMMARY_MAX_WAIT_MS;
  const doc = description.doc;
  let quietTimer: ReturnType<typeof setTimeout> | null = null;
  let maxTimer: ReturnType<typeof setTimeout> | null = null;
  let idle: number | null = null;
  let stopped = false;

  const clearTimers = () => {
    if (quietTimer !== null) clearTimeout(quietTimer);
    if (maxTimer !== null) clearTimeout(maxTimer);
    if (idle !== null) idleCallbacks.cancelIdleCallback?.(idle);
    quietTimer = null;
    maxTimer = null;
    idle = null;
  };

  let ownChange = description.getStatus().pending > 0;
  /** This browser's own edits since the last write: what the activity entry is about. */
  let editedHere = false;

  const flush = () => {
    clearTimers();
    if (!ownChange) return;
    const summary = summarizeDescription(doc);
    if (editedHere && options.actor !== undefined) {
      editedHere = false;
      recordDescriptionEdit(boardDoc, cardId, { actor: options.actor }, summary);
    } else {
      writeDescriptionSummary(boardDoc, cardId, summary);
    }
  };

  /** Due: written in the page's next idle moment (where the browser has requestIdleCallback), or now. */
  const due = () => {
    if (idleCallbacks.requestIdleCallback === undefined) {
      flush();
      return;
    }
    if (quietTimer !== null) clearTimeout(quietTimer);
    if (maxTimer !== null) clearTimeout(maxTimer);
    quietTimer = null;
    maxTimer = null;
    // Called as a method of the global object: a detached call throws in browsers.
    if (idle === null) idle = idleCallbacks.requestIdleCallback(flush, { timeout: SUMMARY_IDLE_TIMEOUT_MS });
  };

  const schedule = () => {
    if (stopped || !ownChange || idle !== null) return;
    if (quietTimer !== null) clearTimeout(quietTimer);
    quietTimer = setTimeout(due, quietMs);
    if (maxTimer === null) maxTimer = setTimeout(due, maxWaitMs);
  };

  const handleUpdate = (_update: Uint8Array, origin: unknown) => {
    if (!description.isRemoteOrigin(origin)) {
      ownChange = true;
      editedHere = true;
    }
    schedule();
  };
  doc.on('update', handleUpdate);
  // Changes made before this editor opened (offline, before a reload) are known once the copy has loaded.
  const stopStatus = description.onStatus((status) => {
    if (ownChange || status.pending === 0) return;
    ownChange = true;
    schedule();
  });
  schedule();

  return () => {
    if (stopped) return;
    stopped = true;
    doc.off('update', handleUpdate);
    stopStatus();
    if (quietTimer !== null || maxTimer !== null || idle !== null) flush();
    clearTimers();
  };
}
