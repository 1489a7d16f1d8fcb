import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { encodeSyncUpdate } from '../../../shared/wire';
import { AdminOps } from '../../../sync-server/admin/ops';
import { MemoryDocStore } from '../../../sync-server/core/memory-doc-store';
import type { SyncSocket } from '../../../sync-server/core/ports';
import { SyncCore } from '../../../sync-server/core/sync-core';
import { waitUntil } from '../../support/wait';

/** Holds every append until `release()`, so a test can look at a write that is still queued. */
class GatedStore extends MemoryDocStore {
  private gate: Promise<void> | null = null;
  release: () => void = () => {};
  held = 0;
  hold(): void {
    this.gate = new Promise((resolve) => {
      this.release = resolve;
    });
  }
  override async append(room: string, update: Uint8Array): Promise<void> {
    if (this.gate) {
      this.held++;
      await this.gate;
    }
    return super.append(room, update);
  }
}

const socket: SyncSocket = { bufferedAmount: 0, send() {}, close() {}, onDrain() {} };

function connectAndEdit(core: SyncCore, room: string, text: string): void {
  const doc = new Y.Doc();
  doc.getText('t').insert(0, text);
  const handlers = core.handleConnection(socket, {
    room,
    readOnly: false,
    durableAck: false,
    remoteAddress: 't',
  });
  handlers.handleFrame(encodeSyncUpdate(Y.encodeStateAsUpdate(doc)));
}

async function collect(ops: AdminOps): Promise<Map<string, string>> {
  const rooms = new Map<string, string>();
  for await (const dump of ops.dump(() => true)) {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, dump.state);
    rooms.set(dump.room, doc.getText('t').toString());
  }
  return rooms;
}

describe('AdminOps.dump', () => {
  it('includes what loaded rooms received but had not stored yet', async () => {
    const store = new GatedStore();
    store.hold();
    const core = new SyncCore({ store });
    connectAndEdit(core, 'a', 'hello');
    await waitUntil(() => core.rooms.get('a')?.doc.getText('t').length === 5, 'applied');
    // Applied in memory, its write held: the dump waits for it rather than miss it.
    let settled = false;
    const dumped = collect(new AdminOps(core, store)).finally(() => {
      settled = true;
    });
    await waitUntil(() => store.held === 1, 'the write is held');
    expect(settled).toBe(false);
    store.release();
    expect(await dumped).toEqual(new Map([['a', 'hello']]));
    await core.stop();
  });

  it('fails instead of waiting forever when storage keeps failing', async () => {
    const store = new MemoryDocStore();
    const core = new SyncCore({ store, shutdownTimeoutMs: 100 });
    connectAndEdit(core, 'b', 'stored');
    await waitUntil(() => store.calls.append === 1, 'the room is loaded and its first write stored');
    store.failNext(1_000_000);
    connectAndEdit(core, 'b', 'unstorable');
    await waitUntil(() => store.calls.append > 1, 'the second write is failing');
    await expect(collect(new AdminOps(core, store, 200))).rejects.toThrow(
      /b has updates storage does not take/,
    );
    await core.stop();
  });
});

describe('AdminOps.importRooms', () => {
  it('merges a state through the room, so a loaded room and its store agree', async () => {
    const store = new MemoryDocStore();
    const core = new SyncCore({ store });
    connectAndEdit(core, 'board.c', 'live');
    await waitUntil(() => core.rooms.get('board.c')?.doc.getText('t').length === 4, 'applied');
    const imported = new Y.Doc();
    imported.getText('t').insert(0, 'imported ');
    const state = Y.encodeStateAsUpdate(imported);
    await new AdminOps(core, store).importRooms('c', [{ room: 'board.c', state, checksum: 'verified' }]);
    const live = core.rooms.get('board.c')!.doc.getText('t').toString();
    expect(live).toContain('imported ');
    expect(live).toContain('live');
    expect(await collect(new AdminOps(core, store))).toEqual(new Map([['board.c', live]]));
    await core.stop();
  });
});
