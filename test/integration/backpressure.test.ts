import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { waitUntil } from '../support/wait';
import { cleanup, connectClient, sameState, startTestServer, whenSynced } from './support/harness';
import { type ServerProcess, spawnServer, stopServer } from './support/server-process';
import {
  LIVE_MEMORY_ENV,
  type LiveMemory,
  openLiveMemory,
  openStalledReader,
  type StalledReader,
} from './support/stalled-reader';

const started: ServerProcess[] = [];
const dirs: string[] = [];
const readers: StalledReader[] = [];
const memories: LiveMemory[] = [];
afterEach(async () => {
  for (const memory of memories.splice(0)) memory.close();
  for (const reader of readers.splice(0)) reader.destroy();
  await cleanup();
  for (const server of started.splice(0)) await stopServer(server, 'SIGKILL');
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const MiB = 1024 * 1024;

async function openReader(port: number, room: string): Promise<StalledReader> {
  const reader = await openStalledReader(port, room);
  readers.push(reader);
  return reader;
}

async function pausesOf(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const match = /^trellis_slow_reader_pauses_total (\d+)/m.exec(text);
  return match ? Number(match[1]) : 0;
}

describe('backpressure', () => {
  it('[S8.1][S8.2] a stalled reader during a 25 MB flood adds less than 8 MB of server RSS and is never dropped', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'trellis-backpressure-'));
    dirs.push(dataDir);
    // The writer sends faster than the default message rate: this test is about the reader.
    const server = await spawnServer({
      DATA_DIR: dataDir,
      MAX_MESSAGES_PER_SECOND: '0',
      ...LIVE_MEMORY_ENV,
    });
    started.push(server);
    const memory = await openLiveMemory(server.pid, () => server.logs.join('\n'));
    memories.push(memory);
    const room = 'room-flood';
    const writer = connectClient(server.wsUrl, room);
    const live = connectClient(server.wsUrl, room);
    await Promise.all([whenSynced(writer), whenSynced(live)]);
    const reader = await openReader(Number(new URL(server.url).port), room);
    await waitUntil(() => sameState(reader.doc, writer.doc) && reader.bytes > 0, 'the reader is synced');

    // Each step replaces one 100 kB value: 25 MB of updates pass through a document that stays
    // small (the server's copy forgets replaced values), so a queue is all that could grow.
    const chunkBytes = 100_000;
    const steps = Math.ceil((25 * MiB) / chunkBytes);
    const blobs = writer.doc.getMap<string>('m');
    /** One flood, paced by the live reader; returns the server's peak memory during it. */
    const flood = async (label: string, count: number): Promise<number> => {
      const deadline = Date.now() + 60_000;
      let peak = 0;
      for (let i = 0; i < count && Date.now() < deadline; i++) {
        const value = `${label}${i};${'x'.repeat(chunkBytes)}`;
        blobs.set('blob', value);
        await waitUntil(() => live.doc.getMap('m').get('blob') === value, `${label} step ${i} arrives`);
        if (i % 10 === 9) {
          peak = Math.max(peak, await memory.read());
        }
      }
      return peak;
    };
    // The server's heap and LevelDB reach their working size while everyone reads. The floods
    // before and after the stalled one, read by all, bracket what a flood costs anyway; the
    // stalled reader's cost is what it adds to that.
    await flood('warm', 2 * steps);
    const normalBefore = await flood('before', steps);
    reader.socket.stall();
    const stalled = await flood('stalled', steps);
    reader.socket.resume();
    await waitUntil(
      () => reader.socket.closeCode !== null || sameState(reader.doc, writer.doc),
      'the reader catches up',
      20_000,
    );
    const normalAfter = await flood('after', steps);
    const added = stalled - Math.max(normalBefore, normalAfter);
    // Soft, so a failure shows both figures: what the reader cost, and whether it was dropped.
    expect.soft(reader.socket.closeCode, 'the stalled reader was dropped').toBeNull();
    expect(
      added,
      `server RSS: ${(stalled / MiB).toFixed(1)} MiB at peak with a stalled reader, ` +
        `${(normalBefore / MiB).toFixed(1)} / ${(normalAfter / MiB).toFixed(1)} MiB without`,
    ).toBeLessThan(8 * MiB);
    await waitUntil(() => sameState(reader.doc, writer.doc), 'the reader keeps up again');
    expect(reader.doc.getMap('m').get('blob')).toBe(blobs.get('blob'));
    expect(await pausesOf(server.url), 'the reader was held back').toBeGreaterThan(0);
    expect(server.logs.filter((line) => line.includes('does not read'))).toEqual([]);
  }, 120_000);

  it('[S8.2] a stalled reader, once it reads again, converges with a document that grew 25 MB while it was held back', async () => {
    const server = await startTestServer({ maxMessagesPerSecond: 0 });
    const room = 'room-growing';
    const writer = connectClient(server.wsUrl, room);
    const live = connectClient(server.wsUrl, room);
    await Promise.all([whenSynced(writer), whenSynced(live)]);
    const reader = await openReader(server.port, room);
    await waitUntil(() => sameState(reader.doc, writer.doc) && reader.bytes > 0, 'the reader is synced');
    const presence = connectClient(server.wsUrl, room);
    await whenSynced(presence);

    reader.socket.stall();
    const chunk = 'y'.repeat(100_000);
    const deadline = Date.now() + 60_000;
    for (let i = 0; i < 250 && Date.now() < deadline; i++) {
      writer.text.insert(writer.text.length, `${i};${chunk}`);
      if (i % 25 === 0) presence.provider.awareness.setLocalStateField('step', i);
      await waitUntil(() => live.text.length === writer.text.length, `edit ${i} arrives`);
    }
    presence.provider.awareness.setLocalStateField('step', 'last');
    await waitUntil(() => server.core.rooms.get(room)?.awareness.getStates().size === 3, 'presence known');

    reader.socket.resume();
    await waitUntil(
      () => reader.socket.closeCode !== null || sameState(reader.doc, writer.doc),
      'the reader catches up',
      30_000,
    );
    expect(reader.socket.closeCode, 'the stalled reader was dropped').toBeNull();
    expect(reader.doc.getText('t').toString()).toBe(writer.text.toString());
    await waitUntil(
      () => reader.awareness.get(presence.doc.clientID)?.step === 'last',
      'the reader has the latest presence',
    );
    // Live again: the next edit arrives as it happens.
    writer.text.insert(0, 'after;');
    await waitUntil(() => reader.doc.getText('t').toString().startsWith('after;'), 'the next edit arrives');
    expect(server.core.connectionCount).toBe(4);
    expect(await pausesOf(server.url), 'the reader was held back').toBeGreaterThan(0);
  }, 120_000);
});
