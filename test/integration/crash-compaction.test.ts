import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { missingStructs } from '../support/updates';
import { seededRandom, waitUntil } from '../support/wait';
import { cleanup, connectClient, killOnCleanup, tempDir, whenSynced } from './support/harness';
import { spawnServer, stopServer } from './support/server-process';

const SEED = 0x5eed_c0de;
const ROUNDS = 4;
/**
 * Compacting every 100 entries, each round crosses the threshold several times, and an entry a
 * compaction wrongly deleted stays missing until the next one.
 */
const COMPACT_THRESHOLD = 100;
/**
 * A large card description makes every compaction take a while (encoding and writing the whole
 * state), so edits keep arriving while one runs, as they do in a long-lived board.
 */
const BULK_CHARS = 1_500_000;
const MAX_EDITS_PER_ROUND = 1_500;
const ROOM = 'board.crash';

afterEach(cleanup);

describe('crash safety of the update log', () => {
  it(`[S2.1][S3.2] kill -9 at seeded random moments while the log compacts loses nothing an observer received (seed ${SEED})`, async () => {
    const random = seededRandom(SEED);
    const dataDir = await tempDir('trellis-crash-');
    let totalEdits = 0;

    for (let round = 0; round < ROUNDS; round++) {
      // Odd rounds write each batch at the end of its event-loop turn, even ones use the window.
      const env = {
        DATA_DIR: dataDir,
        COMPACT_THRESHOLD: String(COMPACT_THRESHOLD),
        BATCH_WINDOW_MS: round % 2 === 0 ? '5' : '0',
      };
      const server = await spawnServer(env);
      killOnCleanup(server);
      const writer = connectClient(server.wsUrl, ROOM);
      const observer = connectClient(server.wsUrl, ROOM);
      await Promise.all([whenSynced(writer), whenSynced(observer)]);
      if (round === 0) writer.doc.getText('bulk').insert(0, 'x'.repeat(BULK_CHARS));
      let received = 0;
      observer.doc.on('update', (_u: Uint8Array, origin: unknown) => {
        if (origin === observer.provider) received++;
      });

      // Kill once the observer has received a seeded number of updates.
      const killAfter = 300 + Math.floor(random() * 900);
      let edits = 0;
      let stopped = false;
      const typing = (async () => {
        while (!stopped && edits < MAX_EDITS_PER_ROUND) {
          writer.text.insert(writer.text.length, `r${round}e${edits++};`);
          await new Promise((resolve) => setTimeout(resolve, 1 + Math.floor(random() * 3)));
        }
      })();
      await waitUntil(
        () => received >= killAfter || edits >= MAX_EDITS_PER_ROUND,
        `the observer received ${killAfter} updates in round ${round}`,
        30_000,
      );
      process.kill(server.pid, 'SIGKILL');
      const seen = Y.encodeStateAsUpdate(observer.doc);
      const seenEdits = observer.text.toString().split(';').filter(Boolean).length;
      stopped = true;
      await typing;
      await server.exited;
      writer.destroy();
      observer.destroy();
      totalEdits += edits;

      const restarted = await spawnServer(env);
      killOnCleanup(restarted);
      const fresh = connectClient(restarted.wsUrl, ROOM);
      await whenSynced(fresh);
      const restored = fresh.text.toString().split(';').filter(Boolean).length;
      expect(
        { round, pending: fresh.doc.store.pendingStructs !== null, missing: missingStructs(fresh.doc, seen) },
        `round ${round}: ${restored} edits restored, the observer had seen ${seenEdits}`,
      ).toEqual({ round, pending: false, missing: 0 });
      fresh.destroy();
      await stopServer(restarted, 'SIGKILL');
    }
    expect(totalEdits).toBeGreaterThan(2_000);
  }, 180_000);
});
