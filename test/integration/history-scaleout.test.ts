/**
 * History scaled out (S13.1–S13.3): two instances on one Redis and one PostgreSQL, sharing one
 * movable clock. Versions are served from the stream before a compaction and from
 * `trellis_history` after it, identically; thinning merges rows; a snapshot written without
 * history starts the history.
 */
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readAdminCredential } from '../../sync-server/admin/local-files';
import { OffsetClock } from '../../sync-server/history/test-clock';
import { Compaction } from '../../sync-server/scaleout/compaction';
import { docStreamKey, ENTRY_INSTANCE_FIELD, ENTRY_UPDATE_FIELD } from '../../sync-server/scaleout/keys';
import { waitForAsync } from '../support/wait';
import {
  cleanup,
  connectClient,
  startTestServer,
  type TestClient,
  type TestServer,
  whenSynced,
} from './support/harness';
import { DAY, fetchVersion, HOUR, list, MINUTE, textOf } from './support/history';
import { type ScaleOutServices, startScaleOutServices } from './support/scaleout-services';

let services: ScaleOutServices;
let pool: pg.Pool;

beforeAll(async () => {
  services = await startScaleOutServices();
  pool = services.postgres.pool();
}, 60_000);
afterEach(cleanup);
afterAll(async () => {
  await services?.stop();
});

async function rows(room: string): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(
    'SELECT count(*) AS n FROM trellis_history WHERE room = $1',
    [room],
  );
  return Number(rows[0]!.n);
}

async function compact(server: TestServer, room: string): Promise<void> {
  const response = await fetch(`${server.url}/admin/compact?room=${room}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await readAdminCredential(server.dataDir)}` },
  });
  expect(response.status).toBe(200);
}

async function instances(clock: OffsetClock): Promise<[TestServer, TestServer]> {
  const config = { redisUrl: services.redis.url, databaseUrl: services.postgres.url, trimGraceMs: 0 };
  const a = await startTestServer({ ...config, role: 'both' }, { clock });
  const b = await startTestServer({ ...config, role: 'sync' }, { clock });
  return [a, b];
}

describe('history scaled out', () => {
  it('[S13.1][S13.3] versions read from the stream, then from PostgreSQL after a compaction, are identical; thinning merges rows', async () => {
    const clock = new OffsetClock();
    const [a, b] = await instances(clock);
    const room = 'board.so-history';
    const clients: TestClient[] = [connectClient(a.wsUrl, room), connectClient(b.wsUrl, room)];
    await Promise.all(clients.map((c) => whenSynced(c)));
    const hour = Math.floor((Date.now() - 5 * HOUR) / HOUR) * HOUR;
    const minutes = [5, 10, 15, 70, 75];
    const texts: string[] = [];
    for (const [i, minute] of minutes.entries()) {
      clock.offsetMs = hour + minute * MINUTE - Date.now();
      const writer = clients[i % 2]!;
      writer.text.insert(writer.text.length, `${i};`);
      await waitForAsync(
        async () => (await a.store.history!.segments(room)).length === i + 1,
        `edit ${i} stored`,
      );
      texts.push(writer.text.toString());
    }
    clock.offsetMs = 0;
    const fromStream = await list(b, room);
    expect(fromStream.map((v) => v.tier)).toEqual(['change', 'change', 'change', 'change', 'change']);
    const bytes = await Promise.all(fromStream.map((v) => fetchVersion(b, room, v.time)));
    expect(bytes.map(textOf)).toEqual([...texts].reverse());
    expect(await rows(room)).toBe(0);

    await compact(a, room);
    await compact(b, room);
    await waitForAsync(
      async () => (await rows(room)) === 5,
      'the compaction moved every entry to PostgreSQL',
    );
    expect(await list(a, room)).toEqual(fromStream);
    expect(await list(b, room)).toEqual(fromStream);
    for (const [i, version] of fromStream.entries())
      expect(await fetchVersion(a, room, version.time)).toEqual(bytes[i]);

    // Two days on: one version for each of the two hours, and a pass merges their rows.
    clock.offsetMs = 2 * DAY;
    const aged = await list(a, room);
    expect(aged.map((v) => [v.time, v.tier])).toEqual([
      [fromStream[0]!.time, '1h'],
      [fromStream[2]!.time, '1h'],
    ]);
    expect(await a.history.thinAll()).toBe(3);
    expect(await rows(room)).toBe(2);
    // The same versions (their sizes are the merged rows' now).
    expect((await list(b, room)).map((v) => [v.time, v.tier])).toEqual(aged.map((v) => [v.time, v.tier]));
    expect(textOf(await fetchVersion(b, room, aged[1]!.time))).toBe(texts[2]);
    expect(textOf(await fetchVersion(b, room, aged[0]!.time))).toBe(texts[4]);
  });

  it('[S13.1] a snapshot written without history starts it: listed at once, moved to PostgreSQL by the next compaction', async () => {
    const clock = new OffsetClock();
    const room = 'board.so-legacy';
    const redis = services.redis.client();
    const old = new Y.Doc();
    old.getText('t').insert(0, 'old;');
    await redis.xadd(
      docStreamKey(room),
      '*',
      ENTRY_UPDATE_FIELD,
      Buffer.from(Y.encodeStateAsUpdate(old)),
      ENTRY_INSTANCE_FIELD,
      'old',
    );
    const result = await new Compaction({ redis, pool, trimGraceMs: 0, history: false }).compact(room);
    expect(result.status).toBe('compacted');
    expect(await rows(room)).toBe(0);

    const [a] = await instances(clock);
    const seeded = await list(a, room);
    expect(seeded).toHaveLength(1);
    expect(textOf(await fetchVersion(a, room, seeded[0]!.time))).toBe('old;');

    const client = connectClient(a.wsUrl, room);
    await whenSynced(client);
    client.text.insert(client.text.length, 'new;');
    await waitForAsync(async () => (await list(a, room)).length === 2, 'the edit listed');
    await compact(a, room);
    await waitForAsync(async () => (await rows(room)) === 2, 'the seed and the edit in PostgreSQL');
    const versions = await list(a, room);
    expect(versions[1]).toEqual(seeded[0]);
    expect(textOf(await fetchVersion(a, room, versions[1]!.time))).toBe('old;');
    expect(textOf(await fetchVersion(a, room, versions[0]!.time))).toBe('old;new;');
  });

  it('[S12.2][S13.6] deleting a board removes its history from PostgreSQL', async () => {
    const clock = new OffsetClock();
    const [a] = await instances(clock);
    const room = 'board.so-gone';
    const client = connectClient(a.wsUrl, room);
    await whenSynced(client);
    client.text.insert(0, 'doomed;');
    await waitForAsync(async () => (await list(a, room)).length === 1, 'the first edit listed');
    client.text.insert(0, 'twice;');
    await waitForAsync(async () => (await list(a, room)).length === 2, 'the second edit listed');
    await compact(a, room);
    await waitForAsync(async () => (await rows(room)) === 2, 'moved to PostgreSQL');
    const response = await fetch(`${a.url}/admin/delete?board=so-gone`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await readAdminCredential(a.dataDir)}` },
    });
    expect(response.status).toBe(200);
    expect(await rows(room)).toBe(0);
    expect(await list(a, room)).toEqual([]);
  });
});
