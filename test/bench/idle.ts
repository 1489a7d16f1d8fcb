/**
 * `npm run bench -- --only idle` (or `tsx test/bench/idle.ts [--quick] [--runs N] [--parts a,b]`):
 * many idle people on one instance, each server as its own process, clients in forked workers
 * (`idle-worker.ts`).
 *
 * - connections: 20,000 idle connections over 2,000 boards (a board of 10 cards each). Server RSS
 *   with one connection per board, then with all of them: per connection = the second step ÷ the
 *   connections it added, per board = the first step ÷ boards minus one connection. Then the server
 *   is stopped (SIGTERM) and started again on its data and port; every client reconnects with
 *   jittered exponential backoff (client/sync/backoff.ts: 250 ms window doubling to 10 s, half of it
 *   random): the time until all of them are synced again. Ours, the reference server, the raw relay.
 * - boards: 10,000 stored boards loaded once (one connection each, all open at once, then all closed
 *   together), then idle: RSS per idle board, and how fast the idle rooms unload once their unload
 *   delay (10 s by default) has passed, read from /healthz. Ours only: the reference server frees a
 *   document as its last connection leaves, so it holds no idle boards.
 *
 * File descriptors: this process raises its own limit (inherited by every server and worker it
 * starts), and the sockets come from several 127.0.0.x source addresses.
 */
import { type ChildProcess, execFileSync, fork } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildServerBundle } from '../integration/support/build-server';
import { installCleanupHandlers, stopChild, track } from './children';
import type { FromIdleWorker, ToIdleWorker } from './idle-worker';
import { machineInfo, readCpuMs, readMemory, sleep, waitForQuiet } from './proc';
import { removeDir, tempDir } from './scenarios/common';
import { REPO_ROOT, type RunningServer, type ServerKind, startServer } from './servers';
import { median } from './stats';

const WORKERS = 2;
const FILE_LIMIT = 65_536;
const LOCAL_ADDRESSES = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5'];
const OPEN_CONCURRENCY_PER_WORKER = 100;
const OPEN_TIMEOUT_MS = 180_000;
const RECONNECT_TIMEOUT_MS = 180_000;
const UNLOAD_TIMEOUT_MS = 120_000;
const POLL_MS = 50;

type Reply<T extends FromIdleWorker['type']> = Extract<FromIdleWorker, { type: T }>;

class Worker {
  private readonly waiters = new Map<string, Array<(m: FromIdleWorker) => void>>();
  constructor(readonly child: ChildProcess) {
    child.on('message', (message: FromIdleWorker) => {
      if (message.type === 'error') {
        for (const list of this.waiters.values()) for (const w of list.splice(0)) w(message);
        return;
      }
      this.waiters.get(message.type)?.shift()?.(message);
    });
  }

  next<T extends FromIdleWorker['type']>(type: T, timeoutMs: number): Promise<Reply<T>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`idle worker: no '${type}' in ${timeoutMs} ms`)),
        timeoutMs,
      );
      const list = this.waiters.get(type) ?? [];
      this.waiters.set(type, list);
      list.push((message) => {
        clearTimeout(timer);
        if (message.type === 'error') reject(new Error(message.message));
        else resolve(message as Reply<T>);
      });
    });
  }

  request<T extends FromIdleWorker['type']>(
    message: ToIdleWorker,
    reply: T,
    timeoutMs: number,
  ): Promise<Reply<T>> {
    const answer = this.next(reply, timeoutMs);
    this.child.send(message);
    return answer;
  }
}

async function startWorkers(): Promise<Worker[]> {
  const workers = Array.from(
    { length: WORKERS },
    () =>
      new Worker(
        track(
          fork(path.join(REPO_ROOT, 'test/bench/idle-worker.ts'), [], {
            cwd: REPO_ROOT,
            execArgv: ['--import', 'tsx'],
            stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
          }),
        ),
      ),
  );
  await Promise.all(workers.map((w) => w.next('ready', 30_000)));
  return workers;
}

