import 'fake-indexeddb/auto';
import * as encoding from 'lib0/encoding';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { httpAccessCheck } from '../../../client/sync/access';
import { reconnectDelayMs } from '../../../client/sync/backoff';
import { manualNetwork } from '../../../client/sync/network';
import {
  createDocumentRegistry,
  type DocumentRegistry,
  type SyncConfig,
} from '../../../client/sync/open-document';
import type { Timers } from '../../../client/sync/reconnect';
import type { DocHandle } from '../../../client/sync/types';
import { startReferenceServer, type TestServer, waitFor } from './support/reference-server';

let server: TestServer;
const registries: DocumentRegistry[] = [];
let roomCounter = 0;
const freshRoom = () => `board.sync-test-${process.pid}-${++roomCounter}`;

beforeAll(async () => {
  server = await startReferenceServer();
});
afterEach(() => {
  for (const registry of registries.splice(0)) registry.destroyAll();
});
afterAll(async () => {
  await server.close();
});

const FAST_BACKOFF = { baseDelayMs: 20, maxDelayMs: 100 };

/** A registry on the reference server (unless `serverUrl` says otherwise), destroyed after the test. */
function registry(overrides: Partial<SyncConfig> = {}) {
  const created = createDocumentRegistry({
    serverUrl: server.url,
    // ws's class is structurally a browser WebSocket for the provider's purposes.
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    indexedDb: false,
    backoff: FAST_BACKOFF,
    ...overrides,
  });
  registries.push(created);
  return created;
}

/** Timers the test fires by hand, to see the delays the controller picked. */
function manualTimers() {
  const pending = new Map<number, { callback: () => void; ms: number }>();
  let nextId = 0;
  const timers: Timers = {
    setTimeout(callback, ms) {
      nextId += 1;
      pending.set(nextId, { callback, ms });
      return nextId;
    },
    clearTimeout(handle) {
      pending.delete(handle as number);
    },
    now: () => Date.now(),
  };
  return {
    timers,
    delays: () => [...pending.values()].map((timer) => timer.ms),
    fireAll() {
      const due = [...pending.values()];
      pending.clear();
      for (const timer of due) timer.callback();
    },
  };
}

const whenSynced = (handle: DocHandle) => waitFor(() => handle.getStatus().serverSynced, 'server sync');

