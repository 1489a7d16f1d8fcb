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

  it('in a busy room, merges the updates of nearby turns within the window', async () => {
    const { store, durable, pipeline } = setup();
    pipeline.add(update('first'), 'a');
    await vi.advanceTimersByTimeAsync(0); // written at once: the room was quiet
    expect(store.calls.append).toBe(1);
    // The room is busy now: the next batch stays open for the window.
    pipeline.add(update('second'), 'b');
    await vi.advanceTimersByTimeAsync(WINDOW_MS - 2);
    expect(store.calls.append).toBe(1);
    pipeline.add(update('third'), 'c');
    await vi.advanceTimersByTimeAsync(2);
    expect(store.calls.append).toBe(2);
    expect([...(durable[1]?.origins ?? [])]).toEqual(['b', 'c']);
    // Quiet again (longer than the busy span since the last cut): no wait.
    await vi.advanceTimersByTimeAsync(WINDOW_MS * 10);
    pipeline.add(update('later'), 'd');
    await vi.advanceTimersByTimeAsync(0);
    expect(store.calls.append).toBe(3);
  });

  it('takes the state vector for durable acks only when asked for one', async () => {
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
