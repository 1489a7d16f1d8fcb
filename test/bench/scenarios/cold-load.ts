/**
 * Cold load: one client sends a history of `updates` small updates through the server's protocol
 * (batches, each confirmed by a sync step 1 → step 2 round trip, as fast as the server accepts
 * them), the server is stopped once it went quiet and its data dir copied. Each run starts a
 * server on a fresh copy of that dir and times a fresh client until its document holds the whole
 * history (step 2 plus any updates the server sends after it: the reference server may sync before
 * LevelDB has loaded, y-websocket #81). Prepared once per server; each run is one cold start.
 */
import { cpSync } from 'node:fs';
import * as Y from 'yjs';
import { smallUpdateHistory } from '../content';
import { nowEpochMs } from '../markers';
import { diskBytes, readMemory, sleep, waitForQuiet } from '../proc';
import { BenchClient } from '../protocol-client';
import { type RunningServer, type ServerKind, startServer } from '../servers';
import { type Metrics, removeDir, type Scenario, tempDir } from './common';

const BATCH_SIZE = 500;
const BATCH_TIMEOUT_MS = 120_000;
const SYNC_TIMEOUT_MS = 60_000;

interface Prepared {
  snapshotDir: string;
  buildMs: number;
  diskBytes: number;
  /** Expected state of the loaded document. */
  clientId: number;
  clock: number;
  notes: string;
}

let history: { updates: Uint8Array[]; doc: Y.Doc } | null = null;

function stateOf(doc: Y.Doc, clientId: number): number {
  return Y.decodeStateVector(Y.encodeStateVector(doc)).get(clientId) ?? 0;
}

async function build(kind: ServerKind, updates: number): Promise<Prepared> {
  history ??= smallUpdateHistory(updates);
  const { doc } = history;
  const dataDir = tempDir(`${kind}-cold-build`);
  let server: RunningServer | null = null;
  let client: BenchClient | null = null;
  try {
    // One client sends the whole history as fast as the server takes it: lift our per-connection
    // message rate limit (abuse protection) for the build only; the timed cold starts use defaults.
    server = await startServer(kind, dataDir, { MAX_MESSAGES_PER_SECOND: '0' });
    client = new BenchClient({ url: `${server.wsUrl}/cold`, id: 0, mode: 'yjs', awareness: false });
    await client.whenOpen();
    await client.whenSynced(SYNC_TIMEOUT_MS);
    const started = performance.now();
    const all = history.updates;
    for (let i = 0; i < all.length; i += BATCH_SIZE) {
      for (const update of all.slice(i, i + BATCH_SIZE)) client.sendUpdate(update);
      await client.probe(BATCH_TIMEOUT_MS);
    }
    const buildMs = performance.now() - started;
    client.close();
    client = null;
    // Let it finish writing (the reference server stores each update asynchronously).
    await waitForQuiet(server.pid, { quietMs: 1000, maxCpuMsPerS: 20, timeoutMs: 180_000 });
    await server.stop();
    server = null;
    const snapshotDir = tempDir(`${kind}-cold-snapshot`);
    cpSync(dataDir, snapshotDir, { recursive: true });
    return {
      snapshotDir,
      buildMs,
      diskBytes: diskBytes(snapshotDir),
      clientId: doc.clientID,
      clock: stateOf(doc, doc.clientID),
      notes: doc.getText('notes').toString(),
    };
  } finally {
    client?.terminate();
    if (server) await server.stop();
    removeDir(dataDir);
  }
}

export function coldLoadScenario(updates: number): Scenario {
  return {
    name: 'cold-load',
    description: `a ${updates.toLocaleString('en')}-update history, server restarted, one fresh client syncs`,
    notApplicable: ['raw'],
    metrics: [
      { key: 'fullReceivedMs', label: 'full content received', unit: 'ms' },
      { key: 'syncMs', label: 'fresh client fully synced (incl. its apply)', unit: 'ms' },
      { key: 'openMs', label: 'websocket open', unit: 'ms' },
      { key: 'firstMessageMs', label: 'first message from server', unit: 'ms' },
      { key: 'firstStep2Ms', label: 'first sync step 2', unit: 'ms' },
      { key: 'startupMs', label: 'server start → healthy', unit: 'ms' },
      { key: 'diskBytes', label: 'data dir on disk (du -sb)', unit: 'B' },
      { key: 'stateBytes', label: 'encoded state size', unit: 'B' },
      { key: 'diskRatio', label: 'disk ÷ encoded state', unit: 'x' },
      { key: 'diskAfterLoad', label: 'data dir after the load', unit: 'B' },
      { key: 'buildUpdatesPerS', label: 'history build: updates accepted', unit: '/s' },
      { key: 'contentOk', label: 'loaded content matches', unit: '%' },
      { key: 'peakRss', label: 'server peak RSS', unit: 'B' },
    ],
    prepare: (kind) => build(kind, updates),
    cleanup: async (prepared) => removeDir((prepared as Prepared).snapshotDir),
    run: async (kind, _settings, _runIndex, preparedState) => {
      const prepared = preparedState as Prepared;
      const dataDir = tempDir(`${kind}-cold-run`);
      cpSync(prepared.snapshotDir, dataDir, { recursive: true });
      let server: RunningServer | null = null;
      let client: BenchClient | null = null;
      try {
        server = await startServer(kind, dataDir);
        let fullAt = Number.NaN;
        let fullReceivedAt = Number.NaN;
        const started = nowEpochMs();
        const fresh = new BenchClient({
          url: `${server.wsUrl}/cold`,
          id: 1,
          mode: 'yjs',
          awareness: false,
          applyRemote: true,
        });
        client = fresh;
        const whenFull = new Promise<void>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error('cold load: not fully synced in time')),
            SYNC_TIMEOUT_MS,
          );
          fresh.doc.on('update', () => {
            if (Number.isNaN(fullAt) && stateOf(fresh.doc, prepared.clientId) >= prepared.clock) {
              fullAt = nowEpochMs();
              // The frame that completed the document arrived before the client applied it.
              fullReceivedAt = fresh.lastMessageAtMs;
              clearTimeout(timer);
              resolve();
            }
          });
        });
        let ok = true;
        await whenFull.catch(() => {
          ok = false;
        });
        await fresh.whenSynced(1000).catch(() => {});
        const stateBytes = Y.encodeStateAsUpdate(fresh.doc).length;
        const contentOk = ok && fresh.doc.getText('notes').toString() === prepared.notes;
        fresh.close();
        client = null;
        await sleep(500);
        const metrics: Metrics = {
          syncMs: ok ? fullAt - started : Number.NaN,
          fullReceivedMs: ok ? fullReceivedAt - started : Number.NaN,
          openMs: fresh.openedAtMs - started,
          firstMessageMs: fresh.firstMessageAtMs - started,
          firstStep2Ms: fresh.syncedAtMs - started,
          startupMs: server.startupMs,
          diskBytes: prepared.diskBytes,
          stateBytes,
          diskRatio: prepared.diskBytes / stateBytes,
          diskAfterLoad: diskBytes(dataDir),
          buildUpdatesPerS: (updates * 1000) / prepared.buildMs,
          contentOk: contentOk ? 100 : 0,
          peakRss: readMemory(server.pid).hwmBytes,
        };
        return metrics;
      } finally {
        client?.terminate();
        if (server) await server.stop();
        removeDir(dataDir);
      }
    },
  };
}
