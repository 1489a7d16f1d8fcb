/**
 * What an operator sees of scale-out mode: `/readyz` follows PostgreSQL as well as Redis, and
 * `/metrics` reports the feed's lag, compaction runs and the trim position. Each test has its own
 * Redis and PostgreSQL, because one of them stops PostgreSQL.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { silentLogger } from '../../sync-server/core/ports';
import { COMPACTION_QUEUE_KEY, docStreamKey } from '../../sync-server/scaleout/keys';
import { readEntriesAfter } from '../../sync-server/scaleout/redis-entries';
import { RedisFeed } from '../../sync-server/scaleout/redis-feed';
import { waitForAsync, waitUntil } from '../support/wait';
import {
  cleanup,
  connectClient,
  sameState,
  startTestServer,
  type TestClient,
  whenSynced,
} from './support/harness';
import { instanceEnv, type ScaleOutServices, startScaleOutServices } from './support/scaleout-services';
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

async function instance(svc: ScaleOutServices, extra: Record<string, string> = {}): Promise<ServerProcess> {
  const started = await spawnServer(instanceEnv(svc, extra));
  teardown.push(() => stopServer(started));
  return started;
}

async function readiness(server: { url: string }): Promise<{ status: number; body: { down?: string[] } }> {
  const res = await fetch(`${server.url}/readyz`);
  return { status: res.status, body: (await res.json()) as { down?: string[] } };
}

async function metrics(server: { url: string }): Promise<string> {
  return (await fetch(`${server.url}/metrics`)).text();
}

/** The value of one sample (`name{labels}`), or null when the exposition has no such line. */
function sample(text: string, series: string): number | null {
  for (const line of text.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return null;
}

/** The HTTP status a websocket upgrade gets (101 when it opens). */
function upgradeStatus(wsUrl: string, room: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${wsUrl}/${room}`);
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', (error) => reject(error));
  });
}

describe('scale-out readiness', () => {
  it('/readyz is 503 naming postgresql while PostgreSQL is stopped, new upgrades are refused, open documents keep syncing; all is back once it returns', async () => {
    const svc = await services();
    const server = await instance(svc);
    const room = 'so-pg-outage';
    const a = connectClient(server.wsUrl, room);
    const b = connectClient(server.wsUrl, room);
    await Promise.all([whenSynced(a), whenSynced(b)]);
    const closeCodes: number[] = [];
    for (const c of [a, b]) {
      c.provider.on('connection-close', (event) => {
        if (event) closeCodes.push(event.code);
      });
    }
    a.text.insert(0, 'before;');
    await waitUntil(() => b.text.toString() === 'before;', 'b sees the first edit');
    expect((await readiness(server)).status).toBe(200);

    await svc.postgres.halt();
    await waitForAsync(async () => (await readiness(server)).status === 503, 'readiness turns 503', {
      timeoutMs: 15_000,
      intervalMs: 100,
    });
    expect((await readiness(server)).body.down).toEqual(['postgresql']);
    expect(sample(await metrics(server), 'trellis_scaleout_up{service="postgresql"}')).toBe(0);
    expect(sample(await metrics(server), 'trellis_scaleout_up{service="redis"}')).toBe(1);
    // Opening a document needs its snapshot: a new client is turned away before it connects.
    expect(await upgradeStatus(server.wsUrl, 'so-pg-outage-other')).toBe(503);
    // A document already open lives on Redis: its clients stay and keep syncing.
    a.text.insert(0, 'during;');
    await waitUntil(() => b.text.toString() === 'during;before;', 'b sees the edit made during the outage');
    // A compaction asked for meanwhile fails (and is counted), it does not pretend.
    const redis = svc.redis.client();
    await redis.xadd(COMPACTION_QUEUE_KEY, '*', 'room', room);
    await waitForAsync(
      async () =>
        (sample(await metrics(server), 'trellis_scaleout_compactions_total{result="failed"}') ?? 0) >= 1,
      'the failed compaction is counted',
      { timeoutMs: 15_000, intervalMs: 100 },
    );

    await svc.postgres.restart();
    await waitForAsync(async () => (await readiness(server)).status === 200, 'readiness is 200 again', {
      timeoutMs: 15_000,
      intervalMs: 100,
    });
    expect(sample(await metrics(server), 'trellis_scaleout_up{service="postgresql"}')).toBe(1);
    const late = connectClient(server.wsUrl, room);
    await whenSynced(late);
    await waitUntil(() => late.text.toString() === 'during;before;', 'a new client loads everything');
    expect(closeCodes).toEqual([]);
  }, 60_000);
});

describe('scale-out metrics', () => {
  it('after edits on two instances and a compaction, /metrics reports runs, trimmed entries, the trim position and the feed lag', async () => {
    const svc = await services();
    const worker = await instance(svc);
    const syncOnly = await instance(svc, { ROLE: 'sync' });
    const room = 'so-metrics';
    const a = connectClient(worker.wsUrl, room);
    const b = connectClient(syncOnly.wsUrl, room);
    await Promise.all([whenSynced(a), whenSynced(b)]);
    const clients: TestClient[] = [a, b];
    for (let i = 0; i < 40; i++) {
      clients[i % 2]!.text.insert(0, `${i};`);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await waitUntil(
      () => sameState(a.doc, b.doc) && a.text.toString() === b.text.toString(),
      'both clients converge',
    );
    const redis = svc.redis.client();
    const entries = await readEntriesAfter(redis, docStreamKey(room), '0-0');
    const lastMs = Number(entries.at(-1)!.id.split('-')[0]);
    // Entries go once both instances reported reading them (each second): ask until none is left.
    await waitForAsync(
      async () => {
        if ((await redis.xlen(docStreamKey(room))) === 0) return true;
        await redis.xadd(COMPACTION_QUEUE_KEY, '*', 'room', room);
        return false;
      },
      'the stream is compacted and trimmed',
      { intervalMs: 200, timeoutMs: 15_000 },
    );

    const text = await metrics(worker);
    expect(sample(text, 'trellis_scaleout_compactions_total{result="compacted"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'trellis_scaleout_compactions_total{result="failed"}')).toBe(0);
    // Only this worker trims: every entry ever appended was trimmed by it, once.
    expect(sample(text, 'trellis_scaleout_trimmed_entries_total')).toBe(entries.length);
    // The last trim kept everything after the last entry: its boundary has that entry's time.
    expect(sample(text, 'trellis_scaleout_trim_boundary_timestamp_seconds')).toBeCloseTo(lastMs / 1000, 3);
    expect(sample(text, 'trellis_scaleout_feed_lag_seconds')).toBe(0);
    expect(sample(text, 'trellis_scaleout_up{service="redis"}')).toBe(1);

    const other = await metrics(syncOnly);
    // No worker runs on a sync-only instance.
    expect(sample(other, 'trellis_scaleout_compactions_total{result="compacted"}') ?? 0).toBe(0);
    expect(sample(other, 'trellis_scaleout_feed_lag_seconds')).toBe(0);
    expect(sample(other, 'trellis_scaleout_up{service="postgresql"}')).toBe(1);
  });

  it('the feed lag is the age of the oldest entry of an open document not applied yet, and 0 once applied', async () => {
    const svc = await services();
    const room = 'so-lag';
    const commands = svc.redis.client();
    const feed = new RedisFeed({
      redis: commands,
      reader: svc.redis.client(),
      subscriber: svc.redis.client(),
      instanceId: 'lag-test',
      logger: silentLogger,
    });
    teardown.push(() => feed.stop());
    // An entry appended five seconds ago by Redis's clock (an explicit id on a new stream).
    const [seconds] = await commands.time();
    const appendedMs = Number(seconds) * 1000 - 5_000;
    await commands.xadd(docStreamKey(room), `${appendedMs}-1`, 'u', Buffer.from([0, 0]), 'i', 'elsewhere');
    const applied: Uint8Array[][] = [];
    feed.subscribe(room, '0-0', {
      handleRemoteUpdates: (updates) => applied.push(updates),
      handleRemoteAwareness: () => {},
      localAwareness: () => null,
    });
    const lag = await feed.lagSeconds();
    expect(lag).toBeGreaterThanOrEqual(5);
    expect(lag).toBeLessThan(30);
    feed.start();
    await waitUntil(() => applied.length === 1, 'the feed delivers the entry');
    expect(await feed.lagSeconds()).toBe(0);
  });

  it('a single node registers no scale-out metrics', async () => {
    const server = await startTestServer();
    const text = await metrics(server);
    expect(text).toContain('trellis_connections');
    expect(text).not.toContain('trellis_scaleout_');
  });
});
