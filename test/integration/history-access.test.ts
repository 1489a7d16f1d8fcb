/**
 * Who may read a room's history, and what bad requests cost (S13.4, S13.5): the same access as the
 * room, read tokens included; a malformed or refused request never reaches the store, a missing
 * version only reads it, and nothing here loads a room or writes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { DocStore, HistoryLog, HistoryMerge, StoredDoc } from '../../sync-server/core/doc-store';
import { OffsetClock } from '../../sync-server/history/test-clock';
import { LevelDocStore } from '../../sync-server/storage/level-doc-store';
import { waitForAsync, waitUntil } from '../support/wait';
import { TEST_SECRET, token } from './auth-support';
import { cleanup, connectClient, startTestServer, type TestServer, whenSynced } from './support/harness';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

afterEach(cleanup);

/** A LevelDB store that records every call made to it, history included. */
class RecordingStore implements DocStore {
  calls: string[] = [];
  readonly history: HistoryLog;

  constructor(private readonly inner: LevelDocStore) {
    const history = inner.history!;
    this.history = {
      segments: (room) => this.record('history.segments', () => history.segments(room)),
      read: (room, upTo) => this.record('history.read', () => history.read(room, upTo)),
      merge: (room, merges: readonly HistoryMerge[]) =>
        this.record('history.merge', () => history.merge(room, merges)),
    };
  }

  static async open(now: () => number): Promise<RecordingStore> {
    const dir = await mkdtemp(join(tmpdir(), 'trellis-history-'));
    const store = new RecordingStore(await LevelDocStore.open(dir, { now }));
    store.dir = dir;
    return store;
  }

  dir = '';

  load(room: string): Promise<StoredDoc> {
    return this.record('load', () => this.inner.load(room));
  }
  append(room: string, update: Uint8Array): Promise<void> {
    return this.record('append', () => this.inner.append(room, update));
  }
  replace(room: string, state: Uint8Array): Promise<void> {
    return this.record('replace', () => this.inner.replace(room, state));
  }
  delete(room: string): Promise<void> {
    return this.record('delete', () => this.inner.delete(room));
  }
  list() {
    return this.record('list', () => this.inner.list());
  }
  async close(): Promise<void> {
    await this.inner.close();
    await rm(this.dir, { recursive: true, force: true });
  }

  private record<T>(name: string, call: () => Promise<T>): Promise<T> {
    this.calls.push(name);
    return call();
  }
}

function textOf(update: Uint8Array): string {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, update);
  return doc.getText('t').toString();
}

async function status(url: string, init?: RequestInit): Promise<number> {
  const response = await fetch(url, init);
  await response.arrayBuffer();
  return response.status;
}

/** A server whose room `board.A` holds two edits made two hours and one hour ago; nothing loaded. */
async function seeded(config: { authSecret?: string } = {}) {
  const clock = new OffsetClock();
  const store = await RecordingStore.open(() => clock.now());
  const server = await startTestServer({ unloadDelayMs: 0, ...config }, { clock, store });
  const params: Record<string, string> = config.authSecret
    ? { token: await token({ boards: ['A'], role: 'write' }) }
    : {};
  const writer = connectClient(server.wsUrl, 'board.A', { params });
  await whenSynced(writer);
  const stamps: number[] = [];
  for (const [i, text] of ['first;', 'second;'].entries()) {
    clock.offsetMs = -(2 - i) * HOUR;
    stamps.push(Date.now() + clock.offsetMs);
    writer.text.insert(writer.text.length, text);
    await waitForAsync(
      async () => (await store.history.segments('board.A')).length === i + 1,
      `${text} stored`,
    );
  }
  clock.offsetMs = 0;
  writer.destroy();
  await waitUntil(() => server.core.rooms.size === 0, 'the room unloaded');
  store.calls = [];
  return { server, store, clock, stamps, writer };
}

const WRITES = ['append', 'replace', 'delete', 'history.merge', 'load'];

