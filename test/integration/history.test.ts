/**
 * Document history through a real server (S13): stock y-websocket clients edit while the server's
 * clock is moved (an OffsetClock, as TRELLIS_CLOCK_OFFSET_MS gives an e2e run), and versions are
 * listed and fetched over HTTP as a browser would.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readAdminCredential } from '../../sync-server/admin/local-files';
import type { DocStore, HistoryLog } from '../../sync-server/core/doc-store';
import { OffsetClock } from '../../sync-server/history/test-clock';
import { waitForAsync } from '../support/wait';
import {
  cleanup,
  connectClient,
  startTestServer,
  type TestClient,
  type TestServer,
  whenSynced,
} from './support/harness';
import { DAY, fetchVersion, HOUR, type Listed, list, MINUTE, textOf } from './support/history';

afterEach(cleanup);

function historyOf(store: DocStore): HistoryLog {
  if (!store.history) throw new Error('the store keeps no history');
  return store.history;
}

/** A server on a movable clock, and one client synced to `room` on it. */
async function editing(room: string, config: Parameters<typeof startTestServer>[0] = {}) {
  const clock = new OffsetClock();
  const server = await startTestServer(config, { clock });
  const client = connectClient(server.wsUrl, room);
  await whenSynced(client);
  return { clock, server, client };
}

/** Types `text` at the end with the server's clock at `time`, and waits until the store has it. */
async function typeAt(
  server: TestServer,
  clock: OffsetClock,
  client: TestClient,
  room: string,
  time: number,
  text: string,
): Promise<{ time: number; text: string }> {
  clock.offsetMs = time - Date.now();
  const before = (await historyOf(server.store).segments(room)).length;
  client.text.insert(client.text.length, text);
  await waitForAsync(
    async () => (await historyOf(server.store).segments(room)).length > before,
    `"${text}" stored`,
  );
  return { time, text: client.text.toString() };
}

/** The edit a listed version is: stamped a few milliseconds after the clock was set for it. */
function editOf(version: Listed, edits: ReadonlyArray<{ time: number; text: string }>) {
  const edit = edits.find((e) => version.time >= e.time && version.time < e.time + 5_000);
  if (!edit) throw new Error(`version ${new Date(version.time).toISOString()} is no edit's`);
  return edit;
}