/** Opens `rooms` (one connection each) spread over the workers; throws if any did not sync. */
async function openAll(
  workers: Worker[],
  server: RunningServer,
  rooms: string[],
  withContent: (index: number) => boolean,
): Promise<{ cpuMs: number; wallMs: number }> {
  const shares = workers.map(() => ({ rooms: [] as string[], withContent: [] as number[] }));
  rooms.forEach((room, i) => {
    const share = shares[i % workers.length]!;
    if (withContent(i)) share.withContent.push(share.rooms.length);
    share.rooms.push(room);
  });
  const replies = await Promise.all(
    workers.map((w, i) =>
      w.request(
        {
          type: 'open',
          baseUrl: server.wsUrl,
          rooms: shares[i]!.rooms,
          withContent: shares[i]!.withContent,
          concurrency: OPEN_CONCURRENCY_PER_WORKER,
          localAddresses: LOCAL_ADDRESSES,
          timeoutMs: OPEN_TIMEOUT_MS,
          syncedOnOpen: server.kind === 'raw',
        },
        'opened',
        OPEN_TIMEOUT_MS + 30_000,
      ),
    ),
  );
  const failures = replies.reduce((n, r) => n + r.failures, 0);
  if (failures > 0) throw new Error(`${failures} of ${rooms.length} connections did not sync`);
  return {
    cpuMs: replies.reduce((n, r) => n + r.cpuMs, 0),
    wallMs: Math.max(...replies.map((r) => r.wallMs)),
  };
}

async function status(workers: Worker[]): Promise<{ synced: number; attempts: number; cpuMs: number }> {
  const replies = await Promise.all(workers.map((w) => w.request({ type: 'status' }, 'status', 30_000)));
  return {
    synced: replies.reduce((n, r) => n + r.synced, 0),
    attempts: replies.reduce((n, r) => n + r.attempts, 0),
    cpuMs: replies.reduce((n, r) => n + r.cpuMs, 0),
  };
}

async function closeAll(workers: Worker[]): Promise<void> {
  await Promise.all(workers.map((w) => w.request({ type: 'closeAll' }, 'closed', 30_000)));
}

const quiet = (server: RunningServer, timeoutMs = 30_000) =>
  waitForQuiet(server.pid, { quietMs: 1000, maxCpuMsPerS: 20, timeoutMs });

