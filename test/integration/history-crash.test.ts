import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { missingStructs } from '../support/updates';
import { seededRandom, waitUntil } from '../support/wait';
import { cleanup, connectClient, killOnCleanup, tempDir, whenSynced } from './support/harness';
import { spawnServer, stopServer } from './support/server-process';

const SEED = 0x4157_0e1;
const ROUNDS = 3;
const COMPACT_THRESHOLD = 40;
const MAX_EDITS_PER_ROUND = 800;
const ROOM = 'board.crash-history';

afterEach(cleanup);

function docOf(update: Uint8Array): Y.Doc {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, update);
  return doc;
}

describe('crash safety of the history', () => {
  it(`[S13.1][S3.2] kill -9 while compactions move entries into the history: the newest version is the document, each earlier one a part of it (seed ${SEED})`, async () => {
    const random = seededRandom(SEED);
    const dataDir = await tempDir('trellis-history-crash-');
    const env = { DATA_DIR: dataDir, COMPACT_THRESHOLD: String(COMPACT_THRESHOLD), STATIC_DIR: 'none' };
    for (let round = 0; round < ROUNDS; round++) {
      const server = await spawnServer(env);
      killOnCleanup(server);
      const writer = connectClient(server.wsUrl, ROOM);
      await whenSynced(writer);
      if (round === 0) writer.doc.getText('bulk').insert(0, 'x'.repeat(200_000));
      const killAfter = 150 + Math.floor(random() * 400);
      let edits = 0;
      let stopped = false;
      const typing = (async () => {
        while (!stopped && edits < MAX_EDITS_PER_ROUND) {
          writer.text.insert(writer.text.length, `r${round}e${edits++};`);
          await new Promise((resolve) => setTimeout(resolve, 1 + Math.floor(random() * 3)));
        }
      })();
      await waitUntil(() => edits >= killAfter, `${killAfter} edits typed in round ${round}`, 30_000);
      process.kill(server.pid, 'SIGKILL');
      stopped = true;
      await typing;
      await server.exited;
      writer.destroy();

      const restarted = await spawnServer(env);
      killOnCleanup(restarted);
      const fresh = connectClient(restarted.wsUrl, ROOM);
      await whenSynced(fresh);
      const live = Y.encodeStateAsUpdate(fresh.doc);
      const versions = (
        (await (await fetch(`${restarted.url}/history/${ROOM}`)).json()) as {
          versions: Array<{ time: number }>;
        }
      ).versions;
      expect(versions.length).toBeGreaterThan(round);
      const newest = new Uint8Array(
        await (await fetch(`${restarted.url}/history/${ROOM}/${versions[0]!.time}`)).arrayBuffer(),
      );
      const newestDoc = docOf(newest);
      expect({
        round,
        text: newestDoc.getText('t').toString() === fresh.text.toString(),
        missingFromVersion: missingStructs(newestDoc, live),
        missingFromDocument: missingStructs(fresh.doc, newest),
        pending: newestDoc.store.pendingStructs !== null,
      }).toEqual({ round, text: true, missingFromVersion: 0, missingFromDocument: 0, pending: false });
      // An earlier version: a part of the document, without holes (every edit up to its last).
      const older = versions[Math.floor(versions.length / 2)]!;
      const olderDoc = docOf(
        new Uint8Array(await (await fetch(`${restarted.url}/history/${ROOM}/${older.time}`)).arrayBuffer()),
      );
      expect(olderDoc.store.pendingStructs).toBeNull();
      expect(fresh.text.toString().startsWith(olderDoc.getText('t').toString())).toBe(true);
      fresh.destroy();
      await stopServer(restarted, 'SIGKILL');
    }
  }, 120_000);
});
