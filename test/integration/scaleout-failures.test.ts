/**
 * Scale-out failure behaviour: an instance killed mid-edit, Redis killed and restarted
 * from its append-only file, an instance stopped with SIGTERM. Each test has its own Redis and
 * PostgreSQL, because they break things.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { docStreamKey } from '../../sync-server/scaleout/keys';
import { readEntriesAfter } from '../../sync-server/scaleout/redis-entries';
import { waitUntil } from '../support/wait';
import { cleanup, connectClient, sameState, type TestClient, whenSynced } from './support/harness';
import {
  type Balancer,
  instanceEnv,
  type ScaleOutServices,
  startBalancer,
  startScaleOutServices,
} from './support/scaleout-services';
import { type ServerProcess, spawnServer, stopServer } from './support/server-process';

const teardown: Array<() => Promise<void>> = [];
afterEach(async () => {
  await cleanup();
  while (teardown.length > 0) await teardown.pop()?.();
});

async function services(): Promise<ScaleOutServices> {
  const started = await startScaleOutServices();
  teardown.push(() => started.stop());
  return started;
}

async function instance(svc: ScaleOutServices): Promise<ServerProcess> {
  const started = await spawnServer(instanceEnv(svc));
  teardown.push(() => stopServer(started));
  return started;
}

function portOf(server: ServerProcess): number {
  return Number(new URL(server.url).port);
}

function converged(clients: TestClient[]): boolean {
  const [first, ...rest] = clients;
  return rest.every((c) => sameState(first!.doc, c.doc) && c.text.toString() === first!.text.toString());
}

/** True when `doc` contains every item `stateVector` names (for the clients listed, or all). */
function covers(doc: Y.Doc, stateVector: Map<number, number>, except?: number): boolean {
  const have = Y.decodeStateVector(Y.encodeStateVector(doc));
  for (const [client, clock] of stateVector) {
    if (client !== except && (have.get(client) ?? 0) < clock) return false;
  }
  return true;
}

async function readyStatus(server: ServerProcess): Promise<number> {
  try {
    return (await fetch(`${server.url}/readyz`)).status;
  } catch {
    return 0;
  }
}

