import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CloseCode } from '../../../shared/protocol';
import { encodeSyncUpdate } from '../../../shared/wire';
import { MemoryDocStore } from '../../../sync-server/core/memory-doc-store';
import type { SyncSocket } from '../../../sync-server/core/ports';
import { SyncCore } from '../../../sync-server/core/sync-core';
import { waitUntil } from '../../support/wait';

function fakeSocket(): SyncSocket & { closed: { code: number; reason: string } | null } {
  return {
    closed: null,
    bufferedAmount: 0,
    send() {},
    close(code, reason) {
      this.closed = { code, reason };
    },
    onDrain() {},
  };
}

/** Changes `doc` with `edit` and returns the update it made. */
function updateOf(doc: Y.Doc, edit: () => void): Uint8Array {
  let captured: Uint8Array | null = null;
  const capture = (update: Uint8Array) => {
    captured = update;
  };
  doc.on('update', capture);
  doc.transact(edit);
  doc.off('update', capture);
  return captured!;
}

describe('document size cap (core)', () => {
  it('refuses new content past the cap before applying it, but always accepts deletions', async () => {
    const store = new MemoryDocStore();
    const core = new SyncCore({ store, maxDocumentBytes: 1_200 });
    const client = new Y.Doc();
    const text = client.getText('t');
    const socket = fakeSocket();
    const handlers = core.handleConnection(socket, {
      room: 'capped',
      readOnly: false,
      durableAck: false,
      remoteAddress: 'test',
    });
    handlers.handleFrame(encodeSyncUpdate(updateOf(client, () => text.insert(0, 'a'.repeat(1_000)))));
    const room = () => core.rooms.get('capped')!;
    await waitUntil(() => room().doc.getText('t').length === 1_000, 'the first update is applied');

    // An update whose size alone would cross the cap, but that only deletes: accepted.
    const deletion = updateOf(client, () => {
      for (let i = 0; i < 100; i++) text.delete(i * 5, 1);
    });
    expect(deletion.byteLength).toBeGreaterThan(200);
    handlers.handleFrame(encodeSyncUpdate(deletion));
    await waitUntil(() => room().doc.getText('t').length === 900, 'the deletion is applied');
    expect(socket.closed).toBe(null);

    const before = Y.encodeStateAsUpdate(room().doc);
    handlers.handleFrame(encodeSyncUpdate(updateOf(client, () => text.insert(0, 'b'.repeat(500)))));
    expect(socket.closed).toEqual({
      code: CloseCode.documentTooLarge,
      reason: 'document is at its size limit',
    });
    expect(Y.encodeStateAsUpdate(room().doc)).toEqual(before);
    await room().writes.whenDrained();
    const stored = new Y.Doc();
    for (const update of (await store.load('capped')).updates) Y.applyUpdate(stored, update);
    expect(stored.getText('t').toString()).toBe(room().doc.getText('t').toString());
    await core.stop();
  });
});
