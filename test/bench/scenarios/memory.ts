/**
 * Memory: server RSS before and after `count` idle connections (20 boards, each connection with an
 * awareness state, synced, then idle), and, on a fresh server, before and after `count` loaded idle
 * documents (one small board each, held open by one idle connection each). The per-document
 * figure subtracts the per-connection one. RSS is read once the server has gone quiet.
 */
import type { GeneratorHandle } from '../generators';
import type { ClientSpec } from '../messages';
import { diskBytes, readMemory, waitForQuiet } from '../proc';
import type { RunningServer, ServerKind } from '../servers';
import type { Metrics, Scenario } from './common';
import { connectAll, debugPhase, withServer } from './common';

const CONCURRENCY_PER_GENERATOR = 25;
const CONNECT_TIMEOUT_MS = 60_000;
const CARDS_PER_DOC = 10;
/**
 * The idle connections are spread over this many boards: on one board every join would fan its
 * awareness out to all earlier clients (O(n²) frames: 500,000 for 1,000 clients), which measures
 * the join, not the idle connection. 20 empty boards add a negligible per-connection share.
 */
const CONNECTION_BOARDS = 20;

function connectIdle(
  kind: ServerKind,
  server: RunningServer,
  generators: GeneratorHandle[],
  specs: ClientSpec[],
  probe: boolean,
): Promise<void> {
  return connectAll(kind, server, generators, specs, {
    concurrency: CONCURRENCY_PER_GENERATOR,
    timeoutMs: CONNECT_TIMEOUT_MS,
    probe,
    replyTimeoutMs: CONNECT_TIMEOUT_MS * 4,
  });
}

/** Warm the server up with one synced client so lazily loaded code is not counted, then read RSS. */
async function baseline(
  kind: ServerKind,
  server: RunningServer,
  generators: GeneratorHandle[],
): Promise<number> {
  await connectIdle(
    kind,
    server,
    generators.slice(0, 1),
    [{ id: 0, room: 'warm', awareness: true, contentCards: 1 }],
    true,
  );
  await waitForQuiet(server.pid, { quietMs: 1000, maxCpuMsPerS: 20, timeoutMs: 15_000 });
  return readMemory(server.pid).rssBytes;
}

export function memoryScenario(count: number): Scenario {
  return {
    name: 'memory',
    description: `RSS per idle connection (${count} on ${CONNECTION_BOARDS} boards) and per loaded idle document (${count})`,
    metrics: [
      { key: 'perConnection', label: 'RSS per idle connection', unit: 'B' },
      { key: 'perDocument', label: 'RSS per idle document (minus its connection)', unit: 'B' },
      { key: 'perDocWithConn', label: 'RSS per idle document incl. its connection', unit: 'B' },
      { key: 'rssConnections', label: `RSS with ${count} idle connections`, unit: 'B' },
      { key: 'rssDocuments', label: `RSS with ${count} idle documents`, unit: 'B' },
      { key: 'diskDocuments', label: `data dir with ${count} documents`, unit: 'B' },
    ],
    run: async (kind, settings) => {
      const connections = await withServer(kind, settings.generators, async (server, generators) => {
        const before = await baseline(kind, server, generators);
        const specs = Array.from({ length: count }, (_, i) => ({
          id: i + 1,
          room: `idle-connections-${i % CONNECTION_BOARDS}`,
          awareness: true,
          contentCards: 0,
        }));
        debugPhase('baseline read');
        await connectIdle(kind, server, generators, specs, false);
        debugPhase('connections open');
        await waitForQuiet(server.pid, { quietMs: 1000, maxCpuMsPerS: 20, timeoutMs: 30_000 });
        const after = readMemory(server.pid).rssBytes;
        return { perConnection: (after - before) / count, rss: after };
      });
      if (kind === 'raw') {
        return {
          perConnection: connections.perConnection,
          perDocument: Number.NaN,
          perDocWithConn: Number.NaN,
          rssConnections: connections.rss,
          rssDocuments: Number.NaN,
          diskDocuments: Number.NaN,
        };
      }
      const documents = await withServer(kind, settings.generators, async (server, generators) => {
        const before = await baseline(kind, server, generators);
        const specs = Array.from({ length: count }, (_, i) => ({
          id: i + 1,
          room: `idle-doc-${i}`,
          awareness: true,
          contentCards: CARDS_PER_DOC,
        }));
        debugPhase('baseline read');
        await connectIdle(kind, server, generators, specs, true);
        debugPhase('documents loaded');
        await waitForQuiet(server.pid, { quietMs: 1000, maxCpuMsPerS: 20, timeoutMs: 60_000 });
        const after = readMemory(server.pid).rssBytes;
        return { perDocWithConn: (after - before) / count, rss: after, disk: diskBytes(server.dataDir) };
      });
      const metrics: Metrics = {
        perConnection: connections.perConnection,
        perDocument: documents.perDocWithConn - connections.perConnection,
        perDocWithConn: documents.perDocWithConn,
        rssConnections: connections.rss,
        rssDocuments: documents.rss,
        diskDocuments: documents.disk,
      };
      return metrics;
    },
  };
}
