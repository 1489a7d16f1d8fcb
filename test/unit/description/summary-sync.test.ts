import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { previewAfterBackgroundSave } from '../../../client/description/background-previews';
import { syncSummaryToBoard } from '../../../client/description/summary-sync';
import type { SyncStatus } from '../../../client/sync/types';
import { addCard, defaultColumnId, initBoard, readActivity, readBoard } from '../../../shared/board';
import { summarizeDescription } from '../../../shared/description-preview';
import { descriptionRoom } from '../../../shared/room-names';
import { boundEditor, settle } from './lexical-fixture';

/** Updates carrying this origin arrived from elsewhere (the server, another tab, IndexedDB). */
const REMOTE = Symbol('remote');
const QUIET_MS = 10;
const MAX_WAIT_MS = 50;

const baseStatus: SyncStatus = {
  connection: 'online',
  pending: 0,
  saved: true,
  localLoaded: true,
  serverSynced: true,
  readOnly: false,
  retryAt: null,
};

/** The parts of a description's DocHandle the summary sync reads, with a status the test sets. */
function descriptionHandle(doc: Y.Doc, initial: Partial<SyncStatus> = {}) {
  let status = { ...baseStatus, ...initial };
  const listeners = new Set<(status: SyncStatus) => void>();
  return {
    doc,
    getStatus: () => status,
    onStatus(listener: (status: SyncStatus) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    isRemoteOrigin: (origin: unknown) => origin === REMOTE,
    setStatus(next: Partial<SyncStatus>) {
      status = { ...status, ...next };
      for (const listener of [...listeners]) listener(status);
    },
  };
}

/** Starts the summary sync of a card with this file's quiet and max-wait times. */
function startSync(
  boardDoc: Y.Doc,
  cardId: string,
  description: ReturnType<typeof descriptionHandle>,
  actor?: string,
) {
  return syncSummaryToBoard({
    description,
    boardDoc,
    cardId,
    ...(actor === undefined ? {} : { actor }),
    quietMs: QUIET_MS,
    maxWaitMs: MAX_WAIT_MS,
  });
}

function board() {
  const doc = new Y.Doc();
  initBoard(doc, { title: 'B', createdBy: 'me' });
  const cardId = addCard(doc, { columnId: defaultColumnId(0), title: 'Card', createdBy: 'me' });
  return {
    doc,
    cardId,
    preview: () => readBoard(doc).cards.get(cardId)?.descriptionPreview?.preview ?? null,
  };
}

/** A description written by someone else's editor, as an update. */
async function written(markdown: string, base?: Y.Doc): Promise<Uint8Array> {
  const doc = new Y.Doc();
  if (base) Y.applyUpdate(doc, Y.encodeStateAsUpdate(base));
  const editor = boundEditor(doc);
  editor.setMarkdown(markdown);
  await settle();
  const update = Y.encodeStateAsUpdate(doc, base ? Y.encodeStateVector(base) : undefined);
  editor.destroy();
  return update;
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("a card's preview follows its description only where an own change made it differ", () => {
  it('a reader never writes it: not when its copy is empty, not when text arrives', async () => {
    const { doc: boardDoc, cardId, preview } = board();
    const description = new Y.Doc();
    const handle = descriptionHandle(description);
    const stop = startSync(boardDoc, cardId, handle);
    vi.advanceTimersByTime(MAX_WAIT_MS);
    Y.applyUpdate(description, await written('Somebody else wrote this'), REMOTE);
    vi.advanceTimersByTime(MAX_WAIT_MS);
    stop();
    expect(preview()).toBeNull();
  });

  it('a writer stores it after its own change, then follows remote changes to the converged text', async () => {
    const { doc: boardDoc, cardId, preview } = board();
    const description = new Y.Doc();
    const stop = startSync(boardDoc, cardId, descriptionHandle(description));
    const editor = boundEditor(description);
    editor.setMarkdown('Mine');
    await settle();
    vi.advanceTimersByTime(QUIET_MS);
    expect(preview()).toBe('Mine');

    Y.applyUpdate(description, await written('Theirs', description), REMOTE);
    vi.advanceTimersByTime(QUIET_MS);
    expect(preview()).toContain('Theirs');
    expect(preview()).toBe(summarizeDescription(description).preview);
    editor.destroy();
    stop();
  });

  it('changes made before the editor opened (not yet stored) make this browser a writer too', async () => {
    const { doc: boardDoc, cardId, preview } = board();
    const description = new Y.Doc();
    Y.applyUpdate(description, await written('Typed offline, card closed'), REMOTE);
    const handle = descriptionHandle(description, { localLoaded: false });
    const stop = startSync(boardDoc, cardId, handle);
    vi.advanceTimersByTime(MAX_WAIT_MS);
    expect(preview()).toBeNull();
    // The local copy and the record of its unsaved changes have loaded.
    handle.setStatus({ localLoaded: true, pending: 3, saved: false });
    vi.advanceTimersByTime(QUIET_MS);
    expect(preview()).toBe('Typed offline, card closed');
    stop();
  });

  it('a description stored in the background writes its converged summary on the board it belongs to', async () => {
    const { doc: boardDoc, cardId, preview } = board();
    const description = new Y.Doc();
    Y.applyUpdate(description, await written('Converged text'));
    const opened: string[] = [];
    let released = 0;
    const write = previewAfterBackgroundSave((room) => {
      opened.push(room);
      return {
        doc: boardDoc,
        whenLocalLoaded: () => Promise.resolve(),
        getStatus: () => baseStatus,
        release: () => {
          released += 1;
        },
      };
    });
    write(descriptionRoom('b1', cardId), description);
    // Not a description: nothing to summarise.
    write('board.b1', description);
    vi.useRealTimers();
    await settle();
    expect(opened).toEqual(['board.b1']);
    expect(preview()).toBe('Converged text');
    expect(released).toBe(1);
  });
});

describe('description edits in the activity feed', () => {
  const described = (doc: Y.Doc) => readActivity(doc).filter((e) => e.kind === 'card.described');

  it('[B14.4] own typing records one entry for the person, with the summary; remote edits record none', async () => {
    const { doc: boardDoc, cardId, preview } = board();
    const description = new Y.Doc();
    const stop = startSync(boardDoc, cardId, descriptionHandle(description), 'dan');
    const editor = boundEditor(description);
    editor.setMarkdown('First words');
    await settle();
    vi.advanceTimersByTime(QUIET_MS);
    editor.setMarkdown('First words, and more');
    await settle();
    vi.advanceTimersByTime(QUIET_MS);
    expect(preview()).toBe('First words, and more');
    expect(described(boardDoc)).toEqual([
      expect.objectContaining({ by: 'dan', card: { id: cardId, title: 'Card' } }),
    ]);
    // Someone else's edit updates the summary here but is theirs to record.
    Y.applyUpdate(description, await written('Theirs', description), REMOTE);
    vi.advanceTimersByTime(MAX_WAIT_MS);
    expect(preview()).toContain('Theirs');
    expect(described(boardDoc)).toHaveLength(1);
    editor.destroy();
    stop();
  });

  it('[B14.4] a reader records nothing', async () => {
    const { doc: boardDoc, cardId } = board();
    const description = new Y.Doc();
    const stop = startSync(boardDoc, cardId, descriptionHandle(description), 'dan');
    Y.applyUpdate(description, await written('Somebody else wrote this'), REMOTE);
    vi.advanceTimersByTime(MAX_WAIT_MS);
    stop();
    expect(described(boardDoc)).toEqual([]);
  });
});

describe('the summary write waits for an idle moment of the page', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('once due, it is written in the next idle callback, not in the timer; stopping writes at once', async () => {
    const idle: (() => void)[] = [];
    vi.stubGlobal('requestIdleCallback', (callback: () => void) => idle.push(callback));
    vi.stubGlobal('cancelIdleCallback', () => {});
    const { doc: boardDoc, cardId, preview } = board();
    const description = new Y.Doc();
    const stop = startSync(boardDoc, cardId, descriptionHandle(description));
    const editor = boundEditor(description);
    editor.setMarkdown('Typed between keystrokes');
    await settle();
    vi.advanceTimersByTime(MAX_WAIT_MS);
    // Due, but the page has not been idle yet: nothing written, one idle callback asked for.
    expect(preview()).toBeNull();
    expect(idle).toHaveLength(1);
    idle.shift()?.();
    expect(preview()).toBe('Typed between keystrokes');

    editor.setMarkdown('Closed before idle');
    await settle();
    vi.advanceTimersByTime(MAX_WAIT_MS);
    expect(preview()).toBe('Typed between keystrokes');
    stop();
    expect(preview()).toBe('Closed before idle');
    editor.destroy();
  });
});