/** Types into every client, one edit each per turn, until `stop()`; resolves when it stopped. */
function keepTyping(clients: TestClient[]): { stop(): Promise<void>; rounds(): number } {
  let stopped = false;
  let rounds = 0;
  const done = (async () => {
    while (!stopped && rounds < 2_000) {
      clients.forEach((c, i) => {
        c.text.insert(0, `<${i}.${rounds}>`);
      });
      rounds++;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await done;
    },
    rounds: () => rounds,
  };
}

describe('scale-out failures', () => {
  it('kill -9 of an instance mid-edit loses nothing any client had received; its clients move on through the balancer', async () => {
    const svc = await services();
    const instances = await Promise.all([0, 1, 2].map(() => instance(svc)));
    const alive = new Set(instances);
    const balancer: Balancer = await startBalancer(() => [...alive].map(portOf));
    teardown.push(() => balancer.stop());
    const room = 'so-kill-9';
    // Round robin: two clients per instance.
    const clients: TestClient[] = [];
    for (let i = 0; i < 6; i++) {
      const c = connectClient(balancer.wsUrl, room);
      await whenSynced(c);
      clients.push(c);
    }
    const typing = keepTyping(clients);
    await waitUntil(() => typing.rounds() >= 30, 'typing is under way');
    const victim = instances[0]!;
    alive.delete(victim);
    process.kill(victim.pid, 'SIGKILL');
    // What each client had received from others at the moment of the kill (its own edits may be unsent).
    const received = clients.map((c) => ({
      own: c.doc.clientID,
      stateVector: Y.decodeStateVector(Y.encodeStateVector(c.doc)),
    }));
    await victim.exited;
    await waitUntil(() => typing.rounds() >= 60, 'typing goes on after the kill');
    await typing.stop();
    await waitUntil(() => converged(clients), 'all clients converge through the surviving instances', 20_000);
    // The storage has it, not only the clients: a fresh instance loads the same document.
    const fresh = await instance(svc);
    const reader = connectClient(fresh.wsUrl, room);
    await whenSynced(reader);
    await waitUntil(() => converged([clients[0]!, reader]), 'a fresh instance loads everything');
    for (const { own, stateVector } of received) expect(covers(reader.doc, stateVector, own)).toBe(true);
    expect(reader.text.toString()).toContain('<0.59>');
  });

  it('Redis killed and restarted from its append-only file: clients are refused meanwhile, resync, and every update that reached Redis is kept', async () => {
    const svc = await services();
    const [one, two] = await Promise.all([instance(svc), instance(svc)]);
    const room = 'so-redis-restart';
    const a = connectClient(one!.wsUrl, room);
    const b = connectClient(two!.wsUrl, room);
    await Promise.all([whenSynced(a), whenSynced(b)]);
    const closeCodes: number[] = [];
    for (const c of [a, b]) {
      c.provider.on('connection-close', (event) => {
        if (event) closeCodes.push(event.code);
      });
    }
    const typing = keepTyping([a, b]);
    await waitUntil(() => typing.rounds() >= 20, 'typing is under way');
    // Everything in the stream just before the kill: it must all survive.
    const redis = svc.redis.client();
    const stored = new Y.Doc();
    for (const entry of await readEntriesAfter(redis, docStreamKey(room), '0-0'))
      Y.applyUpdate(stored, entry.update);
    redis.disconnect();
    await svc.redis.kill();
    await typing.stop();
    a.text.insert(0, 'written-while-redis-was-down;');
    await waitUntil(
      () => closeCodes.filter((code) => code === 1013).length >= 2,
      'both clients were told to retry (1013)',
    );
    const statuses = [0, 0];
    await waitUntil(() => {
      void Promise.all([readyStatus(one!), readyStatus(two!)]).then(([x, y]) => {
        statuses[0] = x;
        statuses[1] = y;
      });
      return statuses[0] === 503 && statuses[1] === 503;
    }, 'both instances report not ready');
    expect(b.text.toString()).not.toContain('written-while-redis-was-down');

    await svc.redis.restart();
    await waitUntil(
      () => {
        void Promise.all([readyStatus(one!), readyStatus(two!)]).then(([x, y]) => {
          statuses[0] = x;
          statuses[1] = y;
        });
        return statuses[0] === 200 && statuses[1] === 200;
      },
      'both instances are ready again',
      15_000,
    );
    await waitUntil(
      () => converged([a, b]) && b.text.toString().includes('written-while-redis-was-down'),
      'the clients resync through both instances',
      20_000,
    );
    const fresh = await instance(svc);
    const reader = connectClient(fresh.wsUrl, room);
    await whenSynced(reader);
    await waitUntil(() => converged([a, reader]), 'a fresh instance loads the same document');
    expect(covers(reader.doc, Y.decodeStateVector(Y.encodeStateVector(stored)))).toBe(true);
    expect(stored.getText('t').length).toBeGreaterThan(0);
  });

  it('presence of a killed instance’s clients disappears elsewhere by the awareness timeout', async () => {
    const svc = await services();
    const [doomed, survivor] = await Promise.all([instance(svc), instance(svc)]);
    const room = 'so-presence-timeout';
    const alice = connectClient(doomed!.wsUrl, room);
    const bob = connectClient(survivor!.wsUrl, room);
    await Promise.all([whenSynced(alice), whenSynced(bob)]);
    alice.provider.awareness.setLocalStateField('user', { name: 'alice' });
    await waitUntil(() => bob.provider.awareness.getStates().has(alice.doc.clientID), 'bob sees alice');
    process.kill(doomed!.pid, 'SIGKILL');
    await doomed!.exited;
    // Alice's provider can only retry the dead address; nobody removes her explicitly.
    const killedAt = Date.now();
    await waitUntil(
      () => !bob.provider.awareness.getStates().has(alice.doc.clientID),
      'alice disappears for bob',
      45_000,
    );
    // Not before the 30 s timeout: the survivor had no removal to relay, only silence.
    expect(Date.now() - killedAt).toBeGreaterThan(10_000);
  }, 60_000);

  it('SIGTERM: the instance stores everything and closes its clients with 1012', async () => {
    const svc = await services();
    const server = await instance(svc);
    const room = 'so-sigterm';
    const a = connectClient(server.wsUrl, room);
    await whenSynced(a);
    const codes: number[] = [];
    a.provider.on('connection-close', (event) => {
      if (event) codes.push(event.code);
    });
    const watcher = connectClient(server.wsUrl, room);
    await whenSynced(watcher);
    for (let i = 0; i < 50; i++) a.text.insert(0, `${i};`);
    const expected = a.text.toString();
    // Everything the instance passed on (it stores before it sends, S2): edits still on their way when
    // it stops are the client's to send again, and this one is not let reconnect.
    await waitUntil(() => watcher.text.toString() === expected, 'the instance passed every edit on');
    process.kill(server.pid, 'SIGTERM');
    const { code } = await server.exited;
    expect(code).toBe(0);
    await waitUntil(() => codes.includes(1012), 'the client saw 1012 (service restart)');
    a.provider.disconnect();
    const next = await instance(svc);
    const reader = connectClient(next.wsUrl, room);
    await whenSynced(reader);
    await waitUntil(() => reader.text.toString() === expected, 'the next instance has every edit');
  });
});