async function healthRooms(server: RunningServer): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${server.port}/healthz`);
  return ((await response.json()) as { rooms: number }).rooms;
}

/** Descriptors a server keeps besides its connections (LevelDB's files, stdio, the listener, ...). */
const FD_HEADROOM = 200;

/**
 * Raises this process's open-file limit, which every server and worker it starts inherits; where
 * that is not permitted (a container without CAP_SYS_RESOURCE), the soft limit goes up to the hard
 * one (Node does that at start). Returns the limit in force.
 */
function raiseFileLimit(): number {
  try {
    execFileSync('prlimit', ['--pid', String(process.pid), `--nofile=${FILE_LIMIT}:${FILE_LIMIT}`], {
      stdio: 'ignore',
    });
  } catch {
    // Not permitted: the hard limit stays.
  }
  const limits = readFileSync('/proc/self/limits', 'utf8');
  const match = /^Max open files\s+(\d+)/m.exec(limits);
  return match ? Number(match[1]) : FILE_LIMIT;
}

type Metrics = Record<string, number>;

function pushRun(runs: Record<string, Metrics[]>, kind: string, metrics: Metrics): void {
  const list = runs[kind] ?? [];
  list.push(metrics);
  runs[kind] = list;
}

async function connectionsRun(
  kind: ServerKind,
  workers: Worker[],
  total: number,
  boards: number,
): Promise<Metrics> {
  const dataDir = tempDir(`idle-${kind}`);
  let server = await startServer(kind, dataDir);
  try {
    await openAll(workers, server, ['idle-warm'], () => true);
    await quiet(server);
    const rss0 = readMemory(server.pid).rssBytes;
    const boardRooms = Array.from({ length: boards }, (_, b) => `idle-board-${b}`);
    const first = await openAll(workers, server, boardRooms, () => true);
    await quiet(server);
    const rss1 = readMemory(server.pid).rssBytes;
    const rest = Array.from({ length: total - boards }, (_, i) => `idle-board-${i % boards}`);
    const second = await openAll(workers, server, rest, () => false);
    await quiet(server);
    const rss2 = readMemory(server.pid).rssBytes;
    const perConnection = (rss2 - rss1) / (total - boards);
    const perBoard = (rss1 - rss0) / boards - perConnection;

    // Restart on the same data and port; every client backs off and comes back.
    const connected = total + 1;
    const before = await status(workers);
    if (before.synced !== connected)
      throw new Error(`${before.synced} of ${connected} synced before restart`);
    const stopAt = performance.now();
    await server.stop();
    const stoppedAt = performance.now();
    server = await startServer(kind, dataDir, {}, server.port);
    const healthyAt = performance.now();
    const serverCpuAtStart = readCpuMs(server.pid);
    let now = await status(workers);
    const deadline = Date.now() + RECONNECT_TIMEOUT_MS;
    while (now.synced < connected && Date.now() < deadline) {
      await sleep(POLL_MS);
      now = await status(workers);
    }
    const allAt = performance.now();
    if (now.synced < connected) throw new Error(`only ${now.synced} of ${connected} back after the restart`);
    const reconnectWallMs = allAt - healthyAt;
    return {
      perConnection,
      perBoard,
      rssAll: rss2,
      openPerS: ((total - boards) * 1000) / second.wallMs,
      genCoresOpen: (first.cpuMs + second.cpuMs) / (first.wallMs + second.wallMs),
      stopMs: stoppedAt - stopAt,
      reconnectMs: reconnectWallMs,
      reconnectFromStopMs: allAt - stopAt,
      reconnectAttempts: now.attempts - before.attempts,
      reconnectServerCpuMs: readCpuMs(server.pid) - serverCpuAtStart,
      reconnectGenCpuMs: now.cpuMs - before.cpuMs,
    };
  } finally {
    await closeAll(workers).catch(() => {});
    await server.stop();
    removeDir(dataDir);
  }
}

async function boardsRun(workers: Worker[], count: number): Promise<Metrics> {
  const dataDir = tempDir('idle-boards');
  const env = { MAX_ROOMS: String(count * 2) };
  const rooms = Array.from({ length: count }, (_, b) => `idle-stored-${b}`);
  let server = await startServer('ours', dataDir, env);
  try {
    // Store the boards, then start afresh: they are loaded from disk once, below.
    await openAll(workers, server, rooms, () => true);
    await closeAll(workers);
    await server.stop();
    server = await startServer('ours', dataDir, env, server.port);
    await openAll(workers, server, ['idle-warm'], () => true);
    await quiet(server);
    const rss0 = readMemory(server.pid).rssBytes;
    const cpu0 = readCpuMs(server.pid);
    const opened = await openAll(workers, server, rooms, () => false);
    const loadCpuMs = readCpuMs(server.pid) - cpu0;
    const rssConnected = readMemory(server.pid).rssBytes;
    // All leave together: every room's unload delay starts within the same second or so.
    const closeAt = performance.now();
    await closeAll(workers);
    await quiet(server, 5_000);
    const rssIdle = readMemory(server.pid).rssBytes;
    const loaded = await healthRooms(server);
    let firstUnloadAt = Number.NaN;
    let rooms_ = loaded;
    const deadline = Date.now() + UNLOAD_TIMEOUT_MS;
    const unloadCpu0 = readCpuMs(server.pid);
    while (rooms_ > 0 && Date.now() < deadline) {
      await sleep(POLL_MS);
      rooms_ = await healthRooms(server);
      if (rooms_ < loaded && Number.isNaN(firstUnloadAt)) firstUnloadAt = performance.now();
    }
    const lastUnloadAt = performance.now();
    if (rooms_ > 0)
      throw new Error(`${rooms_} rooms still loaded ${UNLOAD_TIMEOUT_MS} ms after the last leave`);
    await quiet(server, 5_000);
    const unloadSpanMs = lastUnloadAt - firstUnloadAt;
    return {
      perIdleBoard: (rssIdle - rss0) / count,
      perBoardWithConnection: (rssConnected - rss0) / count,
      loadPerS: (count * 1000) / opened.wallMs,
      loadCpuPerBoardMs: loadCpuMs / count,
      roomsLoaded: loaded,
      firstUnloadAfterLeaveMs: firstUnloadAt - closeAt,
      unloadSpanMs,
      unloadPerS: (loaded * 1000) / Math.max(unloadSpanMs, POLL_MS),
      unloadCpuMs: readCpuMs(server.pid) - unloadCpu0,
      rssAfterUnload: readMemory(server.pid).rssBytes,
      rssIdle,
    };
  } finally {
    await closeAll(workers).catch(() => {});
    await server.stop();
    removeDir(dataDir);
  }
}

const fmt = {
  B: (v: number) =>
    !Number.isFinite(v)
      ? 'N/A'
      : Math.abs(v) >= 1024 * 1024
        ? `${(v / 1024 / 1024).toFixed(1)} MiB`
        : `${(v / 1024).toFixed(1)} KiB`,
  ms: (v: number) =>
    !Number.isFinite(v) ? 'N/A' : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(0)} ms`,
  n: (v: number) => (!Number.isFinite(v) ? 'N/A' : Math.round(v).toLocaleString('en')),
  cores: (v: number) => (!Number.isFinite(v) ? 'N/A' : v.toFixed(2)),
};

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows
    .map((r, i) => {
      const line = r
        .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
        .join('  ');
      return i === 0 ? `${line}\n${'-'.repeat(line.length)}` : line;
    })
    .join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      runs: { type: 'string' },
      parts: { type: 'string', default: 'connections,boards' },
      servers: { type: 'string', default: 'ours,reference,raw' },
      out: { type: 'string', default: 'bench-results' },
    },
  });
  const quick = values.quick ?? false;
  const runs = Number(values.runs ?? '1');
  const parts = values.parts.split(',');
  const servers = values.servers.split(',').filter((s) => s !== 'hocuspocus') as ServerKind[];
  installCleanupHandlers();
  const fileLimit = raiseFileLimit();
  // Each server holds every connection as a file descriptor, besides its own (LevelDB, stdio, ...).
  const wanted = quick ? 2_000 : 20_000;
  const connections = Math.min(wanted, Math.floor((fileLimit - FD_HEADROOM) / 100) * 100);
  if (connections < wanted) {
    console.log(
      `  note: open files are limited to ${fileLimit} per process here (and cannot be raised), so ` +
        `${connections.toLocaleString('en')} connections instead of ${wanted.toLocaleString('en')}`,
    );
  }
  const boards = quick ? 200 : 2_000;
  const storedBoards = quick ? 1_000 : 10_000;
  buildServerBundle();
  const workers = await startWorkers();
  const started = new Date();
  const results: Record<string, Record<string, Metrics[]>> = { connections: {}, boards: {} };
  const loads: number[] = [];
  try {
    for (let run = 0; run < runs; run++) {
      if (parts.includes('connections')) {
        for (const kind of servers) {
          loads.push(machineInfo().loadAverage[0]);
          const m = await connectionsRun(kind, workers, connections, boards);
          pushRun(results.connections!, kind, m);
          process.stderr.write(
            `  connections ${kind} run ${run + 1}/${runs}: ${fmt.B(m.perConnection!)}/connection, ` +
              `${fmt.B(m.perBoard!)}/board, all back ${fmt.ms(m.reconnectMs!)} after restart (load ${loads.at(-1)!.toFixed(1)})\n`,
          );
        }
      }
      if (parts.includes('boards')) {
        loads.push(machineInfo().loadAverage[0]);
        const m = await boardsRun(workers, storedBoards);
        pushRun(results.boards!, 'ours', m);
        process.stderr.write(
          `  boards run ${run + 1}/${runs}: ${fmt.B(m.perIdleBoard!)}/idle board, unloaded ${fmt.n(m.unloadPerS!)}/s (load ${loads.at(-1)!.toFixed(1)})\n`,
        );
      }
    }
  } finally {
    await Promise.all(workers.map((w) => stopChild(w.child, 3000)));
  }

  const med = (part: string, kind: string, key: string) =>
    median((results[part]![kind] ?? []).map((m) => m[key] ?? Number.NaN));
  const ratio = (a: number, b: number) =>
    Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? `${(a / b).toFixed(2)}×` : '';
  if (parts.includes('connections')) {
    const rows: string[][] = [['metric', ...servers, 'ours÷ref', 'ours÷raw', 'target', 'result']];
    const metric = (label: string, key: string, f: (v: number) => string, target?: string) => {
      const ours = med('connections', 'ours', key);
      const ref = med('connections', 'reference', key);
      const pass = target === undefined || !Number.isFinite(ours / ref) ? '' : ours <= ref ? 'PASS' : 'MISS';
      rows.push([
        label,
        ...servers.map((k) => f(med('connections', k, key))),
        ratio(ours, ref),
        ratio(ours, med('connections', 'raw', key)),
        target ?? '',
        pass,
      ]);
    };
    metric('RSS per idle connection', 'perConnection', fmt.B, '≤ reference');
    metric('RSS per board (10 cards, minus a connection)', 'perBoard', fmt.B, '≤ reference');
    metric(`RSS with ${connections.toLocaleString('en')} connections`, 'rssAll', fmt.B);
    metric('connections opened per second', 'openPerS', fmt.n);
    metric('generators CPU while opening (cores)', 'genCoresOpen', fmt.cores);
    metric('server stop (SIGTERM to exit)', 'stopMs', fmt.ms);
    metric('restart: all synced again, from healthy', 'reconnectMs', fmt.ms);
    metric('restart: all synced again, from stop', 'reconnectFromStopMs', fmt.ms);
    metric('restart: connection attempts', 'reconnectAttempts', fmt.n);
    metric('restart: server CPU until all back', 'reconnectServerCpuMs', fmt.ms);
    metric('restart: generators CPU until all back', 'reconnectGenCpuMs', fmt.ms);
    console.log(
      `\n== idle-connections: ${connections.toLocaleString('en')} idle connections over ${boards.toLocaleString('en')} boards, then a restart (median of ${runs} run(s))\n${table(rows)}`,
    );
  }
  if (parts.includes('boards')) {
    const rows: string[][] = [['metric (ours)', 'value']];
    const row = (label: string, key: string, f: (v: number) => string) =>
      rows.push([label, f(med('boards', 'ours', key))]);
    row('RSS per idle board (loaded, no connection)', 'perIdleBoard', fmt.B);
    row('RSS per board while its connection is open', 'perBoardWithConnection', fmt.B);
    row('boards loaded per second (from disk, 1 connection each)', 'loadPerS', fmt.n);
    row('server CPU per board loaded (ms)', 'loadCpuPerBoardMs', (v) => v.toFixed(3));
    row('first unload after the last leave', 'firstUnloadAfterLeaveMs', fmt.ms);
    row('first to last unload', 'unloadSpanMs', fmt.ms);
    row('idle rooms unloaded per second', 'unloadPerS', fmt.n);
    row('server CPU for all the unloads', 'unloadCpuMs', fmt.ms);
    row('RSS with the idle boards', 'rssIdle', fmt.B);
    row('RSS once all unloaded', 'rssAfterUnload', fmt.B);
    console.log(
      `\n== idle-boards: ${storedBoards.toLocaleString('en')} stored boards loaded once, then idle (unload delay 10 s; median of ${runs} run(s))\n${table(rows)}`,
    );
  }
  console.log(
    `  machine load average (1 min) at run starts: ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`,
  );
  const outDir = path.resolve(REPO_ROOT, values.out);
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `idle-${started.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ startedAt: started.toISOString(), machine: machineInfo(), quick, runs, connections, boards, storedBoards, loads, results }, null, 2)}\n`,
  );
  console.log(`  results: ${path.relative(REPO_ROOT, file)}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
