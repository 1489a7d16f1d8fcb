/**
 * The store-side halves of S10: an import through the server's admin operations is all or nothing,
 * and a LevelDB backup reads the whole store at one point in time.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CheckError, type FileRoom } from '../../../sync-server/admin/check';
import { AdminOps } from '../../../sync-server/admin/ops';
import { MemoryDocStore } from '../../../sync-server/core/memory-doc-store';
import { SyncCore } from '../../../sync-server/core/sync-core';
import { LevelDocStore } from '../../../sync-server/storage/level-doc-store';
import {
  pendingStructsUpdate,
  textState,
  unbuildableUpdate,
  undecodableBytes,
} from '../../support/damaged-updates';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

function fileRoom(room: string, state: Uint8Array): FileRoom {
  return { room, state, checksum: 'verified' };
}

async function textOf(store: MemoryDocStore | LevelDocStore, room: string): Promise<string> {
  const doc = new Y.Doc();
  for (const update of (await store.load(room)).updates) Y.applyUpdate(doc, update);
  return doc.getText('t').toString();
}

describe('[S10] AdminOps.importRooms', () => {
  it('[S10] refuses the whole import when one room fails its check, and changes no room, loaded or not', async () => {
    const store = new MemoryDocStore();
    await store.replace('board.b', textState('stored'));
    await store.replace('board.b.card.late', unbuildableUpdate());
    const core = new SyncCore({ store });
    const ops = new AdminOps(core, store);
    const good = fileRoom('board.b', textState('imported'));
    const refusals: FileRoom[][] = [
      [good, fileRoom('board.c', textState('other board'))],
      [good, fileRoom('board.b.card.x', undecodableBytes(50, 9))],
      [good, fileRoom('board.b.card.x', pendingStructsUpdate('a', 'b').secondOnly)],
      [good, fileRoom('board.b!x', textState('key range'))],
      [good, { ...fileRoom('board.b.card.x', textState('x')), checksum: 'mismatch' }],
      [good, fileRoom('board.b', textState('twice'))],
    ];
    for (const rooms of refusals) {
      await expect(ops.importRooms('b', rooms)).rejects.toBeInstanceOf(CheckError);
    }
    // A target room whose stored document cannot be built: refused before any room changed.
    await expect(
      ops.importRooms('b', [good, fileRoom('board.b.card.late', textState('late'))]),
    ).rejects.toThrow(/out of service/);
    expect(await textOf(store, 'board.b')).toBe('stored');
    expect(store.calls.append).toBe(0);
    await core.stop();
  });
});

describe('[S10] LevelDocStore.loadAll', () => {
  it('[S10] reads every room as of the moment it starts, whatever is written while it reads', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trellis-snapshot-'));
    dirs.push(dir);
    const store = await LevelDocStore.open(dir);
    const author = new Y.Doc();
    const edit = (text: string) => {
      const before = Y.encodeStateVector(author);
      author.getText('t').insert(author.getText('t').length, text);
      return Y.encodeStateAsUpdate(author, before);
    };
    await store.append('board.a', edit('a1 '));
    await store.append('board.z', textState('z1'));
    const seen = new Map<string, Uint8Array[]>();
    for await (const { room, updates } of store.loadAll(() => true)) {
      seen.set(room, updates);
      if (room === 'board.a') {
        // Written after the read began: an append to a room not yet read, and a compaction of one
        // already read.
        await store.append('board.z', textState('z2'));
        await store.append('board.a', edit('a2 '));
        await store.replace('board.a', Y.encodeStateAsUpdate(author));
      }
    }
    expect([...seen.keys()]).toEqual(['board.a', 'board.z']);
    expect(seen.get('board.z')).toHaveLength(1);
    const a = new Y.Doc();
    for (const update of seen.get('board.a')!) Y.applyUpdate(a, update);
    expect(a.getText('t').toString()).toBe('a1 ');
    expect(await textOf(store, 'board.a')).toBe('a1 a2 ');
    await store.close();
  });
});
