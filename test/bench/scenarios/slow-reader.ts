/**
 * Slow reader: how much server memory one client that stops reading costs during a flood of
 * updates, and whether it is caught up once it reads again. A writer replaces one 100 kB value
 * `floodBytes / 100 kB` times (the document stays small: only a queue could grow), paced by a live
 * reader; a third client, on a bare TCP socket, stops reading for one flood. Live memory (RssAnon
 * after a full collection through the server's inspector, see stalled-reader.ts) is sampled every
 * ten steps; the stalled reader's cost is the peak of its flood minus the larger peak of the floods
 * before and after it, which everyone read. The raw relay is not measured: it has no document to
 * catch a reader up from.
 */
import type * as Y from 'yjs';
import {
  LIVE_MEMORY_ENV,
  type LiveMemory,
  openLiveMemory,
  openStalledReader,
  type StalledReader,
} from '../../integration/support/stalled-reader';
import { waitUntil } from '../../support/wait';
import { BenchClient } from '../protocol-client';
import { type RunningServer, startServer } from '../servers';
import { debugPhase, type Metrics, removeDir, type Scenario, tempDir } from './common';

const CHUNK_BYTES = 100_000;
const ROOM = 'slow-reader';
const STEP_TIMEOUT_MS = 10_000;
const FLOOD_DEADLINE_MS = 120_000;
const CATCH_UP_TIMEOUT_MS = 60_000;
const SAMPLE_EVERY_STEPS = 10;

/** Whether `a` holds the value the writer set last. */
function sameBlob(a: Y.Doc, b: Y.Doc): boolean {
  const blob = a.getMap('m').get('blob');
  return blob !== undefined && blob === b.getMap('m').get('blob');
}

export function slowReaderScenario(floodBytes: number): Scenario {
  const steps = Math.ceil(floodBytes / CHUNK_BYTES);
  const floodMiB = Math.round(floodBytes / (1024 * 1024));
  return {
    name: 'slow-reader',
    description: `server memory added by one reader that stops reading during a ${floodMiB} MiB flood of updates, and its catch-up`,
    notApplicable: ['raw'],
    metrics: [
      { key: 'perStalledReader', label: 'live memory added by one stalled reader', unit: 'B' },
      { key: 'liveStalled', label: 'live memory at peak, one reader stalled', unit: 'B' },
      { key: 'liveReading', label: 'live memory at peak, all reading', unit: 'B' },
      { key: 'catchUpMs', label: 'stalled reader level again after it reads', unit: 'ms' },
      { key: 'dropped', label: 'stalled readers the server dropped', unit: 'count' },
    ],
    run: async (kind) => {
      const dataDir = tempDir(`${kind}-slow-reader`);
      let server: RunningServer | null = null;
      let memory: LiveMemory | null = null;
      let reader: StalledReader | null = null;
      const clients: BenchClient[] = [];
      try {
        // The writer sends faster than our default per-connection message rate (abuse protection).
        server = await startServer(kind, dataDir, { ...LIVE_MEMORY_ENV, MAX_MESSAGES_PER_SECOND: '0' });
        const running = server;
        memory = await openLiveMemory(running.pid, () => running.logTail());
        const url = `${running.wsUrl}/${ROOM}`;
        const writer = new BenchClient({ url, id: 0, mode: 'yjs', awareness: false });
        const live = new BenchClient({ url, id: 1, mode: 'yjs', awareness: false, applyRemote: true });
        clients.push(writer, live);
        await Promise.all(clients.map((c) => c.whenSynced(STEP_TIMEOUT_MS)));
        const stalled = await openStalledReader(running.port, ROOM);
        reader = stalled;
        await waitUntil(() => stalled.bytes > 0, 'the stalled reader is answered', STEP_TIMEOUT_MS);

        const blobs = writer.doc.getMap<string>('m');
        const sampler = memory;
        const flood = async (label: string, count: number): Promise<number> => {
          const deadline = Date.now() + FLOOD_DEADLINE_MS;
          let peak = 0;
          for (let i = 0; i < count; i++) {
            if (Date.now() > deadline) throw new Error(`${label} flood: not done in ${FLOOD_DEADLINE_MS} ms`);
            const value = `${label}${i};${'x'.repeat(CHUNK_BYTES)}`;
            blobs.set('blob', value);
            await waitUntil(
              () => live.doc.getMap('m').get('blob') === value,
              `${label} step ${i} reaches the live reader`,
              STEP_TIMEOUT_MS,
            );
            if (i % SAMPLE_EVERY_STEPS === SAMPLE_EVERY_STEPS - 1)
              peak = Math.max(peak, await sampler.read());
          }
          return peak;
        };
        await flood('warm', 2 * steps);
        debugPhase(`${kind}: warmed up`);
        const before = await flood('before', steps);
        stalled.socket.stall();
        const whileStalled = await flood('stalled', steps);
        debugPhase(`${kind}: stalled flood done`);
        const resumedAt = performance.now();
        stalled.socket.resume();
        await waitUntil(
          () => stalled.socket.closeCode !== null || sameBlob(stalled.doc, writer.doc),
          'the stalled reader catches up (or is dropped)',
          CATCH_UP_TIMEOUT_MS,
        );
        const dropped = stalled.socket.closeCode !== null;
        const catchUpMs = dropped ? Number.NaN : performance.now() - resumedAt;
        const after = await flood('after', steps);
        const reading = Math.max(before, after);
        const metrics: Metrics = {
          perStalledReader: whileStalled - reading,
          liveStalled: whileStalled,
          liveReading: reading,
          catchUpMs,
          dropped: dropped ? 1 : 0,
        };
        return metrics;
      } finally {
        for (const client of clients) client.terminate();
        reader?.destroy();
        memory?.close();
        if (server) await server.stop();
        removeDir(dataDir);
      }
    },
  };
}
