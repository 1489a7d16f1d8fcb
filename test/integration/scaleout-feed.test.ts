/**
 * The Redis feed and store in-process: what one instance's read loop delivers, and that
 * it catches up when a compaction trimmed entries while its reader was disconnected.
 */
import Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { silentLogger } from '../../sync-server/core/ports';
import { Compaction } from '../../sync-server/scaleout/compaction';
import { snapshotCatchUp } from '../../sync-server/scaleout/compose';
import {
  docStreamKey,
  ENTRY_INSTANCE_FIELD,
  ENTRY_UPDATE_FIELD,
  readersKey,
} from '../../sync-server/scaleout/keys';
import { RedisDocStore } from '../../sync-server/scaleout/redis-doc-store';
import { RedisFeed } from '../../sync-server/scaleout/redis-feed';
import { ensureSchema } from '../../sync-server/scaleout/snapshots';
import { waitUntil } from '../support/wait';
import { type ScaleOutServices, startScaleOutServices } from './support/scaleout-services';

let services: ScaleOutServices;
beforeAll(async () => {
  services = await startScaleOutServices();
}, 60_000);
afterAll(() => services?.stop());

function connection(url: string): Redis {
  // As the server's reader: no offline queue, so a read while disconnected fails at once.
  const client = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
  client.on('error', () => {});
  return client;
}

describe('scale-out feed', () => {
  it('delivers other instances’ entries, skips its own, and catches up over entries trimmed while its reader was away', async () => {
    const redis = services.redis.client();
    const pool = services.postgres.pool();
    await ensureSchema(pool);
    const reader = connection(services.redis.url);
    const feedRedis = connection(services.redis.url);
    const subscriber = services.redis.client();
    await Promise.all([reader.connect(), feedRedis.connect()]);
    const compaction = new Compaction({ redis, pool, trimGraceMs: 0 });
    const store = new RedisDocStore({ redis, pool, compaction, instanceId: 'me', replaceMode: 'inline' });
    const feed = new RedisFeed({
      redis: feedRedis,
      reader,
      subscriber,
      instanceId: 'me',
      logger: silentLogger,
      catchUp: snapshotCatchUp(pool, store),
    });
    feed.start();
    const room = 'so-feed-gap';
    const source = new Y.Doc();
    const write = async (text: string, instance = 'other') => {
      const before = Y.encodeStateVector(source);
      source.getText('t').insert(source.getText('t').length, text);
      const update = Y.encodeStateAsUpdate(source, before);
      await redis.xadd(
        docStreamKey(room),
        '*',
        ENTRY_UPDATE_FIELD,
        Buffer.from(update),
        ENTRY_INSTANCE_FIELD,
        instance,
      );
      return update;
    };
    await write('one;');
    await write('two;');
    const loaded = await store.load(room);
    const replica = new Y.Doc();
    for (const update of loaded.updates) Y.applyUpdate(replica, update);
    const delivered: Uint8Array[][] = [];
    const unsubscribe = feed.subscribe(room, loaded.cursor, {
      handleRemoteUpdates: (updates) => {
        delivered.push(updates);
        for (const update of updates) Y.applyUpdate(replica, update);
      },
      handleRemoteAwareness: () => {},
      localAwareness: () => null,
    });
    const text = () => replica.getText('t').toString();
    await write('three;');
    await waitUntil(() => text() === 'one;two;three;', 'the feed delivers a new entry');
    // An entry this instance wrote itself is not delivered back.
    const batches = delivered.length;
    // This instance applied its own update before appending it.
    Y.applyUpdate(replica, await write('mine;', 'me'));
    await write('four;');
    await waitUntil(() => text().endsWith('four;'), 'the next entry arrives');
    expect(delivered.slice(batches).flat()).toHaveLength(1);
    expect(text()).toBe('one;two;three;mine;four;');

    // While this instance reads, compaction keeps what it has not read (its registered cursor).
    expect(await redis.hget(readersKey(room), 'me')).toMatch(/^\d+-\d+ \d+$/);

    // The instance is cut off from Redis long enough for its registration to lapse (as if 30 s
    // passed); meanwhile entries arrive and a compaction trims them all.
    reader.disconnect();
    feedRedis.disconnect();
    await redis.hdel(readersKey(room), 'me');
    await write('five;');
    await write('six;');
    expect((await compaction.compact(room)).status).toBe('compacted');
    expect(await redis.xlen(docStreamKey(room))).toBe(0);
    await Promise.all([reader.connect(), feedRedis.connect()]);
    await waitUntil(() => text().endsWith('five;six;'), 'the feed catches up from the snapshot');
    await write('seven;');
    await waitUntil(() => text().endsWith('six;seven;'), 'and reads on after it');
    expect(text()).toBe(source.getText('t').toString());

    unsubscribe();
    await feed.stop();
    reader.disconnect();
    feedRedis.disconnect();
  });

  it('compaction never trims what a live reader has not read yet', async () => {
    const redis = services.redis.client();
    const pool = services.postgres.pool();
    await ensureSchema(pool);
    const compaction = new Compaction({ redis, pool, trimGraceMs: 0 });
    const room = 'so-slow-reader';
    const doc = new Y.Doc();
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const before = Y.encodeStateVector(doc);
      doc.getText('t').insert(0, `${i};`);
      const update = Buffer.from(Y.encodeStateAsUpdate(doc, before));
      ids.push(
        (await redis.xadd(
          docStreamKey(room),
          '*',
          ENTRY_UPDATE_FIELD,
          update,
          ENTRY_INSTANCE_FIELD,
          'x',
        )) as string,
      );
    }
    // A live instance has read up to the fourth entry; a dead one's registration is long stale.
    await redis.hset(
      readersKey(room),
      'slow',
      `${ids[3]} ${Date.now()}`,
      'dead',
      `${ids[0]} ${Date.now() - 600_000}`,
    );
    const result = await compaction.compact(room);
    expect(result).toMatchObject({ status: 'compacted', covers: ids[9] });
    const kept = (await redis.xrange(docStreamKey(room), '-', '+')).map(([id]) => id);
    expect(kept).toEqual(ids.slice(4));
    expect(await redis.hexists(readersKey(room), 'dead')).toBe(0);
    // Once it reports reading everything, the next run trims the rest.
    await redis.hset(readersKey(room), 'slow', `${ids[9]} ${Date.now()}`);
    expect((await compaction.compact(room)).status).toBe('current');
    expect(await redis.xlen(docStreamKey(room))).toBe(0);
  });
});
