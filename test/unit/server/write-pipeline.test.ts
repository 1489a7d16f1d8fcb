import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { MemoryDocStore } from '../../../sync-server/core/memory-doc-store';
import { type Clock, noopMetrics, silentLogger } from '../../../sync-server/core/ports';
import { type DurableBatch, WritePipeline } from '../../../sync-server/core/write-pipeline';

const WINDOW_MS = 5;

/** A clock that reads the (faked) Date, so it moves with vi.advanceTimersByTime. */
const clock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

function setup(stateVector: () => Uint8Array | null = () => null) {
  const store = new MemoryDocStore();
  const durable: DurableBatch[] = [];
  const pipeline = new WritePipeline({
    room: 'r',
    store,
    clock,
    logger: silentLogger,
    metrics: noopMetrics,
    initialEntries: 0,
    compactThreshold: 1_000,
    batchWindowMs: WINDOW_MS,
    stateVector,
    snapshot: () => new Uint8Array([0, 0]),
    onDurable: (batch) => durable.push(batch),
  });
  return { store, durable, pipeline };
}

/** One small real update from its own client. */
function update(text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText('t').insert(0, text);
  return Y.encodeStateAsUpdate(doc);
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'setImmediate', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('write pipeline batching', () => {
  it('writes a lone update at the end of its turn, without waiting for the window', async () => {
    const { store, durable, pipeline } = setup();
    pipeline.add(update('a'), 'alice');
    pipeline.add(update('b'), 'bob'); // same turn: same batch
    await vi.advanceTimersByTimeAsync(0);
    expect(store.calls.append).toBe(1);
    expect(durable).toHaveLength(1);
    expect([...(durable[0]?.origins ?? [])]).toEqual(['alice', 'bob']);
  });

  it('merges the updates of nearby turns within the window while they come closer than it', async () => {
    const { store, durable, pipeline } = setup();
    // One update per millisecond (the window is 5): the room turns busy after a few of them.
    let sent = 0;
    for (; sent < 40; sent++) {
      pipeline.add(update(`u${sent}`), `client${sent}`);
      await vi.advanceTimersByTimeAsync(1);
    }
    await vi.advanceTimersByTimeAsync(WINDOW_MS);
    expect(durable.reduce((n, batch) => n + batch.origins.size, 0)).toBe(sent); // nothing lost
    const last = durable.slice(-4);
    expect(last.every((batch) => batch.origins.size >= WINDOW_MS - 1)).toBe(true);
    expect(store.calls.append).toBeLessThan(sent * 0.75); // one write per update without the window
    // After a pause, a lone update is written at the end of its turn again.
    await vi.advanceTimersByTimeAsync(2_000);
    const before = store.calls.append;
    pipeline.add(update('later'), 'late');
    await vi.advanceTimersByTimeAsync(0);
    expect(store.calls.append).toBe(before + 1);
  });

  it('does not wait when updates come further apart than the window', async () => {
    const { store, pipeline } = setup();
    for (let i = 0; i < 20; i++) {
      pipeline.add(update(`slow${i}`), 'a');
      await vi.advanceTimersByTimeAsync(0);
      expect(store.calls.append).toBe(i + 1);
      await vi.advanceTimersByTimeAsync(WINDOW_MS * 2);
    }
  });

  it('carries the state vector it was given with the batch (null: nobody asked for durable acks)', async () => {
    let taken = 0;
    const wanted = { yes: false };
    const { durable, pipeline } = setup(() => {
      taken++;
      return wanted.yes ? new Uint8Array([0]) : null;
    });
    pipeline.add(update('x'), 'a');
    await vi.advanceTimersByTimeAsync(WINDOW_MS);
    expect(durable[0]?.stateVector).toBeNull();
    wanted.yes = true;
    pipeline.add(update('y'), 'a');
    await vi.advanceTimersByTimeAsync(WINDOW_MS);
    expect(durable[1]?.stateVector).toEqual(new Uint8Array([0]));
    expect(taken).toBe(2);
  });
});