describe('openDocument', () => {
  it('shares one Y.Doc per room and destroys it after the last release', async () => {
    const docs = registry();
    const room = freshRoom();
    const first = docs.open(room);
    const second = docs.open(room);
    expect(second.doc).toBe(first.doc);
    first.release();
    first.release(); // a double release of one handle must not drop the other's reference
    expect(docs.openRooms()).toEqual([room]);
    second.release();
    expect(docs.openRooms()).toEqual([]);
    expect(first.provider.shouldConnect).toBe(false);
  });

  it('[saved] local edits wait until the server durably acks them, counted one per change', async () => {
    const handle = registry().open(freshRoom());
    await whenSynced(handle);
    expect(handle.getStatus()).toMatchObject({ connection: 'online', saved: true, pending: 0 });
    const seen: number[] = [];
    handle.onStatus((status) => seen.push(status.pending));
    handle.doc.getText('t').insert(0, 'abc');
    handle.doc.getMap('m').set('card', { title: 'one' });
    // Two changes a person made, whatever their size in Yjs clock units (3 + 1).
    expect(handle.getStatus()).toMatchObject({ saved: false, pending: 2 });
    await waitFor(() => server.serverDoc(handle.room)?.getMap('m').has('card') === true, 'server has edits');
    server.ack(handle.room);
    await waitFor(() => handle.getStatus().saved, 'saved');
    expect(handle.getStatus().pending).toBe(0);
    expect(seen).toEqual([1, 2, 0]);
  });

  it('[saved] a partial ack stores only the changes it reaches', async () => {
    const handle = registry().open(freshRoom());
    await whenSynced(handle);
    const text = handle.doc.getText('t');
    text.insert(0, 'ab');
    text.insert(2, 'cd');
    expect(handle.getStatus().pending).toBe(2);
    server.ack(handle.room, encodeVector(new Map([[handle.doc.clientID, 2]])));
    await waitFor(() => handle.getStatus().pending === 1, 'the first change stored');
    expect(handle.getStatus().saved).toBe(false);
    await waitFor(() => server.serverDoc(handle.room)?.getText('t').toString() === 'abcd', 'server has both');
    server.ack(handle.room);
    await waitFor(() => handle.getStatus().saved, 'saved');
  });

  it("[saved] compares the whole state vector: another client's changes this copy holds keep it unsaved", async () => {
    const handle = registry().open(freshRoom());
    await whenSynced(handle);
    handle.doc.getText('t').insert(0, 'me');
    const other = new Y.Doc();
    other.getText('t').insert(0, 'them!');
    // As if another tab handed us its offline edits: not ours to count, but not stored either.
    Y.applyUpdate(handle.doc, Y.encodeStateAsUpdate(other), handle.provider);
    expect(handle.getStatus()).toMatchObject({ saved: false, pending: 1 });
    server.ack(handle.room, encodeVector(new Map([[handle.doc.clientID, 2]])));
    await waitFor(() => handle.getStatus().pending === 0, 'our change stored');
    expect(handle.getStatus().saved).toBe(false);
    // That tab's socket brings them to the server.
    const serverDoc = server.serverDoc(handle.room);
    if (serverDoc === undefined) throw new Error('no server document');
    Y.applyUpdate(serverDoc, Y.encodeStateAsUpdate(other));
    server.ack(handle.room);
    await waitFor(() => handle.getStatus().saved, 'saved');
  });

  it('[saved] a delete-only change is stored once a sync step 2 from the server shows the deletion', async () => {
    const handle = registry().open(freshRoom());
    await whenSynced(handle);
    handle.doc.getMap('m').set('card', 1);
    await waitFor(() => server.serverDoc(handle.room)?.getMap('m').has('card') === true, 'server has insert');
    server.ack(handle.room);
    await waitFor(() => handle.getStatus().saved, 'saved after insert');
    handle.doc.getMap('m').delete('card');
    // No clock moved: the state vector alone cannot tell the deletion is stored.
    expect(handle.getStatus()).toMatchObject({ saved: false, pending: 1 });
    // The client asks for a step 2 (its step 1) and finds the deletion in the reply; no ack needed.
    await waitFor(() => handle.getStatus().saved, 'saved after delete');
    expect(server.serverDoc(handle.room)?.getMap('m').has('card')).toBe(false);
  });

  it('[reconnect] retries after a dropped socket with a jittered backoff delay', async () => {
    const clock = manualTimers();
    const handle = registry({ timers: clock.timers, random: () => 0.5 }).open(freshRoom());
    await whenSynced(handle);
    for (const ws of server.socketsOf(handle.room)) ws.terminate();
    await waitFor(() => handle.getStatus().connection === 'unreachable', 'unreachable after the drop');
    expect(clock.delays()).toEqual([reconnectDelayMs(1, () => 0.5, FAST_BACKOFF)]);
    // y-websocket queued its own 0 ms retry at the close; a timer queued now runs after it.
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(handle.provider.ws).toBeNull();
    clock.fireAll();
    await waitFor(
      () => handle.getStatus().connection === 'online' && handle.getStatus().serverSynced,
      'online',
    );
  });

  it('[reconnect] the delay window doubles with each failed attempt', async () => {
    const clock = manualTimers();
    const down = 'ws://127.0.0.1:9';
    const docs = registry({ serverUrl: down, timers: clock.timers, random: () => 0 });
    docs.open(freshRoom());
    const seen: number[] = [];
    for (let attempt = 1; attempt <= 4; attempt++) {
      await waitFor(() => clock.delays().length === 1, `retry ${attempt} scheduled`);
      seen.push(...clock.delays());
      clock.fireAll();
    }
    // random() = 0 takes the lower half of each window: 20, 40, 80, 100 (capped) → 10, 20, 40, 50.
    expect(seen).toEqual([10, 20, 40, 50]);
  });

  it('[reconnect] waits while the network is down and reconnects as soon as it returns', async () => {
    const network = manualNetwork(false);
    const clock = manualTimers();
    const handle = registry({ network, timers: clock.timers }).open(freshRoom());
    expect(handle.getStatus().connection).toBe('offline');
    expect(handle.provider.ws).toBeNull();
    network.set(true);
    await whenSynced(handle);
    network.set(false);
    expect(handle.getStatus().connection).toBe('offline');
    expect(clock.delays()).toEqual([]);
    network.set(true);
    await waitFor(() => handle.getStatus().connection === 'online', 'online again');
  });

  it('[denied] a 44xx close stops retrying and reports denied', async () => {
    const clock = manualTimers();
    const handle = registry({ timers: clock.timers }).open(freshRoom());
    await whenSynced(handle);
    for (const ws of server.socketsOf(handle.room)) ws.close(4403, 'forbidden');
    await waitFor(() => handle.getStatus().connection === 'denied', 'denied');
    expect(clock.delays()).toEqual([]);
    expect(handle.provider.shouldConnect).toBe(false);
  });

  it('[denied] an upgrade refused over HTTP (which browsers hide) is recognised through /access', async () => {
    const room = freshRoom();
    server.refuse(room);
    const clock = manualTimers();
    const docs = registry({ timers: clock.timers, accessCheck: httpAccessCheck(server.url) });
    const handle = docs.open(room);
    await waitFor(() => handle.getStatus().connection === 'denied', 'denied');
    expect(server.accessChecks()).toBeGreaterThan(0);
    expect(clock.delays()).toEqual([]);
  });

  it('[read-only] a token that only reads is reported, so the UI can say edits will not be saved', async () => {
    const room = freshRoom();
    server.readOnly(room);
    const docs = registry({
      accessCheck: httpAccessCheck(server.url),
      paramsFor: () => ({ token: 'reader' }),
    });
    const handle = docs.open(room);
    await waitFor(() => handle.getStatus().readOnly, 'read-only');
    expect(handle.getStatus().connection).toBe('online');

    // Without a token nobody asks, and the document is writable.
    const open = registry({ accessCheck: httpAccessCheck(server.url) });
    const asked = server.accessChecks();
    const writable = open.open(freshRoom());
    await whenSynced(writable);
    expect(server.accessChecks()).toBe(asked);
    expect(writable.getStatus().readOnly).toBe(false);
  });

  it('[denied] a server that is merely down is not mistaken for a refusal', async () => {
    const clock = manualTimers();
    const down = 'ws://127.0.0.1:9';
    const check = httpAccessCheck(down);
    const answers: Promise<unknown>[] = [];
    const docs = registry({
      serverUrl: down,
      timers: clock.timers,
      accessCheck: (room, params) => {
        const answer = check(room, params);
        answers.push(answer);
        return answer;
      },
    });
    const handle = docs.open(freshRoom());
    await waitFor(() => answers.length > 0, 'the access question');
    await expect(Promise.all(answers)).resolves.toEqual([null]);
    // A null answer changes nothing observable, so there is no condition to wait for: a macrotask runs
    // after every microtask, hence after the controller has acted on that answer, however many hops it took.
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(handle.getStatus().connection).toBe('unreachable');
    expect(clock.delays()).toHaveLength(1);
  });

  it('[denied] new connection parameters (a fresh token) retry a refused document', async () => {
    let token = 'old';
    const docs = registry({ paramsFor: () => ({ token }) });
    const handle = docs.open(freshRoom());
    await whenSynced(handle);
    expect(server.upgrades.at(-1)).toBe(`/${handle.room}?token=old&durable=1`);
    for (const ws of server.socketsOf(handle.room)) ws.close(4401, 'token expired');
    await waitFor(() => handle.getStatus().connection === 'denied', 'denied');
    token = 'new';
    docs.refreshParams();
    await waitFor(() => handle.getStatus().connection === 'online', 'online with the new token');
    expect(server.upgrades.at(-1)).toBe(`/${handle.room}?token=new&durable=1`);
  });

  it('[presence] a peer that reconnects is visible to the others again at once (y-websocket #122)', async () => {
    const room = freshRoom();
    const alice = registry().open(room);
    const bob = registry().open(room);
    alice.awareness.setLocalState({ name: 'alice' });
    await whenSynced(alice);
    await whenSynced(bob);
    const aliceId = alice.doc.clientID;
    await waitFor(() => bob.awareness.getStates().has(aliceId), 'bob sees alice');
    const clockBefore = alice.awareness.meta.get(aliceId)?.clock ?? -1;

    // Drop only alice's connection: the server broadcasts her removal with clock+1.
    const aliceServerSide = server.socketControlling(room, aliceId);
    expect(aliceServerSide).toBeDefined();
    aliceServerSide?.terminate();
    await waitFor(() => !bob.awareness.getStates().has(aliceId), 'bob saw alice leave');
    await waitFor(() => alice.getStatus().connection === 'online', 'alice back online');
    // Well under the 15 s awareness renewal that would otherwise bring her back.
    await waitFor(() => bob.awareness.getStates().has(aliceId), 'bob sees alice again', 2_000);
    expect(bob.awareness.getStates().get(aliceId)).toEqual({ name: 'alice' });
    expect(alice.awareness.meta.get(aliceId)?.clock).toBe(clockBefore + 2);
  });

  it('keeps offline edits in IndexedDB and sends them when the server is reachable', async () => {
    const room = freshRoom();
    const offline = registry({ indexedDb: true, network: manualNetwork(false) });
    const first = offline.open(room);
    await first.whenLocalLoaded();
    first.doc.getText('t').insert(0, 'written offline');
    // No wait needed: IndexedDB orders the next connection's read after this pending write.
    first.release();

    const online = registry({ indexedDb: true });
    const second = online.open(room);
    await second.whenLocalLoaded();
    expect(second.doc.getText('t').toString()).toBe('written offline');
    expect(second.getStatus().localLoaded).toBe(true);
    await waitFor(
      () => server.serverDoc(room)?.getText('t').toString() === 'written offline',
      'server got the offline edit',
    );
  });
});

/** Y.encodeStateVector's layout: a count, then (client, clock) pairs, all varUints. */
function encodeVector(vector: Map<number, number>): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, vector.size);
  for (const [client, clock] of vector) {
    encoding.writeVarUint(encoder, client);
    encoding.writeVarUint(encoder, clock);
  }
  return encoding.toUint8Array(encoder);
}

describe('openDocument without IndexedDB', () => {
  it('loads without a local copy when the browser has no IndexedDB', async () => {
    const global = globalThis as { indexedDB?: unknown };
    const original = global.indexedDB;
    delete global.indexedDB;
    try {
      // Asked for IndexedDB, which this browser lacks.
      const docs = registry({ indexedDb: true });
      const handle = docs.open(freshRoom());
      await handle.whenLocalLoaded();
      expect(handle.getStatus().localLoaded).toBe(true);
      await whenSynced(handle);
    } finally {
      global.indexedDB = original;
    }
  });
});
