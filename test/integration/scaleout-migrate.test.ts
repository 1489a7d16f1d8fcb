/**
 * Migration between single-node LevelDB and scale-out Redis + PostgreSQL: every document
 * moves in both directions without losing an item or a deletion, and scale-out instances serve
 * the migrated documents.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { containsState, migrate } from '../../sync-server/scaleout/migrate';
import { LevelDocStore } from '../../sync-server/storage/level-doc-store';
import { waitUntil } from '../support/wait';
import { cleanup, connectClient, whenSynced } from './support/harness';
import { instanceEnv, type ScaleOutServices, startScaleOutServices } from './support/scaleout-services';
import { spawnServer, stopServer } from './support/server-process';

let services: ScaleOutServices;
const dirs: string[] = [];

beforeAll(async () => {
  services = await startScaleOutServices();
}, 60_000);
afterEach(cleanup);
afterAll(async () => {
  await services?.stop();
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'trellis-migrate-'));
  dirs.push(dir);
  return dir;
}

/** A document with inserts, deletions and a map, written as many small updates. */
function writeHistory(doc: Y.Doc, seed: number): Uint8Array[] {
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  const text = doc.getText('t');
  for (let i = 0; i < 40; i++) {
    text.insert(0, `${seed}.${i};`);
    if (i % 7 === 6) text.delete(2, 3);
    doc.getMap('m').set(`k${i % 5}`, i * seed);
  }
  return updates;
}

async function stateIn(store: LevelDocStore, room: string): Promise<Uint8Array> {
  const doc = new Y.Doc();
  for (const update of (await store.load(room)).updates) Y.applyUpdate(doc, update);
  return Y.encodeStateAsUpdate(doc);
}

describe('migration between LevelDB and Redis + PostgreSQL', () => {
  it('moves every document to scale-out and back losslessly; instances serve what was migrated', async () => {
    const source = await tempDir();
    const docs = new Map<string, Y.Doc>();
    const level = await LevelDocStore.open(source);
    for (const [seed, room] of ['mig-a', 'mig-b.card.c1', 'mig-c'].entries()) {
      const doc = new Y.Doc();
      for (const update of writeHistory(doc, seed + 1)) await level.append(room, update);
      docs.set(room, doc);
    }
    await level.close();

    const common = { redisUrl: services.redis.url, databaseUrl: services.postgres.url };
    const there = await migrate({ direction: 'to-scaleout', dataDir: source, ...common });
    expect(there.rooms).toBe(3);

    // A scale-out instance serves the migrated document; an edit made there goes back too.
    const instance = await spawnServer(instanceEnv(services));
    try {
      const client = connectClient(instance.wsUrl, 'mig-a');
      await whenSynced(client);
      await waitUntil(
        () => client.text.toString() === docs.get('mig-a')!.getText('t').toString(),
        'the instance serves the migrated document',
      );
      client.text.insert(0, 'edited-in-scale-out;');
      const expected = client.text.toString();
      const witness = connectClient(instance.wsUrl, 'mig-a');
      await waitUntil(() => witness.text.toString() === expected, 'the edit is stored and broadcast');
      Y.applyUpdate(docs.get('mig-a')!, Y.encodeStateAsUpdate(client.doc));
      client.destroy();
      await stopServer(instance);
      expect(docs.get('mig-a')!.getText('t').toString()).toBe(expected);
    } finally {
      await stopServer(instance);
    }

    const back = await tempDir();
    const report = await migrate({ direction: 'to-level', dataDir: back, ...common });
    expect(report.rooms).toBe(3);
    const restored = await LevelDocStore.open(back);
    try {
      for (const [room, doc] of docs) {
        const state = await stateIn(restored, room);
        const original = Y.encodeStateAsUpdate(doc);
        // Same items and the same deletions, both ways.
        expect(containsState(state, original)).toBe(true);
        expect(containsState(original, state)).toBe(true);
        const copy = new Y.Doc();
        Y.applyUpdate(copy, state);
        expect(copy.getText('t').toString()).toBe(doc.getText('t').toString());
        expect(copy.getMap('m').toJSON()).toEqual(doc.getMap('m').toJSON());
      }
    } finally {
      await restored.close();
    }
  });

  it('runs as a command and merges into what the target already holds', async () => {
    const dir = await tempDir();
    const level = await LevelDocStore.open(dir);
    const doc = new Y.Doc();
    for (const update of writeHistory(doc, 9)) await level.append('mig-cli', update);
    await level.close();
    const run = promisify(execFile);
    const env = { ...process.env, REDIS_URL: services.redis.url, DATABASE_URL: services.postgres.url };
    // The shipped command: the bin runs the CLI bundle (built by the integration global setup).
    const bin = join(process.cwd(), 'bin/trellis-server.js');
    const args = [bin, 'migrate', 'to-scaleout', '--data-dir', dir];
    const first = await run(process.execPath, args, { env });
    expect(first.stdout).toContain('migrated 1 documents');
    // Again, after the LevelDB copy changed: the target keeps both.
    const again = await LevelDocStore.open(dir);
    const before = Y.encodeStateVector(doc);
    doc.getText('t').insert(0, 'second-pass;');
    await again.append('mig-cli', Y.encodeStateAsUpdate(doc, before));
    await again.close();
    await run(process.execPath, args, { env });
    const back = await tempDir();
    await run(process.execPath, [bin, 'migrate', 'to-level', '--data-dir', back], { env });
    const restored = await LevelDocStore.open(back);
    const state = await stateIn(restored, 'mig-cli');
    await restored.close();
    expect(containsState(state, Y.encodeStateAsUpdate(doc))).toBe(true);
  });
});
