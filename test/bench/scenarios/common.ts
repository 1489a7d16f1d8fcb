/** What every scenario shares: its shape, a fresh server + generators per run, and teardown. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type GeneratorHandle, type GeneratorPool, splitRoundRobin } from '../generators';
import type { ClientSpec } from '../messages';
import type { ClientMode } from '../protocol-client';
import { type RunningServer, type ServerKind, startServer } from '../servers';

/** One measured number of one run. NaN = not measured / not meaningful for that server. */
export type Metrics = Record<string, number>;

export interface MetricSpec {
  key: string;
  label: string;
  unit: 'ms' | 'µs' | 'B' | '%' | 'x' | 'cores' | 'count' | '/s';
}

export interface BenchSettings {
  quick: boolean;
  /** Load generators shared by all runs. */
  generators: GeneratorPool;
  /** Load duration per run of a load scenario. */
  loadMs: number;
  /** How long after the load stops every edit may still take to arrive. */
  drainDeadlineMs: number;
  seed: number;
}

export interface Scenario {
  name: string;
  description: string;
  metrics: MetricSpec[];
  /** Peers measured besides the default servers unless `--servers` is given (Hocuspocus). */
  extraServers?: ServerKind[];
  /** Servers for which the scenario means nothing (the raw relay has no sync or storage). */
  notApplicable?: ServerKind[];
  /** Once per server before its runs (the cold-load history); returns state passed to each run. */
  prepare?(kind: ServerKind, settings: BenchSettings): Promise<unknown>;
  run(kind: ServerKind, settings: BenchSettings, runIndex: number, prepared: unknown): Promise<Metrics>;
  /** Releases what `prepare` made. */
  cleanup?(prepared: unknown): Promise<void>;
}

const liveDirs = new Set<string>();
// Data dirs left by an interrupted run (SIGINT ends the process via exit) are removed too.
process.on('exit', () => {
  for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
});

export function tempDir(label: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `trellis-bench-${label}-`));
  liveDirs.add(dir);
  return dir;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  liveDirs.delete(dir);
}

/** A fresh server on a fresh data dir plus the generators, torn down whatever happens. */
export async function withServer<T>(
  kind: ServerKind,
  pool: GeneratorPool,
  body: (server: RunningServer, generators: GeneratorHandle[]) => Promise<T>,
): Promise<T> {
  const dataDir = tempDir(kind);
  let server: RunningServer | null = null;
  let generators: GeneratorHandle[] = [];
  try {
    debugPhase(`${kind}: starting server and generators`);
    [server, generators] = await Promise.all([startServer(kind, dataDir), pool.acquire()]);
    debugPhase(`${kind}: started (server healthy after ${Math.round(server.startupMs)} ms)`);
    return await body(server, generators);
  } finally {
    await pool.release(generators);
    debugPhase(`${kind}: generators reset`);
    if (server) await server.stop();
    debugPhase(`${kind}: server stopped`);
    removeDir(dataDir);
  }
}

const DEBUG = process.env.BENCH_DEBUG === '1';
const debugStart = performance.now();

/** With BENCH_DEBUG=1, log where a run spends its time (stderr). */
export function debugPhase(label: string): void {
  if (DEBUG)
    process.stderr.write(`    [${((performance.now() - debugStart) / 1000).toFixed(2)} s] ${label}\n`);
}

/** How a server's clients speak: raw frames, the y-websocket protocol, or Hocuspocus's framing of it. */
export function clientModeFor(kind: ServerKind): ClientMode {
  return kind === 'raw' ? 'raw' : kind === 'hocuspocus' ? 'hocuspocus' : 'yjs';
}

/** Generator CPU use over the load window, in cores (1.0 = one core busy all the time). */
export function coresUsed(cpuMs: number, wallMs: number): number {
  return wallMs > 0 ? cpuMs / wallMs : Number.NaN;
}

/** A generator above this share of one core is called saturated: its clocks run late. */
export const GENERATOR_SATURATED_CORES = 0.85;
/** A generator whose event loop ran this late (p99) delayed its own sends and receipts. */
export const GENERATOR_LAGGING_MS = 50;

/**
 * Connects `specs` spread round-robin over the generators (raw frames for the raw relay, the
 * y-websocket protocol otherwise); throws with every client's error if any failed to connect.
 */
export async function connectAll(
  kind: ServerKind,
  server: RunningServer,
  generators: GeneratorHandle[],
  specs: ClientSpec[],
  options: { concurrency: number; timeoutMs: number; probe: boolean; replyTimeoutMs: number },
): Promise<void> {
  const shares = splitRoundRobin(specs, generators.length);
  const results = await Promise.all(
    generators.map((g, i) =>
      g.request(
        {
          type: 'connect',
          baseUrl: server.wsUrl,
          mode: clientModeFor(kind),
          clients: shares[i] ?? [],
          concurrency: options.concurrency,
          startAtMs: 0,
          timeoutMs: options.timeoutMs,
          probe: options.probe,
        },
        'connected',
        options.replyTimeoutMs,
      ),
    ),
  );
  const failures = results.reduce((n, r) => n + r.failures, 0);
  if (failures > 0) {
    throw new Error(`${failures} clients failed to connect: ${results.flatMap((r) => r.errors).join('; ')}`);
  }
}
