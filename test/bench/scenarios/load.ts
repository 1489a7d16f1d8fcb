/**
 * Steady editing load: `rooms` boards × `clientsPerRoom` clients, each making `editsPerSecond`
 * small edits for the load window, with awareness renewed every 15 s (each client at its own phase,
 * or all at once as after a join storm). Measures sender→receiver latency of every edit at every
 * other client of its board, completeness, server CPU per delivered update and peak RSS.
 */
import type { ClientSpec, GeneratorStats } from '../messages';
import { readCpuMs, readMemory, sleep, waitForQuiet } from '../proc';
import { scrape, windowMetrics } from '../server-metrics';
import { LatencyHistogram } from '../stats';
import { connectAll, coresUsed, debugPhase, type Metrics, type Scenario, withServer } from './common';

export interface LoadShape {
  name: string;
  rooms: number;
  clientsPerRoom: number;
  editsPerSecond: number;
  awareness: 'unaligned' | 'aligned';
}

/** The y-websocket provider renews its awareness state every outdatedTimeout / 2 = 15 s. */
const AWARENESS_RENEW_MS = 15_000;
/** Aligned renewals fire this long into the load window (all clients at once), or at a third of it. */
const ALIGNED_AT_MS = 3_000;
const CONNECT_CONCURRENCY_PER_GENERATOR = 25;
const CONNECT_TIMEOUT_MS = 60_000;
const START_DELAY_MS = 300;
const PROGRESS_POLL_MS = 200;

export const LOAD_METRICS = [
  { key: 'p50', label: 'edit latency p50', unit: 'ms' },
  { key: 'p99', label: 'edit latency p99', unit: 'ms' },
  { key: 'max', label: 'edit latency max', unit: 'ms' },
  { key: 'delivered', label: 'delivered (of expected)', unit: '%' },
  { key: 'drainMs', label: 'last delivery after load end', unit: 'ms' },
  { key: 'cpuPerUpdate', label: 'server CPU / delivered update', unit: 'µs' },
  { key: 'serverCores', label: 'server CPU', unit: 'cores' },
  { key: 'peakRss', label: 'server peak RSS', unit: 'B' },
  { key: 'awarenessP99', label: 'awareness latency p99', unit: 'ms' },
  { key: 'unexpectedCloses', label: 'clients dropped by the server', unit: 'count' },
  { key: 'deliveriesPerS', label: 'deliveries / s', unit: '/s' },
  { key: 'genCores', label: 'busiest generator CPU', unit: 'cores' },
  { key: 'genCoresTotal', label: 'all generators CPU', unit: 'cores' },
  { key: 'genLagP99', label: 'generator event-loop delay p99', unit: 'ms' },
  { key: 'persistMeanMs', label: 'ours: durable write round trip, mean', unit: 'ms' },
  { key: 'persistP99Ms', label: 'ours: durable write round trip p99 (bucket)', unit: 'ms' },
  { key: 'updatesPerWrite', label: 'ours: updates per durable write', unit: 'x' },
  { key: 'gcMs', label: 'ours: time in GC during the load', unit: 'ms' },
  { key: 'gcCount', label: 'ours: collections during the load', unit: 'count' },
  { key: 'loopDelayP99Ms', label: 'ours: event-loop lateness p99', unit: 'ms' },
] as const satisfies Scenario['metrics'];