describe('history access', () => {
  it('[S13.4] a read token lists and fetches versions, but its edits never become one; another board’s token gets 403, none 401, before the store is read', async () => {
    const { server, store, stamps } = await seeded({ authSecret: TEST_SECRET });
    const read = await token({ boards: ['A'], role: 'read' });
    const versions = await fetch(`${server.url}/history/board.A?token=${read}`);
    expect(versions.status).toBe(200);
    const listed = ((await versions.json()) as { versions: Array<{ time: number; tier: string }> }).versions;
    expect(listed.map((v) => v.tier)).toEqual(['change', 'change']);
    const older = await fetch(`${server.url}/history/board.A/${listed[1]!.time}`, {
      headers: { authorization: `Bearer ${read}` },
    });
    expect(older.status).toBe(200);
    expect(textOf(new Uint8Array(await older.arrayBuffer()))).toBe('first;');
    expect(listed[1]!.time).toBeGreaterThanOrEqual(stamps[0]!);

    store.calls = [];
    const other = await token({ boards: ['B'], role: 'write' });
    for (const path of ['/history/board.A', `/history/board.A/${listed[0]!.time}`]) {
      expect(await status(`${server.url}${path}?token=${other}`)).toBe(403);
      expect(await status(`${server.url}${path}`)).toBe(401);
      expect(await status(`${server.url}${path}?token=not-a-token`)).toBe(401);
    }
    // There is nothing to write here, whoever asks: restoring a version is an edit.
    const write = await token({ boards: ['A'], role: 'write' });
    for (const method of ['POST', 'PUT', 'DELETE']) {
      expect(
        await status(`${server.url}/history/board.A/${listed[0]!.time}?token=${write}`, { method }),
      ).toBe(405);
    }
    expect(store.calls).toEqual([]);

    // A read-only connection's edit is dropped (never stored), so it never shows in a version.
    const reader = connectClient(server.wsUrl, 'board.A', { params: { token: read } });
    const writer = connectClient(server.wsUrl, 'board.A', { params: { token: write } });
    await Promise.all([whenSynced(reader), whenSynced(writer)]);
    reader.text.insert(0, 'from reader;');
    reader.provider.awareness.setLocalStateField('user', { name: 'reader' });
    // Its frames are handled in order: once its presence arrives, its edit was handled before.
    await waitUntil(
      () => [...writer.provider.awareness.getStates().values()].some((s) => s.user?.name === 'reader'),
      "the writer sees the reader's presence",
    );
    writer.text.insert(writer.text.length, 'third;');
    await waitForAsync(async () => (await store.history.segments('board.A')).length === 3, 'third stored');
    const newest = (await (await fetch(`${server.url}/history/board.A?token=${read}`)).json()) as {
      versions: Array<{ time: number }>;
    };
    for (const version of newest.versions) {
      const response = await fetch(`${server.url}/history/board.A/${version.time}?token=${read}`);
      expect(textOf(new Uint8Array(await response.arrayBuffer()))).not.toContain('from reader');
    }
  });

  it('[S13.5] a malformed request gets 400 and a missing version 404; neither loads a room or writes, and a 400 or a time past the retention reads nothing', async () => {
    const { server, store, stamps } = await seeded();
    const get = (path: string) => status(`${server.url}${path}`);
    for (const path of [
      '/history/bad!room',
      '/history/.hidden',
      '/history/board..A',
      '/history/%E0%A4%A',
      '/history/board.A/abc',
      '/history/board.A/-5',
      '/history/board.A/1e3',
      '/history/board.A/12.5',
      '/history/board.A/99999999999999999',
      '/history/board.A/2026-02-30',
      '/history/board.A/2026-01-01T10:00',
      '/history/board.A/2026-01-01T25:00Z',
      '/history/board.A/',
      `/history/board.A/${stamps[0]}/more`,
    ]) {
      expect(await get(path), path).toBe(400);
    }
    expect(await get(`/history/board.A/${Date.now() - 400 * DAY}`)).toBe(404);
    expect(store.calls).toEqual([]);

    const before = await store.history.segments('board.A');
    const missing = await fetch(`${server.url}/history/board.A/${stamps[0]! - 1}`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: string }).error).toMatch(/^no version at or before/);
    expect(await get(`/history/board.nothing/${Date.now()}`)).toBe(404);
    const unknown = await fetch(`${server.url}/history/board.nothing`);
    expect(await unknown.json()).toMatchObject({ room: 'board.nothing', versions: [] });
    expect(store.calls.filter((call) => WRITES.includes(call))).toEqual([]);
    expect(server.core.rooms.size).toBe(0);
    expect(await store.history.segments('board.A')).toEqual(before);
  });

  it('[S13.5] a server keeping no history lists none and has no version, without touching the store', async () => {
    const server: TestServer = await startTestServer({ historyTiers: 'off' });
    const client = connectClient(server.wsUrl, 'board.off');
    await whenSynced(client);
    client.text.insert(0, 'not kept');
    await waitForAsync(async () => (await server.store.list()).length === 1, 'the edit stored');
    expect(server.store.history).toBeUndefined();
    const listed = await fetch(`${server.url}/history/board.off`);
    expect(await listed.json()).toMatchObject({ retention: 'off', versions: [] });
    expect(await status(`${server.url}/history/board.off/${Date.now()}`)).toBe(404);
  });
});
