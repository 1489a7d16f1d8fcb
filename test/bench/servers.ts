/** Start and stop the servers under test, each as its own process on a free 127.0.0.1 port. */
import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopChild, track } from './children';
import { freePort, sleep } from './proc';

export const SERVER_KINDS = ['ours', 'reference', 'raw', 'hocuspocus'] as const;
export type ServerKind = (typeof SERVER_KINDS)[number];
/** Measured when `--servers` is not given; a scenario may add others (`Scenario.extraServers`). */
export const DEFAULT_SERVERS: readonly ServerKind[] = ['ours', 'reference', 'raw'];

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Our server as `npm run build` bundles it. */
export const OUR_SERVER_ENTRY = 'dist/server/main.js';
const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 30_000;
const LOG_TAIL_LINES = 40;

export interface RunningServer {
  kind: ServerKind;
  pid: number;
  port: number;
  /** Websocket base URL; a room's URL is `${wsUrl}/${room}` as the y-websocket provider builds it. */
  wsUrl: string;
  dataDir: string;
  /** ms from spawn until /healthz answered 200. */
  startupMs: number;
  logTail(): string;
  stop(): Promise<void>;
}

function commandFor(
  kind: ServerKind,
  port: number,
  dataDir: string,
): { args: string[]; env: NodeJS.ProcessEnv } {
  const base = { ...process.env, HOST, PORT: String(port) };
  switch (kind) {
    case 'ours':
      // What `npm run serve` runs (the run builds it first), minus the npm wrapper process, so the
      // PID the harness measures is the server itself.
      return {
        args: [
          // BENCH_PROFILE_DIR=<dir> writes a V8 CPU profile of our server (on exit) for analysis.
          ...(process.env.BENCH_PROFILE_DIR
            ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`]
            : []),
          ...(process.env.BENCH_NODE_FLAGS ? process.env.BENCH_NODE_FLAGS.split(' ') : []),
          '--enable-source-maps',
          OUR_SERVER_ENTRY,
          '--port',
          String(port),
          '--host',
          HOST,
          '--data-dir',
          dataDir,
        ],
        // All simulated users come from 127.0.0.1: lift the per-address cap (abuse protection,
        // not a performance setting) and allow the memory scenario's 1,000 loaded documents.
        env: {
          ...base,
          DATA_DIR: dataDir,
          MAX_CONNECTIONS_PER_ADDRESS: '0',
          CONNECT_RATE_PER_ADDRESS: '0',
          MAX_ROOMS: '5000',
        },
      };
    case 'reference':
      return {
        args: ['node_modules/@y/websocket-server/src/server.js'],
        env: { ...base, YPERSISTENCE: dataDir },
      };
    case 'raw':
      return { args: ['--import', 'tsx', 'test/bench/raw-relay.ts'], env: base };
    case 'hocuspocus':
      return { args: ['--import', 'tsx', 'test/bench/hocuspocus-server.ts'], env: base };
  }
}

function healthy(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get({ host: HOST, port, path: '/healthz', timeout: 1000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('error', () => resolve(false));
    request.on('timeout', () => {
      request.destroy();
      resolve(false);
    });
  });
}

/**
 * `extraEnv` overrides settings for one use (the cold-load history build lifts our rate limit);
 * `port` restarts a server where its clients expect it (0: a free one).
 */
export async function startServer(
  kind: ServerKind,
  dataDir: string,
  extraEnv: NodeJS.ProcessEnv = {},
  port = 0,
): Promise<RunningServer> {
  if (port === 0) port = await freePort();
  const command = commandFor(kind, port, dataDir);
  const args = command.args;
  const env = { ...command.env, ...extraEnv };
  const started = performance.now();
  const child: ChildProcess = track(
    spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] }),
  );
  const tail: string[] = [];
  const keep = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      tail.push(line);
      if (tail.length > LOG_TAIL_LINES) tail.shift();
    }
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const server: RunningServer = {
    kind,
    pid: child.pid ?? -1,
    port,
    wsUrl: `ws://${HOST}:${port}`,
    dataDir,
    startupMs: Number.NaN,
    logTail: () => tail.join('\n'),
    stop: () => stopChild(child),
  };
  try {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`${kind} server exited (${child.exitCode ?? child.signalCode}) before ready`);
      }
      if (await healthy(port)) break;
      if (Date.now() > deadline) throw new Error(`${kind} server not healthy within ${READY_TIMEOUT_MS} ms`);
      await sleep(25);
    }
  } catch (err) {
    await server.stop();
    throw new Error(`${(err as Error).message}\n--- ${kind} log tail ---\n${server.logTail()}`);
  }
  server.startupMs = performance.now() - started;
  return server;
}
