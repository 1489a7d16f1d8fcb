import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { MemoryDocStore } from '../../../sync-server/core/memory-doc-store';
import { type Clock, noopMetrics, silentLogger } from '../../../sync-server/core/ports';
import {
  type DurableBatch,
  WritePipeline,
  type WritePipelineOptions,
} from '../../../sync-server/core/write-pipeline';
import { seededRandom } from '../../support/wait';

const WINDOW_MS = 5;

/** A clock that reads the (faked) Date, so it moves with vi.advanceTimersByTime. */
const clock: Clock = {
  now: () => Date.now(),
  monotonic: () => Date.now(),
  afterIo: (fn) => setImmediate(fn),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

function setup(
  stateVector: () => Uint8Array | null = () => null,
  overrides: Partial<WritePipelineOptions> & { store?: MemoryDocStore } = {},
) {
  const store = overrides.store ?? new MemoryDocStore();
  const durable: DurableBatch[] = [];
  const pipeline = new WritePipeline({
    room: 'r',
    clock,
    logger: silentLogger,
    metrics: noopMetrics,
    initialEntries: 0,
    compactThreshold: 1_000,
    batchWindowMs: WINDOW_MS,
    stateVector,
    snapshot: () => new Uint8Array([0, 0]),
    onDurable: (batch) => durable.push(batch),
    ...overrides,
    store,
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

  it('does not wait for the window when the fan-out is light, however close together updates come', async () => {
    // 10 recipients × 1,000 updates/s = 10,000 deliveries/s: merging saves little, waiting costs latency.
    const { store, pipeline } = setup(() => null, { recipients: () => 10 });
    for (let i = 0; i < 40; i++) {
      pipeline.add(update(`u${i}`), `client${i}`);
      await vi.advanceTimersByTimeAsync(0);
      expect(store.calls.append).toBe(i + 1); // written at the end of its own turn
      await vi.advanceTimersByTimeAsync(1);
    }
  });

  it('[S2.1] with light fan-out, an update is stored and sent on once the callback that read it returns, before other I/O', async () => {
    const { durable, pipeline } = setup(() => null, { recipients: () => 10 });
    // Two frames read in one callback share a batch; no afterIo task or timer runs before they leave.
    pipeline.add(update('a'), 'alice');
    pipeline.add(update('b'), 'bob');
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(durable).toHaveLength(1);
    expect([...(durable[0]?.origins ?? [])]).toEqual(['alice', 'bob']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does not wait for the window at 199 recipients × 200 updates/s spaced at random (39,800 deliveries/s, under the bar)', async () => {
    const { durable, pipeline } = setup(() => null, { recipients: () => 199 });
    const random = seededRandom(200);
    let waited = 0;
    for (let i = 0; i < 2_000; i++) {
      const before = durable.length;
      pipeline.add(update(`u${i}`), `client${i % 200}`);
      await vi.advanceTimersByTimeAsync(0);
      if (durable.length === before) waited++;
      // Exponential gaps, 5 ms on average, whole milliseconds (the fake clock's resolution).
      await vi.advanceTimersByTimeAsync(Math.round(-Math.log(1 - random()) * 5));
    }
    expect(waited).toBe(0);
  });

  it('merges within the window once the fan-out is heavy for a sustained while', async () => {
    // 300 recipients × 1,000 updates/s; the rate is judged over a few hundred updates.
    const { durable, pipeline } = setup(() => null, { recipients: () => 300 });
    let sent = 0;
    for (; sent < 600; sent++) {
      pipeline.add(update(`u${sent}`), `client${sent}`);
      await vi.advanceTimersByTimeAsync(1);
    }
    await vi.advanceTimersByTimeAsync(WINDOW_MS);
    expect(durable.reduce((n, batch) => n + batch.origins.size, 0)).toBe(sent);
    expect(durable[0]!.origins.size).toBe(1);
    // The last batch holds what was left when the updates stopped.
    expect(durable.slice(-20, -1).every((batch) => batch.origins.size >= WINDOW_MS - 1)).toBe(true);
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

/**
 * A store whose `replace` waits until the test opens its gate, and that records every call as it
 * starts and ends, so a test decides exactly what happens while a compaction is in flight.
 */
/**
 * A store whose replaces wait at a gate, and which runs one room's writes in the order they were
 * issued (S3.2, as every DocStore does): an append issued behind a held replace waits for it.
 */
class GatedStore extends MemoryDocStore {
  /** Each call as it was issued, and each write as it ran. */
  readonly events: string[] = [];
  /** Replaces held at the gate, oldest first. */
  private held: Array<() => void> = [];
  private tail: Promise<unknown> = Promise.resolve();

  /** Resolves once a replace has started (and is held at the gate). */
  whenReplaceHeld(): Promise<void> {
    return new Promise((resolve) => {
      const check = () => (this.held.length > 0 ? resolve() : setImmediate(check));
      check();
    });
  }

  /** Lets the oldest held replace go on. */
  openGate(): void {
    this.held.shift()?.();
  }

  override append(room: string, update: Uint8Array): Promise<void> {
    this.events.push('append issued');
    return this.inOrder(async () => {
      await super.append(room, update);
      this.events.push('append stored');
    });
  }

  override replace(room: string, state: Uint8Array): Promise<void> {
    this.events.push('replace issued');
    return this.inOrder(async () => {
      await new Promise<void>((resolve) => this.held.push(resolve));
      await super.replace(room, state);
      this.events.push('replace stored');
    });
  }

  private inOrder(write: () => Promise<void>): Promise<void> {
    const run = this.tail.then(write);
    this.tail = run.catch(() => {});
    return run;
  }
}

/** Whether the stored log holds every update in `durable` (and no pending structs). */
async function storeHoldsAll(store: MemoryDocStore, durable: Uint8Array[]): Promise<string[]> {
  const reloaded = new Y.Doc();
  for (const u of (await store.load('r')).updates) Y.applyUpdate(reloaded, u);
  const problems: string[] = [];
  if (reloaded.store.pendingStructs !== null) problems.push('pending structs in the stored log');
  const stateVector = Y.encodeStateVector(reloaded);
  durable.forEach((u, i) => {
    if (Y.decodeUpdate(Y.diffUpdate(u, stateVector)).structs.length > 0)
      problems.push(`durable batch ${i} missing`);
  });
  return problems;
}

describe('write pipeline and compaction', () => {
  it('[S3.1][S3.2] appends issued while a compaction is in flight go to the store at once, and every stored batch stays stored', async () => {
    const store = new GatedStore();
    const doc = new Y.Doc();
    const text = doc.getText('t');
    const durable: Uint8Array[] = [];
    const { pipeline } = setup(() => null, {
      store,
      compactThreshold: 3,
      batchWindowMs: 0,
      snapshot: () => Y.encodeStateAsUpdate(doc),
      onDurable: (batch) => durable.push(batch.update),
    });
    doc.on('update', (u: Uint8Array) => pipeline.add(u, 'writer'));
    // After every step, whatever the pipeline reported as stored must be in the store.
    const problems: string[] = [];
    const step = async (label: string) => {
      await vi.advanceTimersByTimeAsync(0);
      for (const problem of await storeHoldsAll(store, durable)) problems.push(`${label}: ${problem}`);
    };
    // Three separate writes reach the threshold: the pipeline starts a compaction, held at the gate.
    for (const part of ['a', 'b', 'c']) {
      text.insert(text.length, part);
      await step(`typed ${part}`);
    }
    await store.whenReplaceHeld();
    // Edits that arrive while the compaction is in flight, each in its own turn: the pipeline issues
    // them at once (the store orders them behind the replace), it does not hold them back.
    const issuedBefore = store.events.filter((event) => event === 'append issued').length;
    for (const part of ['d', 'e', 'f']) {
      text.insert(text.length, part);
      await step(`typed ${part} during compaction`);
    }
    expect(store.events.filter((event) => event === 'append issued').length).toBe(issuedBefore + 1);
    store.openGate();
    await step('compaction finished');
    for (let i = 0; i < 5 && pipeline.busy; i++) {
      store.openGate();
      await step(`drain ${i}`);
    }
    await pipeline.whenDrained();

    expect(problems).toEqual([]);
    // The replace was issued before the edits typed during it, and stored before them.
    expect(store.events.indexOf('replace issued')).toBeLessThan(store.events.lastIndexOf('append issued'));
    expect(store.events.indexOf('replace stored')).toBeLessThan(store.events.lastIndexOf('append stored'));
    expect(durable.length).toBeGreaterThan(0);
    const reloaded = new Y.Doc();
    for (const u of (await store.load('r')).updates) Y.applyUpdate(reloaded, u);
    expect(reloaded.getText('t').toString()).toBe('abcdef');
  });
});