describe('history through a real server', () => {
  it('[S13.2] versions are kept per tier (every change for a day, the last of each hour for 30 days, of each day for a year) and thinned as they age', async () => {
    const room = 'board.tiers';
    const { clock, server, client } = await editing(room);
    const now = Date.now();
    const dayStart = (daysAgo: number) => Math.floor((now - daysAgo * DAY) / DAY) * DAY;
    const hourStart = Math.floor((now - 3 * HOUR) / HOUR) * HOUR;
    const edits: Array<{ time: number; text: string }> = [];
    const at = async (time: number, text: string) => {
      edits.push(await typeAt(server, clock, client, room, time, text));
    };
    await at(dayStart(400) + 12 * HOUR, 'expired;');
    await at(dayStart(200) + 10 * HOUR, 'day-a;');
    await at(dayStart(200) + 14 * HOUR, 'day-b;');
    await at(dayStart(10) + 9 * HOUR + 5 * MINUTE, 'hour-a;');
    await at(dayStart(10) + 9 * HOUR + 40 * MINUTE, 'hour-b;');
    await at(dayStart(10) + 10 * HOUR + 10 * MINUTE, 'hour-c;');
    await at(hourStart + 10 * MINUTE, 'change-a;');
    await at(hourStart + 11 * MINUTE, 'change-b;');
    await at(hourStart + 12 * MINUTE, 'change-c;');
    clock.offsetMs = 0;

    const expectVersions = async (expected: Array<[string, string]>) => {
      const versions = await list(server, room);
      expect(versions.map((v) => [editOf(v, edits).text.split(';').at(-2), v.tier])).toEqual(expected);
      // Each version is the document as it was right after that edit, older content included.
      for (const version of versions) {
        expect(textOf(await fetchVersion(server, room, version.time))).toBe(editOf(version, edits).text);
      }
      return versions;
    };
    const listed = await expectVersions([
      ['change-c', 'change'],
      ['change-b', 'change'],
      ['change-a', 'change'],
      ['hour-c', '1h'],
      ['hour-b', '1h'],
      ['day-b', '1d'],
    ]);
    const segments = async () => (await historyOf(server.store).segments(room)).length;
    expect(await segments()).toBe(9);
    // The live log's entries merge once a compaction has moved them into the history range.
    expect(await server.history.thinAll()).toBe(0);
    const compacted = await fetch(`${server.url}/admin/compact?room=${room}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await readAdminCredential(server.dataDir)}` },
    });
    expect(compacted.status).toBe(200);
    expect(await segments()).toBe(9);
    // Thinning merges what the listing already hides: the same versions, with the same content.
    expect(await server.history.thinAll()).toBe(2);
    expect(await segments()).toBe(7);
    expect(await list(server, room)).toEqual(
      listed.map((v) => ({ ...v, size: expect.any(Number) as unknown as number })),
    );
    await expectVersions([
      ['change-c', 'change'],
      ['change-b', 'change'],
      ['change-a', 'change'],
      ['hour-c', '1h'],
      ['hour-b', '1h'],
      ['day-b', '1d'],
    ]);

    // Two days on, the last changes are a day old: one version for their hour.
    clock.offsetMs = 2 * DAY;
    await expectVersions([
      ['change-c', '1h'],
      ['hour-c', '1h'],
      ['hour-b', '1h'],
      ['day-b', '1d'],
    ]);
    expect(await server.history.thinAll()).toBe(2);
    expect(await segments()).toBe(5);
    // 27 days on, the hourly versions of ten days ago are past 30 days: one version for their day.
    clock.offsetMs = 27 * DAY;
    await expectVersions([
      ['change-c', '1h'],
      ['hour-c', '1d'],
      ['day-b', '1d'],
    ]);
    expect(await server.history.thinAll()).toBe(1);
    expect(await segments()).toBe(4);
    // The expired first edit stays in the base every later version is rebuilt from.
    expect(textOf(await fetchVersion(server, room, Date.now() + clock.offsetMs))).toBe(edits.at(-1)!.text);
  });

  it('[S13.3] a version is rebuilt identically after compaction and after a restart, and with the same content after thinning', async () => {
    const room = 'board.rebuilt';
    const { clock, server, client } = await editing(room, { compactThreshold: 4 });
    const start = Date.now() - 2 * DAY;
    const edits: Array<{ time: number; text: string }> = [];
    for (let i = 0; i < 10; i++) {
      edits.push(await typeAt(server, clock, client, room, start + i * 7 * MINUTE, `edit ${i};`));
    }
    clock.offsetMs = 0;
    const versions = await list(server, room);
    // A day old: the last per hour (minutes 0–63 hold edits 0–9 in two or three hours).
    expect(versions.every((v) => v.tier === '1h')).toBe(true);
    const before = new Map<number, Uint8Array>();
    for (const version of versions) before.set(version.time, await fetchVersion(server, room, version.time));
    // The live log was compacted on the way (threshold 4): the history kept every update.
    await server.core.rooms.get(room)!.writes.whenDrained();
    expect((await server.store.list()).find((r) => r.room === room)!.entries).toBeLessThan(4);

    const credential = await readAdminCredential(server.dataDir);
    const compacted = await fetch(`${server.url}/admin/compact?room=${room}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${credential}` },
    });
    expect(compacted.status).toBe(200);
    expect((await server.store.list()).find((r) => r.room === room)!.entries).toBe(1);
    for (const [time, bytes] of before) expect(await fetchVersion(server, room, time)).toEqual(bytes);

    client.destroy();
    await server.close();
    const again = await startTestServer({ dataDir: server.dataDir }, { clock });
    expect(await list(again, room)).toEqual(versions);
    for (const [time, bytes] of before) expect(await fetchVersion(again, room, time)).toEqual(bytes);

    expect(await again.history.thinAll()).toBeGreaterThan(0);
    expect(await list(again, room)).toEqual(versions.map((v) => ({ ...v, size: expect.any(Number) })));
    for (const version of versions) {
      expect(textOf(await fetchVersion(again, room, version.time))).toBe(editOf(version, edits).text);
    }
    // A time between versions resolves to the newest version at or before it.
    const [newest, older] = versions;
    const between = await fetch(`${again.url}/history/${room}/${newest!.time - 1}`);
    expect(between.headers.get('x-trellis-version')).toBe(String(older!.time));
    // The JSON form carries the same update.
    const asJson = (await (
      await fetch(`${again.url}/history/${room}/${newest!.time}?format=json`)
    ).json()) as {
      time: number;
      update: string;
    };
    expect(asJson.time).toBe(newest!.time);
    expect(textOf(Buffer.from(asJson.update, 'base64'))).toBe(edits.at(-1)!.text);
  });

  it('[S13.2] an ISO 8601 time finds the version at or before it', async () => {
    const room = 'board.iso';
    const { clock, server, client } = await editing(room);
    const hour = Math.floor((Date.now() - 5 * HOUR) / HOUR) * HOUR;
    await typeAt(server, clock, client, room, hour + MINUTE, 'first;');
    await typeAt(server, clock, client, room, hour + 2 * HOUR, 'second;');
    clock.offsetMs = 0;
    const iso = new Date(hour + HOUR).toISOString();
    expect(textOf(await fetchVersion(server, room, iso))).toBe('first;');
    expect(textOf(await fetchVersion(server, room, iso.replace('Z', '+00:00')))).toBe('first;');
  });
});
