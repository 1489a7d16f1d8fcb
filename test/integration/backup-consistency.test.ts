import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { LevelDocStore } from '../../sync-server/storage/level-doc-store';
import { waitUntil } from '../support/wait';
import { cli } from './support/cli';
import { cleanup, connectClient, killOnCleanup, tempDir, whenSynced } from './support/harness';
import { spawnServer } from './support/server-process';

afterEach(cleanup);

const ROUNDS = 5;
const EDITS_PER_ROUND = 120;
/**
 * The lowest allowed: the log is compacted after nearly every write, so compactions keep running
 * beside the appends of the next edits and beside the backups.
 */
const COMPACT_THRESHOLD = 2;

async function restoredDocs(file: string, rooms: string[]): Promise<Map<string, Y.Doc>> {
  const dir = join(await tempDir('trellis-backup-'), 'restored');
  const restored = await cli(['restore', file, '--data-dir', dir]);
  expect(restored).toMatchObject({ code: 0, stderr: `restored ${rooms.length} rooms\n` });
  const store = await LevelDocStore.open(dir);
  try {
    const docs = new Map<string, Y.Doc>();
    for (const room of rooms) {
      const doc = new Y.Doc();
      for (const update of (await store.load(room)).updates) Y.applyUpdate(doc, update);
      docs.set(room, doc);
    }
    return docs;
  } finally {
    await store.close();
  }
}

const editsOf = (text: string) => text.split(';').filter(Boolean);

/** What a document's pending structs wait for (client → clock), or null when nothing is pending. */
const pendingOf = (doc: Y.Doc) => {
  const pending = doc.store.pendingStructs;
  return pending === null ? null : Object.fromEntries(pending.missing);
};

describe('[S10] backup while the server runs', () => {
  it('[S10] a backup taken during steady editing restores every update acknowledged before it began, with no pending structs', async () => {
    const dataDir = await tempDir('trellis-backup-');
    const server = await spawnServer({ DATA_DIR: dataDir, COMPACT_THRESHOLD: String(COMPACT_THRESHOLD) });
    killOnCleanup(server);
    const rooms = ['board.steady', 'board.steady.card.c1'];
    const writers = rooms.map((room) => connectClient(server.wsUrl, room));
    // What an observer has received, the server has stored (S2): that is what it acknowledged.
    const observers = rooms.map((room) => connectClient(server.wsUrl, room));
    await Promise.all([...writers, ...observers].map((client) => whenSynced(client)));

    let written = 0;
    const typing = setInterval(() => {
      for (const writer of writers) writer.text.insert(writer.text.length, `w${written++};`);
    }, 2);
    const files: string[] = [];
    try {
      for (let round = 1; round <= ROUNDS; round++) {
        await waitUntil(
          () => editsOf(observers[0]!.text.toString()).length > round * EDITS_PER_ROUND,
          `round ${round}: the observer received ${round * EDITS_PER_ROUND} edits`,
          30_000,
        );
        const acknowledged = observers.map((observer) => observer.text.toString());
        const writtenBefore = written;
        const file = join(await tempDir('trellis-backup-'), `round-${round}.ndjson`);
        files.push(file);
        // The server holds the data dir: the CLI goes through it.
        const backup = await cli(['backup', file, '--data-dir', dataDir]);
        expect(backup).toMatchObject({
          code: 0,
          stderr: expect.stringContaining(`backup of the server at ${server.url}`),
        });
        expect(written).toBeGreaterThan(writtenBefore); // the edits went on while it ran

        const docs = await restoredDocs(file, rooms);
        for (const [i, room] of rooms.entries()) {
          const doc = docs.get(room)!;
          const text = doc.getText('t').toString();
          const missing = editsOf(acknowledged[i]!).filter((edit) => !text.includes(`${edit};`));
          expect({ round, room, missing, pending: pendingOf(doc) }).toEqual({
            round,
            room,
            missing: [],
            pending: null,
          });
          expect(text.startsWith(acknowledged[i]!)).toBe(true);
        }
      }
    } finally {
      clearInterval(typing);
    }
    expect(server.child.exitCode).toBeNull();
    for (const file of files)
      expect({ file, ...(await cli(['verify', file])) }).toMatchObject({ file, code: 0 });
  });
});
