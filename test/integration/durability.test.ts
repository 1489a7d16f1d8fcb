import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { waitUntil } from '../support/wait';
import { cleanup, connectClient, killOnCleanup, tempDir, whenSynced } from './support/harness';
import { spawnServer } from './support/server-process';

afterEach(cleanup);

/** The append journal's file size before it starts a new file (append-journal.ts). */
const JOURNAL_FILE_BYTES = 8 * 1024 * 1024;
const CHUNK = 'x'.repeat(64 * 1024);
/** Enough chunks to fill the first journal file twice; the server's document cap is 32 MiB. */
const MAX_CHUNKS = Math.ceil((2.5 * JOURNAL_FILE_BYTES) / CHUNK.length);

function chunkIds(text: string): string[] {
  return text
    .split(';')
    .filter(Boolean)
    .map((chunk) => chunk.slice(0, chunk.indexOf(':')));
}

describe('durability of the server process', () => {
  it('[S2.1] kill -9 mid-edit loses nothing any client had received', async () => {
    const dataDir = await tempDir('trellis-durable-');
    const first = await spawnServer({ DATA_DIR: dataDir });
    killOnCleanup(first);
    const writer = connectClient(first.wsUrl, 'room-kill');
    const observer = connectClient(first.wsUrl, 'room-kill');
    await Promise.all([whenSynced(writer), whenSynced(observer)]);

    // The writer keeps typing; once the observer has received 300 edits we kill the server at once,
    // with more edits in flight.
    let written = 0;
    const typing = setInterval(() => {
      for (let i = 0; i < 10; i++) writer.text.insert(writer.text.length, `w${written++};`);
    }, 2);
    await waitUntil(
      () => observer.text.toString().split(';').length > 300,
      'the observer received 300 edits',
    );
    const seen = observer.text.toString();
    process.kill(first.pid, 'SIGKILL');
    clearInterval(typing);
    await first.exited;
    writer.provider.disconnect();
    observer.provider.disconnect();

    const second = await spawnServer({ DATA_DIR: dataDir });
    killOnCleanup(second);
    const fresh = connectClient(second.wsUrl, 'room-kill');
    await whenSynced(fresh);
    const restored = fresh.text.toString();
    const seenEdits = seen.split(';').filter(Boolean);
    const missing = seenEdits.filter((edit) => !restored.includes(`${edit};`));
    expect(missing).toEqual([]);
    expect(restored.startsWith(seen)).toBe(true);
  });

  it('[S2.1] a clean restart (SIGTERM) keeps every edit the server had received and exits 0', async () => {
    const dataDir = await tempDir('trellis-durable-');
    const first = await spawnServer({ DATA_DIR: dataDir });
    killOnCleanup(first);
    const a = connectClient(first.wsUrl, 'room-restart');
    const observer = connectClient(first.wsUrl, 'room-restart');
    await Promise.all([whenSynced(a), whenSynced(observer)]);
    for (let i = 0; i < 50; i++) a.text.insert(a.text.length, `x${i};`);
    // Received by the server: it sent them on. (Frames still in flight when it stops are the client's
    // to send again when it reconnects; this client does not.)
    await waitUntil(
      () => observer.text.toString() === a.text.toString(),
      'the observer received all 50 edits',
    );
    observer.provider.disconnect();
    const closed = new Promise<number>((resolve) =>
      a.provider.once('connection-close', (event) => resolve(event?.code ?? -1)),
    );
    process.kill(first.pid, 'SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null });
    expect(await closed).toBe(1001);
    a.provider.disconnect();

    const second = await spawnServer({ DATA_DIR: dataDir });
    killOnCleanup(second);
    const fresh = connectClient(second.wsUrl, 'room-restart');
    await whenSynced(fresh);
    expect(fresh.text.toString().split(';').filter(Boolean)).toHaveLength(50);
  });

  it('[S2.1][S2.3] kill -9 after the append journal rotated past its 8 MiB file loses nothing any client had received', async () => {
    const dataDir = await tempDir('trellis-durable-');
    const journalDir = join(dataDir, 'journal');
    const first = await spawnServer({ DATA_DIR: dataDir });
    killOnCleanup(first);
    const writer = connectClient(first.wsUrl, 'room-rotate');
    const observer = connectClient(first.wsUrl, 'room-rotate');
    await Promise.all([whenSynced(writer), whenSynced(observer)]);
    const [firstFile] = readdirSync(journalDir);
    expect(firstFile).toBeDefined();

    // 64 KiB per edit, paced under the per-connection message rate.
    let written = 0;
    const typing = setInterval(() => {
      if (written < MAX_CHUNKS) writer.text.insert(writer.text.length, `c${written++}:${CHUNK};`);
    }, 15);
    await waitUntil(
      () => !readdirSync(journalDir).includes(firstFile as string),
      'the first journal file was full, rotated and removed once LevelDB held its records',
      30_000,
    );
    // Keep going into the next file, then kill with edits in flight.
    expect(written * CHUNK.length).toBeGreaterThanOrEqual(JOURNAL_FILE_BYTES);
    const atRotation = chunkIds(observer.text.toString()).length;
    await waitUntil(
      () => chunkIds(observer.text.toString()).length >= atRotation + 20,
      'the observer received 20 more edits after the rotation',
      30_000,
    );
    const seen = chunkIds(observer.text.toString());
    process.kill(first.pid, 'SIGKILL');
    clearInterval(typing);
    await first.exited;
    writer.destroy();
    observer.destroy();

    const second = await spawnServer({ DATA_DIR: dataDir });
    killOnCleanup(second);
    const fresh = connectClient(second.wsUrl, 'room-rotate');
    await whenSynced(fresh);
    const restored = chunkIds(fresh.text.toString());
    expect(seen.filter((id) => !restored.includes(id))).toEqual([]);
    expect(restored.slice(0, seen.length)).toEqual(seen);
    // What the journal held is in LevelDB now: the restart keeps only its new, empty file.
    expect(readdirSync(journalDir)).toHaveLength(1);
  }, 90_000);
});
