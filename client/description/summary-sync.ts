import type * as Y from 'yjs';
import { descriptionRoot, summarizeDescription } from '../../shared/description-preview';
import { writeDescriptionSummary } from '../../shared/description-summary';
import type { DocHandle } from '../sync/types';

/** Typing pauses this long before the card's preview is rewritten… */
export const SUMMARY_QUIET_MS = 400;
/** …but during continuous typing it is rewritten at least this often. */
export const SUMMARY_MAX_WAIT_MS = 2_000;

export interface SummarySyncOptions {
  description: Pick<DocHandle, 'doc' | 'getStatus' | 'onStatus'>;
  boardDoc: Y.Doc;
  cardId: string;
  quietMs?: number;
  maxWaitMs?: number;
}

/**
 * While a description is open, keeps its card's stored summary (preview + checklist) in step with it.
 * Every editor open on a writable board does this for remote changes too (a read-only one writes nothing),
 * so the stored value follows the converged text even when two writers raced; a write happens only when the
 * value differs.
 *
 * A description this browser has never synced and holds no local copy of reads as empty; writing that
 * would wipe the card's preview, so nothing is written until the server has synced it or it has content.
 * Returns a stop function that writes any pending change first.
 */
export function syncSummaryToBoard(options: SummarySyncOptions): () => void {
  const { description, boardDoc, cardId } = options;
  const quietMs = options.quietMs ?? SUMMARY_QUIET_MS;
  const maxWaitMs = options.maxWaitMs ?? SUMMARY_MAX_WAIT_MS;
  const doc = description.doc;
  let quietTimer: ReturnType<typeof setTimeout> | null = null;
  let maxTimer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;

  const clearTimers = () => {
    if (quietTimer !== null) clearTimeout(quietTimer);
    if (maxTimer !== null) clearTimeout(maxTimer);
    quietTimer = null;
    maxTimer = null;
  };

  const flush = () => {
    clearTimers();
    if (!description.getStatus().serverSynced && descriptionRoot(doc).length === 0) return;
    writeDescriptionSummary(boardDoc, cardId, summarizeDescription(doc));
  };

  const schedule = () => {
    if (stopped) return;
    if (quietTimer !== null) clearTimeout(quietTimer);
    quietTimer = setTimeout(flush, quietMs);
    if (maxTimer === null) maxTimer = setTimeout(flush, maxWaitMs);
  };

  doc.on('update', schedule);
  const stopStatus = description.onStatus((status) => {
    if (status.serverSynced) schedule();
  });
  schedule();

  return () => {
    if (stopped) return;
    stopped = true;
    doc.off('update', schedule);
    stopStatus();
    if (quietTimer !== null || maxTimer !== null) flush();
    clearTimers();
  };
}
