import * as encoding from 'lib0/encoding';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { MemoryDocStore } from '../../sync-server/core/memory-doc-store';
import { waitUntil } from '../support/wait';
import { cleanup, connectClient, startTestServer, whenSynced } from './support/harness';
import { openRawSocket, recordingLogger, whenClosed } from './support/raw-socket';

afterEach(cleanup);

function syncUpdateFrame(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0);
  encoding.writeVarUint(e, 2);
  encoding.writeVarUint8Array(e, update);
  return encoding.toUint8Array(e);
}

function evilUpdate(): Uint8Array {
  const doc = new Y.Doc();
  doc.getText('t').insert(0, 'EVIL-CONTENT-THAT-MUST-NOT-BE-STORED');
  return Y.encodeStateAsUpdate(doc);
}

const cases: Array<{ name: string; frame: () => Uint8Array | string; code: number }> = [
  { name: 'a truncated frame', frame: () => new Uint8Array([0, 2, 50, 1, 2]), code: 1002 },
  { name: 'an unknown message type', frame: () => new Uint8Array([7, 0]), code: 1002 },
  { name: 'an unknown sync step', frame: () => new Uint8Array([0, 9, 0]), code: 1002 },
  { name: 'trailing bytes after a message', frame: () => new Uint8Array([3, 3, 3]), code: 1002 },
  {
    name: 'an update Yjs cannot apply',
    frame: () => syncUpdateFrame(new Uint8Array([5, 200, 1, 255, 255, 255, 255, 15, 9, 9, 9])),
    code: 1002,
  },
  {
    name: 'a truncated but well-framed update',
    frame: () => {
      const update = evilUpdate();
      return syncUpdateFrame(update.slice(0, Math.floor(update.length / 2)));
    },
    code: 1002,
  },
  { name: 'a malformed awareness update', frame: () => new Uint8Array([1, 3, 1, 5, 200]), code: 1002 },
  { name: 'a text frame', frame: () => 'hello', code: 1002 },
  { name: 'a message above the size limit', frame: () => new Uint8Array(8 * 1024).fill(1), code: 1009 },
];

describe('bad input closes one socket and loses nothing', () => {
  for (const testCase of cases) {
    it(`[S6.1] ${testCase.name}: that socket is closed with ${testCase.code} and a logged reason; others carry on`, async () => {
      const store = new MemoryDocStore();
      const logger = recordingLogger();
      const server = await startTestServer({ maxMessageBytes: 4096 }, { store, logger });
      const room = 'room-bad';
      const good = connectClient(server.wsUrl, room);
      await whenSynced(good);
      good.text.insert(0, 'good content');
      const { ws } = await openRawSocket(server.wsUrl, room);
      const closed = whenClosed(ws);
      ws.send(testCase.frame());
      const { code } = await closed;
      expect(code).toBe(testCase.code);
      await waitUntil(
        () =>
          logger.entries.some(
            (e) =>
              e.level !== 'debug' && /malformed|invalid|text frame|socket error|Max payload/i.test(e.msg),
          ),
        'a reason is logged',
      );

      // The server and the other client carry on: a new client syncs the good content.
      const later = connectClient(server.wsUrl, room);
      await whenSynced(later);
      await waitUntil(
        () => later.text.toString() === 'good content',
        'a new client receives the good content',
      );
      good.text.insert(good.text.length, ' and more');
      await waitUntil(() => later.text.toString() === 'good content and more', 'live updates still flow');

      // Nothing from the bad socket reached storage.
      await server.core.rooms.flushAll();
      const stored = new Y.Doc();
      for (const update of (await store.load(room)).updates) Y.applyUpdate(stored, update);
      expect(stored.getText('t').toString()).toBe('good content and more');
    });
  }

  it('an invalid room name is refused at the upgrade with HTTP 400', async () => {
    const server = await startTestServer();
    const status = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`${server.wsUrl}/${encodeURIComponent('bad room/../../etc')}`);
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.once('open', () => reject(new Error('the upgrade was accepted')));
      ws.once('error', () => {});
    });
    expect(status).toBe(400);
    const tooLong = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${server.wsUrl}/${'a'.repeat(201)}`);
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.once('error', () => {});
    });
    expect(tooLong).toBe(400);
    expect(server.core.rooms.size).toBe(0);
  });
});
