/**
 * Revoked share links (S12.3): the rule (a token minted up to the revocation is refused) and the
 * stores that keep revocations across restarts, one contract for each.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  MemoryRevocationStore,
  type RevocationStore,
  Revocations,
} from '../../../sync-server/auth/revocations';
import { PgRevocationStore } from '../../../sync-server/scaleout/revocations';
import { ensureSchema } from '../../../sync-server/scaleout/snapshots';
import { LevelDocStore } from '../../../sync-server/storage/level-doc-store';
import { LevelRevocationStore } from '../../../sync-server/storage/level-revocations';
import {
  sharedScaleOutServices,
  stopSharedScaleOutServices,
} from '../../integration/support/scaleout-services';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});
beforeAll(() => sharedScaleOutServices().then(() => undefined), 60_000);
afterAll(stopSharedScaleOutServices);

describe('[S12.3] the revocation rule', () => {
  it('[S12.3] refuses generations up to the revocation, for that board only; later ones pass', async () => {
    const revocations = await Revocations.open(new MemoryRevocationStore());
    expect(revocations.refuses('a', 1_000)).toBe(false);
    const heard: Array<[string, number]> = [];
    revocations.onRevoked((board, at) => {
      heard.push([board, at]);
      return 3;
    });
    expect(await revocations.revoke('a', 1_000)).toEqual({ revokedAt: 1_000, closed: 3 });
    expect(revocations.refuses('a', 999)).toBe(true);
    expect(revocations.refuses('a', 1_000)).toBe(true);
    expect(revocations.refuses('a', 1_001)).toBe(false);
    expect(revocations.refuses('a', undefined)).toBe(true);
    expect(revocations.refuses('b', 1)).toBe(false);
    // Rooms outside the board scheme (a `*` token's) are never refused.
    expect(revocations.refuses(null, 1)).toBe(false);
    // A clock that went back does not un-revoke; nothing new is announced.
    expect(await revocations.revoke('a', 500)).toEqual({ revokedAt: 1_000, closed: 0 });
    expect(revocations.refuses('a', 999)).toBe(true);
    expect(heard).toEqual([['a', 1_000]]);
  });
});

const stores: Array<{
  name: string;
  open: () => Promise<{ store: RevocationStore; reopen: () => Promise<RevocationStore> }>;
}> = [
  {
    name: 'LevelRevocationStore',
    open: async () => {
      const dir = await mkdtemp(join(tmpdir(), 'trellis-revocations-'));
      let level = await LevelDocStore.open(dir);
      cleanups.push(async () => {
        await level.close();
        await rm(dir, { recursive: true, force: true });
      });
      return {
        store: new LevelRevocationStore(level),
        reopen: async () => {
          await level.close();
          level = await LevelDocStore.open(dir);
          return new LevelRevocationStore(level);
        },
      };
    },
  },
  {
    // Starts redis-server and postgres; fails (never skips) when they are missing.
    name: 'PgRevocationStore',
    open: async () => {
      const services = await sharedScaleOutServices();
      const pool = services.postgres.pool();
      await ensureSchema(pool);
      await pool.query('TRUNCATE trellis_revocations');
      return { store: new PgRevocationStore(pool), reopen: async () => new PgRevocationStore(pool) };
    },
  },
];

for (const impl of stores) {
  describe(`[S12.3] revocation store: ${impl.name}`, () => {
    it('[S12.3] keeps the latest revocation per board, across reopening', async () => {
      const { store, reopen } = await impl.open();
      expect(await store.loadAll()).toEqual(new Map());
      expect(await store.save('a', 2_000)).toBe(2_000);
      expect(await store.save('a', 1_000)).toBe(2_000);
      expect(await store.save('b', 5)).toBe(5);
      expect(await store.save('a', 3_000)).toBe(3_000);
      const again = await reopen();
      expect(await again.loadAll()).toEqual(
        new Map([
          ['a', 3_000],
          ['b', 5],
        ]),
      );
    });
  });
}

describe('[S12.3] revocations shared through PostgreSQL', () => {
  it('[S12.3] a revocation one instance saves is picked up by another at its refresh', async () => {
    const { store, reopen } = await stores.find((s) => s.name === 'PgRevocationStore')!.open();
    const here = await Revocations.open(store);
    const heardHere: string[] = [];
    here.onRevoked((board) => {
      heardHere.push(board);
      return 0;
    });
    const elsewhere = await Revocations.open(await reopen());
    await elsewhere.revoke('x', 10);
    expect(here.refuses('x', 10)).toBe(false);
    await here.refresh();
    expect(here.refuses('x', 10)).toBe(true);
    expect(heardHere).toEqual(['x']);
  });
});
