/**
 * Join storm: `clients` clients open a socket to one board (which already has content, held open
 * by a seed client) at the same instant, each sending what the provider sends on open (sync step 1
 * and its awareness state). Measures the time until every client is synced (Yjs: its sync step 2
 * arrived). The raw relay has no sync: there a client counts as synced when the echo of its join
 * message, sent back by the seed client through the relay, arrives.
 */
import { splitRoundRobin } from '../generators';
import type { ClientSpec } from '../messages';
import { readCpuMs, readMemory, waitForQuiet } from '../proc';
import { percentile } from '../stats';
import { coresUsed, type Metrics, type Scenario, withServer } from './common';

const START_DELAY_MS = 500;
const STORM_TIMEOUT_MS = 60_000;

export function joinStormScenario(clients: number, boardCards: number): Scenario {
  return {
    name: 'join-storm',
    description: `${clients} clients join one board (${boardCards} cards) at once`,
    metrics: [
      { key: 'allSyncedMs', label: 'time until all synced', unit: 'ms' },
      { key: 'p50SyncedMs', label: 'median time to synced', unit: 'ms' },
      { key: 'synced', label: 'clients synced', unit: '%' },
      { key: 'serverCpuMs', label: 'server CPU for the storm', unit: 'ms' },
      { key: 'peakRss', label: 'server peak RSS', unit: 'B' },
      { key: 'genCores', label: 'busiest generator CPU', unit: 'cores' },
    ],
    run: (kind, settings) =>
      withServer(kind, settings.generators, async (server, generators) => {
        const mode = kind === 'raw' ? 'raw' : 'yjs';
        const seed: ClientSpec = {
          id: 0,
          room: 'storm',
          awareness: kind !== 'raw',
          contentCards: kind === 'raw' ? 0 : boardCards,
          rawResponder: kind === 'raw',
        };
        const first = generators[0];
        if (!first) throw new Error('no generator');
        const seeded = await first.request(
          {
            type: 'connect',
            baseUrl: server.wsUrl,
            mode,
            clients: [seed],
            concurrency: 1,
            startAtMs: 0,
            timeoutMs: 30_000,
            probe: true,
          },
          'connected',
          60_000,
        );
        if (seeded.failures > 0) throw new Error(`seed client failed: ${seeded.errors.join('; ')}`);
        await waitForQuiet(server.pid, { quietMs: 500, maxCpuMsPerS: 50, timeoutMs: 15_000 });

        const specs: ClientSpec[] = Array.from({ length: clients }, (_, i) => ({
          id: i + 1,
          room: 'storm',
          awareness: true,
          contentCards: 0,
          rawSyncOnEcho: kind === 'raw',
        }));
        const shares = splitRoundRobin(specs, generators.length);
        const cpuBefore = readCpuMs(server.pid);
        const startAtMs = Date.now() + START_DELAY_MS;
        const results = await Promise.all(
          generators.map((g, i) =>
            g.request(
              {
                type: 'connect',
                baseUrl: server.wsUrl,
                mode,
                clients: shares[i] ?? [],
                concurrency: 0,
                startAtMs,
                timeoutMs: STORM_TIMEOUT_MS,
                probe: false,
              },
              'connected',
              STORM_TIMEOUT_MS * 2,
            ),
          ),
        );
        const syncedAt = results.flatMap((r) => r.syncedAtMs);
        const durations = syncedAt.filter((t): t is number => t !== null).map((t) => t - startAtMs);
        // CPU until the storm's awareness fan-out is over, not only until the last step 2.
        await waitForQuiet(server.pid, { quietMs: 500, maxCpuMsPerS: 50, timeoutMs: 30_000 });
        const metrics: Metrics = {
          allSyncedMs: durations.length === clients ? Math.max(...durations) : Number.NaN,
          p50SyncedMs: percentile(durations, 50),
          synced: (100 * durations.length) / clients,
          serverCpuMs: readCpuMs(server.pid) - cpuBefore,
          peakRss: readMemory(server.pid).hwmBytes,
          genCores: Math.max(...results.map((r) => coresUsed(r.cpuMs, r.wallMs))),
        };
        return metrics;
      }),
  };
}
