/**
 * Scale-out mode: several identical server processes on one Redis and one PostgreSQL.
 * Clients spread over the instances must behave as if there were one server.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { bumpAwarenessClock } from '../../client/sync/awareness-bump';
import { Role, secretKey, signToken } from '../../sync-server/auth/tokens';
import { Compaction } from '../../sync-server/scaleout/compaction';
import {
  COMPACTION_QUEUE_KEY,
  compareStreamIds,
  docStreamKey,
  ENTRY_INSTANCE_FIELD,
  ENTRY_UPDATE_FIELD,
} from '../../sync-server/scaleout/keys';
import { readEntriesAfter } from '../../sync-server/scaleout/redis-entries';
import { ensureSchema, readSnapshot } from '../../sync-server/scaleout/snapshots';
import { waitForAsync, waitUntil } from '../support/wait';
import { cleanup, connectClient, sameState, type TestClient, whenSynced } from './support/harness';
import { instanceEnv, type ScaleOutServices, startScaleOutServices } from './support/scaleout-services';
import { type ServerProcess, spawnServer, stopServer } from './support/server-process';

const SECRET = 'scale-out-test-secret-of-at-least-32-characters';
const key = secretKey(SECRET);
let services: ScaleOutServices;
const instances: ServerProcess[] = [];
let writeToken: string;

beforeAll(async () => {
  services = await startScaleOutServices();
  writeToken = await signToken(key, { boards: ['*'], role: Role.write, expiresInSeconds: null });
  const env = instanceEnv(services, { AUTH_SECRET: SECRET, COMPACT_THRESHOLD: '20' });
  instances.push(...(await Promise.all([0, 1, 2].map(() => spawnServer(env)))));
}, 60_000);

afterEach(cleanup);

afterAll(async () => {
  await Promise.allSettled(instances.map((instance) => stopServer(instance)));
  await services?.stop();
});

function client(instance: number, room: string, token = writeToken): TestClient {
  return connectClient(instances[instance]!.wsUrl, room, { params: { token } });
}

function converged(clients: TestClient[]): boolean {
  const [first, ...rest] = clients;
  return rest.every((c) => sameState(first!.doc, c.doc) && c.text.toString() === first!.text.toString());
}

describe('scale-out: three instances on Redis and PostgreSQL', () => {
  it('clients spread over three instances converge (content and state vectors equal)', async () => {
    const clients = [0, 1, 2, 0, 1, 2].map((i) => client(i, 'so-converge'));
    await Promise.all(clients.map((c) => whenSynced(c)));
    for (let round = 0; round < 20; round++) {
      clients.forEach((c, i) => {
        c.text.insert(0, `[${i}:${round}]`);
      });
      await new Promise((resolve) => setImmediate(resolve));
    }
    await waitUntil(() => converged(clients), 'all six clients hold the same document', 15_000);
    const text = clients[0]!.text.toString();
    for (let i = 0; i < clients.length; i++) {
      for (let round = 0; round < 20; round++) expect(text).toContain(`[${i}:${round}]`);
    }
  });

  it('presence crosses instances, for peers present before and after a client joins', async () => {
    const alice = client(0, 'so-presence');
    const bob = client(1, 'so-presence');
    await Promise.all([whenSynced(alice), whenSynced(bob)]);
    alice.provider.awareness.setLocalStateField('user', { name: 'alice' });
    const sees = (viewer: TestClient, who: TestClient, name: string) =>
      (
        viewer.provider.awareness.getStates().get(who.doc.clientID) as
          | { user?: { name?: string } }
          | undefined
      )?.user?.name === name;
    await waitUntil(() => sees(bob, alice, 'alice'), 'bob (instance 2) sees alice (instance 1)');
    // Carol opens the room on a third instance after alice announced herself: her instance asks.
    const carol = client(2, 'so-presence');
    await whenSynced(carol);
    await waitUntil(() => sees(carol, alice, 'alice'), 'carol (instance 3) sees alice');
    carol.provider.awareness.setLocalStateField('user', { name: 'carol' });
    await waitUntil(() => sees(alice, carol, 'carol') && sees(bob, carol, 'carol'), 'everyone sees carol');
    // Leaving removes the presence everywhere.
    const carolId = carol.doc.clientID;
    carol.destroy();
    await waitUntil(
      () =>
        !alice.provider.awareness.getStates().has(carolId) &&
        !bob.provider.awareness.getStates().has(carolId),
      'carol is gone on the other instances',
    );
  });

  it('a participant who drops and comes back through another instance is visible again at once (y-websocket #122)', async () => {
    const room = 'so-presence-rejoin';
    const alice = client(0, room);
    const bob = client(1, room);
    // The Trellis client's wiring: bump the awareness clock whenever the socket (re)connects.
    alice.provider.on('status', ({ status }) => {
      if (status === 'connected') bumpAwarenessClock(alice.provider.awareness);
    });
    await Promise.all([whenSynced(alice), whenSynced(bob)]);
    alice.provider.awareness.setLocalStateField('user', { name: 'alice' });
    const bobSeesAlice = () => bob.provider.awareness.getStates().has(alice.doc.clientID);
    await waitUntil(bobSeesAlice, 'bob sees alice');
    alice.provider.disconnect();
    await waitUntil(() => !bobSeesAlice(), 'alice left for bob');
    alice.provider.serverUrl = instances[2]!.wsUrl;
    alice.provider.connect();
    // Well under the 15 s renewal that would otherwise bring her back.
    await waitUntil(bobSeesAlice, 'bob sees alice again', 3_000);
  });

  it('every instance accepts a stock reconnect (same awareness clock) through another instance, so new joiners see it', async () => {
    const room = 'so-presence-forget';
    const alice = client(0, room);
    const bob = client(1, room);
    await Promise.all([whenSynced(alice), whenSynced(bob)]);
    alice.provider.awareness.setLocalStateField('user', { name: 'alice' });
    await waitUntil(() => bob.provider.awareness.getStates().has(alice.doc.clientID), 'bob sees alice');
    alice.provider.disconnect();
    await waitUntil(() => !bob.provider.awareness.getStates().has(alice.doc.clientID), 'alice left for bob');
    // Back through the third instance with the same clock (a stock provider does not bump it).
    alice.provider.serverUrl = instances[2]!.wsUrl;
    alice.provider.connect();
    await whenSynced(alice);
    const carol = client(1, room);
    await whenSynced(carol);
    await waitUntil(
      () => carol.provider.awareness.getStates().has(alice.doc.clientID),
      'a new joiner on bob’s instance sees alice',
      3_000,
    );
  });

  it('a read-only token cannot change the document through any instance', async () => {
    const readToken = await signToken(key, { boards: ['*'], role: Role.read, expiresInSeconds: null });
    const writer = client(0, 'so-readonly');
    await whenSynced(writer);
    writer.text.insert(0, 'original');
    for (let i = 0; i < 3; i++) {
      const reader = client(i, 'so-readonly', readToken);
      await whenSynced(reader);
      await waitUntil(() => reader.text.toString().includes('original'), 'the reader receives the document');
      reader.text.insert(0, `READER${i}`);
      // Sent after the update on the same socket: once it arrives elsewhere, the update was handled.
      reader.provider.awareness.setLocalStateField('user', { name: `reader${i}` });
      await waitUntil(
        () =>
          (writer.provider.awareness.getStates().get(reader.doc.clientID) as { user?: { name?: string } })
            ?.user?.name === `reader${i}`,
        `reader ${i} presence reached the writer`,
      );
    }
    writer.text.insert(writer.text.length, '+more');
    // Fresh clients on every instance see the writer's edits and none of the readers'.
    for (let i = 0; i < 3; i++) {
      const fresh = client(i, 'so-readonly');
      await whenSynced(fresh);
      await waitUntil(
        () => fresh.text.toString().endsWith('+more'),
        `fresh client on instance ${i + 1} is current`,
      );
      expect(fresh.text.toString()).toBe('original+more');
    }
    expect(writer.text.toString()).toBe('original+more');
  });

  it('a late joiner on a third instance after compaction gets everything', async () => {
    const room = 'so-late-joiner';
    const a = client(0, room);
    const b = client(1, room);
    await Promise.all([whenSynced(a), whenSynced(b)]);
    for (let i = 0; i < 60; i++) {
      (i % 2 === 0 ? a : b).text.insert(0, `${i};`);
      if (i % 10 === 9) a.text.delete(0, 2);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await waitUntil(() => converged([a, b]), 'a and b converge');
    const redis = services.redis.client();
    const pool = services.postgres.pool();
    // Ask the workers (consumer group over the instances) to compact what is there now.
    const lastId = (await readEntriesAfter(redis, docStreamKey(room), '0-0')).at(-1)!.id;
    await redis.xadd(COMPACTION_QUEUE_KEY, '*', 'room', room);
    await waitForAsync(async () => {
      const snapshot = await readSnapshot(pool, room);
      return snapshot !== null && compareStreamIds(snapshot.covers, lastId) >= 0;
    }, 'a snapshot covers the stream');
    // Entries go once every instance reading the room has reported reading them (each second):
    // ask again (at most every 200 ms, not to flood the queue) until the stream is empty.
    await waitForAsync(
      async () => {
        if ((await redis.xlen(docStreamKey(room))) === 0) return true;
        await redis.xadd(COMPACTION_QUEUE_KEY, '*', 'room', room);
        return false;
      },
      'the covered entries are trimmed',
      { intervalMs: 200 },
    );
    const late = client(2, room);
    await whenSynced(late);
    await waitUntil(() => converged([a, b, late]), 'the late joiner has everything');
    expect(late.text.toString()).toBe(a.text.toString());
    expect(late.text.length).toBeGreaterThan(0);
  });
});

describe('scale-out compaction', () => {
  it('two workers compacting one document at once leave one correct snapshot', async () => {
    const room = 'so-two-workers';
    const redisA = services.redis.client();
    const redisB = services.redis.client();
    const poolA = services.postgres.pool();
    const poolB = services.postgres.pool();
    await ensureSchema(poolA);
    const workers = [
      new Compaction({ redis: redisA, pool: poolA, trimGraceMs: 0 }),
      new Compaction({ redis: redisB, pool: poolB, trimGraceMs: 0 }),
    ];
    const source = new Y.Doc();
    const append = async (text: string) => {
      const before = Y.encodeStateVector(source);
      source.getText('t').insert(0, text);
      await redisA.xadd(
        docStreamKey(room),
        '*',
        ENTRY_UPDATE_FIELD,
        Buffer.from(Y.encodeStateAsUpdate(source, before)),
        ENTRY_INSTANCE_FIELD,
        'test',
      );
    };
    const statuses: string[] = [];
    for (let round = 0; round < 8; round++) {
      for (let i = 0; i < 25; i++) await append(`${round}.${i};`);
      // Both at once, while more entries keep arriving.
      const results = await Promise.all([
        workers[0]!.compact(room),
        workers[1]!.compact(room),
        (async () => {
          for (let i = 0; i < 5; i++) await append(`late${round}.${i};`);
        })(),
      ]);
      statuses.push(results[0]!.status, results[1]!.status);
    }
    expect(statuses).toContain('compacted');
    const { rows } = await poolA.query('SELECT count(*)::int AS n FROM trellis_snapshots WHERE room = $1', [
      room,
    ]);
    expect(rows[0].n).toBe(1);
    // Snapshot plus what is left of the stream is exactly the document that was written.
    const snapshot = await readSnapshot(poolA, room);
    const rest = await readEntriesAfter(redisA, docStreamKey(room), snapshot!.covers);
    const rebuilt = new Y.Doc();
    Y.applyUpdate(rebuilt, snapshot!.state);
    for (const entry of rest) Y.applyUpdate(rebuilt, entry.update);
    expect(rebuilt.getText('t').toString()).toBe(source.getText('t').toString());
    expect(sameState(rebuilt, source)).toBe(true);
    // Nothing the snapshot does not cover was trimmed, and everything it covers was.
    const remaining = await redisA.xrange(docStreamKey(room), '-', '+');
    expect(remaining.every(([id]) => compareStreamIds(id, snapshot!.covers) > 0)).toBe(true);
  });
});