export function loadScenario(shape: LoadShape): Scenario {
  const total = shape.rooms * shape.clientsPerRoom;
  return {
    name: shape.name,
    description:
      `${shape.rooms} board(s) × ${shape.clientsPerRoom} clients × ${shape.editsPerSecond} edit/s, ` +
      `awareness renewals ${shape.awareness}`,
    metrics: [...LOAD_METRICS],
    run: (kind, settings, runIndex) =>
      withServer(kind, settings.generators, async (server, generators) => {
        const specs: ClientSpec[] = Array.from({ length: total }, (_, id) => ({
          id,
          room: `load-${id % shape.rooms}`,
          awareness: true,
          contentCards: 0,
        }));
        await connectAll(kind, server, generators, specs, {
          concurrency: CONNECT_CONCURRENCY_PER_GENERATOR,
          timeoutMs: CONNECT_TIMEOUT_MS,
          probe: false,
          replyTimeoutMs: CONNECT_TIMEOUT_MS * 2,
        });
        debugPhase('clients connected');
        // Let the join's awareness fan-out finish before measuring.
        await waitForQuiet(server.pid, { quietMs: 500, maxCpuMsPerS: 100, timeoutMs: 15_000 });

        debugPhase('server quiet');
        const scrapeBefore = kind === 'ours' ? await scrape(server.port) : null;
        const cpuBefore = readCpuMs(server.pid);
        const startAtMs = Date.now() + START_DELAY_MS;
        const loadEnd = startAtMs + settings.loadMs;
        const done = Promise.all(generators.map((g) => g.next('loadDone', settings.loadMs + 60_000)));
        for (const g of generators) {
          g.send({
            type: 'load',
            startAtMs,
            durationMs: settings.loadMs,
            editsPerSecond: shape.editsPerSecond,
            awareness: shape.awareness,
            renewEveryMs: AWARENESS_RENEW_MS,
            alignedAtMs: Math.min(ALIGNED_AT_MS, settings.loadMs / 3),
            totalClients: total,
            seed: settings.seed * 1000 + runIndex * 10 + g.index,
          });
        }
        const sent = (await done).flatMap((d) => d.sent);
        debugPhase('load done');
        const roomSize = new Map<string, number>();
        for (const s of sent) roomSize.set(s.room, (roomSize.get(s.room) ?? 0) + 1);
        const expected = sent.reduce((n, s) => n + s.count * ((roomSize.get(s.room) ?? 1) - 1), 0);

        let delivered = 0;
        let lastDeliveryAtMs = 0;
        let completeAt = Number.NaN;
        const deadline = Math.max(Date.now(), loadEnd) + settings.drainDeadlineMs;
        while (Date.now() < deadline) {
          const progress = await Promise.all(
            generators.map((g) => g.request({ type: 'progress' }, 'progress', 60_000)),
          );
          delivered = progress.reduce((n, p) => n + p.deliveredUnique, 0);
          lastDeliveryAtMs = Math.max(...progress.map((p) => p.lastDeliveryAtMs));
          if (delivered >= expected) {
            completeAt = Date.now();
            break;
          }
          await sleep(PROGRESS_POLL_MS);
        }
        const cpuMs = readCpuMs(server.pid) - cpuBefore;
        const own =
          scrapeBefore === null
            ? {}
            : windowMetrics(
                scrapeBefore,
                await scrape(server.port),
                sent.reduce((n, s) => n + s.count, 0),
              );
        const windowMs = (Number.isNaN(completeAt) ? Date.now() : completeAt) - startAtMs;
        const memory = readMemory(server.pid);
        debugPhase('drained');
        const stats: GeneratorStats[] = await Promise.all(generators.map((g) => g.stats()));

        const edits = new LatencyHistogram();
        const awareness = new LatencyHistogram();
        for (const s of stats) {
          edits.merge(s.edit);
          awareness.merge(s.awareness);
        }
        const unexpectedCloses = stats.reduce((n, s) => n + s.unexpectedCloses, 0);
        // Which close codes the server used (e.g. 4429 rate limited, 1006 = dropped without a close frame).
        const closeCodes: Metrics = {};
        for (const s of stats) {
          for (const [code, n] of Object.entries(s.closeCodes)) {
            closeCodes[`closeCode${code}`] = (closeCodes[`closeCode${code}`] ?? 0) + n;
          }
        }
        const metrics: Metrics = {
          p50: edits.percentile(50),
          p99: edits.percentile(99),
          max: edits.count > 0 ? edits.maxMs : Number.NaN,
          delivered: expected > 0 ? (100 * delivered) / expected : Number.NaN,
          drainMs: Number.isNaN(completeAt) ? Number.NaN : Math.max(0, lastDeliveryAtMs - loadEnd),
          cpuPerUpdate: delivered > 0 ? (cpuMs * 1000) / delivered : Number.NaN,
          serverCores: coresUsed(cpuMs, windowMs),
          peakRss: memory.hwmBytes,
          awarenessP99: awareness.percentile(99),
          deliveriesPerS: (delivered * 1000) / settings.loadMs,
          genCores: Math.max(...stats.map((s) => coresUsed(s.cpuUserMs + s.cpuSystemMs, s.wallMs))),
          genCoresTotal: stats.reduce((n, s) => n + coresUsed(s.cpuUserMs + s.cpuSystemMs, s.wallMs), 0),
          genLagP99: Math.max(...stats.map((s) => s.eventLoopDelayP99Ms)),
          editsSent: sent.reduce((n, s) => n + s.count, 0),
          expected,
          duplicates: stats.reduce((n, s) => n + s.duplicates, 0),
          unexpectedCloses,
          serverCpuMs: cpuMs,
          ...own,
          ...closeCodes,
        };
        return metrics;
      }),
  };
}
