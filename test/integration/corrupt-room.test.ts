/**
 * A stored document the server cannot decode costs its own room, nothing else (S7): the real server
 * process serves a LevelDB data dir holding a corrupt room beside good ones, while real y-websocket
 * providers open both.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CloseCode } from '../../shared/protocol';
import { LevelDocStore } from '../../sync-server/storage/level-doc-store';
import {
  pendingStructsUpdate,
  textState,
  unbuildableUpdate,
  undecodableBytes,
} from '../support/damaged-updates';
import { waitUntil } from '../support/wait';
import { cleanup, connectClient, type TestClient, whenSynced } from './support/harness';
import { type ServerProcess, spawnServer, stopServer } from './support/server-process';

const started: ServerProcess[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await cleanup();
  for (const server of started.splice(0)) await stopServer(server, 'SIGKILL');
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** A data dir whose rooms hold exactly these stored entries. */
async function dataDirWith(rooms: Record<string, Uint8Array[]>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'trellis-corrupt-'));
  dirs.push(dir);
  const store = await LevelDocStore.open(dir);
  for (const [room, entries] of Object.entries(rooms)) {
    for (const entry of entries) await store.append(room, entry);
  }
  await store.close();
  return dir;
}

function whenClosed(client: TestClient): Promise<number> {
  return new Promise((resolve) =>
    client.provider.once('connection-close', (event) => resolve(event?.code ?? -1)),
  );
}

async function metricsText(server: ServerProcess): Promise<string> {
  return (await fetch(`${server.url}/metrics`)).text();
}

describe('[S7] a corrupt stored document costs one room', () => {
  it('[S7] opening an undecodable room closes its sockets with the documented close code; the process and every other room keep serving', async () => {
    const dataDir = await dataDirWith({
      'board.good': [textState('good content')],
      // A single stored entry: the server answers from these bytes without building the document.
      'board.bad': [undecodableBytes(4096, 11)],
      // Several entries: they are merged at load.
      'board.bad2': [textState('first'), undecodableBytes(512, 12)],
    });
    const server = await spawnServer({ DATA_DIR: dataDir });
    started.push(server);

    const good = connectClient(server.wsUrl, 'board.good');
    await whenSynced(good);
    expect(good.text.toString()).toBe('good content');

    for (const room of ['board.bad', 'board.bad2']) {
      // As the Trellis client connects (durable acks), and as the stock provider does.
      const asClients: Array<Record<string, string>> = [{ durable: '1' }, {}];
      for (const params of asClients) {
        const bad = connectClient(server.wsUrl, room, { params });
        const code = await whenClosed(bad);
        bad.destroy();
        expect({ room, params, code }).toEqual({ room, params, code: CloseCode.documentUnreadable });
      }
    }
    expect(server.child.exitCode).toBeNull();

    // The connection opened before keeps working, and new ones too.
    good.text.insert(good.text.length, ', still edited');
    const later = connectClient(server.wsUrl, 'board.good');
    await whenSynced(later);
    await waitUntil(() => later.text.toString() === 'good content, still edited', 'the good room serves');

    const metrics = await metricsText(server);
    expect(metrics).toMatch(/^trellis_documents_damaged_total\{kind="undecodable"\} 4$/m);
    const failures = server.logs
      .map((line) => JSON.parse(line) as { level?: number; room?: string; msg?: string })
      .filter((entry) => entry.msg?.includes('cannot be decoded'));
    expect(new Set(failures.map((entry) => entry.room))).toEqual(new Set(['board.bad', 'board.bad2']));
    expect(failures.every((entry) => entry.level === 50)).toBe(true);
  });

  it('[S7] a room whose document fails to build after it loaded goes out of service alone', async () => {
    const dataDir = await dataDirWith({
      'board.good': [textState('good content')],
      'board.late': [unbuildableUpdate()],
    });
    const server = await spawnServer({ DATA_DIR: dataDir });
    started.push(server);
    const good = connectClient(server.wsUrl, 'board.good');
    await whenSynced(good);

    // A client holding content of its own: its sync step 2 (its content) builds the document. (Its
    // provider logs "Caught error while handling a Yjs update": the stored structs it was sent decode
    // but do not integrate in its copy either.)
    const doc = new Y.Doc();
    doc.getText('t').insert(0, 'local');
    const late = connectClient(server.wsUrl, 'board.late', { doc });
    const code = await whenClosed(late);
    late.destroy();
    expect(code).toBe(CloseCode.documentUnreadable);
    expect(server.child.exitCode).toBeNull();

    good.text.insert(0, '> ');
    const later = connectClient(server.wsUrl, 'board.good');
    await whenSynced(later);
    await waitUntil(() => later.text.toString() === '> good content', 'the good room serves');
    expect(await metricsText(server)).toMatch(/^trellis_documents_damaged_total\{kind="undecodable"\} 1$/m);
  });

  it('[S7] a stored document with pending structs is served, counted, and healed by a client that has what it lacks', async () => {
    // The second half without the first: its structs wait for dependencies the store lacks.
    const { author, secondOnly } = pendingStructsUpdate('first ', 'second');
    const dataDir = await dataDirWith({ 'board.gap': [secondOnly] });
    const server = await spawnServer({ DATA_DIR: dataDir });
    started.push(server);

    const reader = connectClient(server.wsUrl, 'board.gap');
    await whenSynced(reader);
    expect(reader.text.toString()).toBe('');
    const healer = connectClient(server.wsUrl, 'board.gap', { doc: author });
    await whenSynced(healer);
    await waitUntil(() => reader.text.toString() === 'first second', 'the gap is filled');
    expect(await metricsText(server)).toMatch(
      /^trellis_documents_damaged_total\{kind="pending_structs"\} 1$/m,
    );
  });
});
