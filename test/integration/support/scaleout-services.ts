/**
 * Real Redis and PostgreSQL for the scale-out tests: each started from Debian's binaries on
 * loopback, a free port and a temporary data dir, stopped by PID. Missing binaries fail the test
 * (never skip it): `.ci/run` installs `redis-server` and `postgresql`.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, readdirSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import pg from 'pg';
import type { DocStore } from '../../../sync-server/core/doc-store';
import { Compaction } from '../../../sync-server/scaleout/compaction';
import { RedisDocStore } from '../../../sync-server/scaleout/redis-doc-store';
import { ensureSchema } from '../../../sync-server/scaleout/snapshots';

const MISSING_HINT =
  'install the Debian packages redis-server and postgresql (apt-get install -y redis-server postgresql; .ci/run does)';
const START_TIMEOUT_MS = 20_000;

/** A free TCP port on 127.0.0.1 (redis-server cannot take port 0). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

interface Spawned {
  child: ChildProcess;
  pid: number;
  output: string[];
  exited: Promise<void>;
}

function spawnLogged(command: string, args: string[]): Spawned {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  return { child, pid: child.pid, output, exited };
}

async function stopPid(spawned: Spawned, signal: NodeJS.Signals): Promise<void> {
  if (spawned.child.exitCode !== null || spawned.child.signalCode !== null) return;
  process.kill(spawned.pid, signal);
  const timer = setTimeout(() => {
    if (spawned.child.exitCode === null && spawned.child.signalCode === null)
      process.kill(spawned.pid, 'SIGKILL');
  }, 10_000);
  await spawned.exited;
  clearTimeout(timer);
}

async function poll(check: () => Promise<boolean>, what: string, log: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} did not start in ${START_TIMEOUT_MS} ms:\n${log()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function which(binary: string): string | null {
  try {
    return (
      execFileSync('sh', ['-c', `command -v ${binary}`])
        .toString()
        .trim() || null
    );
  } catch {
    return null;
  }
}

export interface RedisService {
  url: string;
  port: number;
  pid(): number;
  /** `kill -9` (the append-only file is what survives). */
  kill(): Promise<void>;
  /** Starts again on the same port and data dir, loading the append-only file. */
  restart(): Promise<void>;
  /** A fresh client (closed by `stop`). */
  client(): Redis;
  stop(): Promise<void>;
}

export interface RedisOptions {
  /**
   * `always` (tests): fsync before every reply. `everysec` (the benchmark, like LevelDB without
   * fsync): an acknowledged entry survives kill -9 of redis-server (it is written before the reply)
   * but not a power loss of the last second.
   */
  appendfsync?: 'always' | 'everysec';
}

export async function startRedis(options: RedisOptions = {}): Promise<RedisService> {
  const binary = which('redis-server');
  if (!binary) throw new Error(`redis-server not found on PATH: ${MISSING_HINT}`);
  const dir = await mkdtemp(join(tmpdir(), 'trellis-redis-'));
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const clients: Redis[] = [];
  let proc: Spawned;
  const launch = async () => {
    proc = spawnLogged(binary, [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'yes',
      '--appendfsync',
      options.appendfsync ?? 'always',
      '--dir',
      dir,
      '--daemonize',
      'no',
      '--protected-mode',
      'no',
    ]);
    await poll(
      async () => {
        const probe = new Redis(url, {
          lazyConnect: true,
          maxRetriesPerRequest: 0,
          retryStrategy: () => null,
        });
        probe.on('error', () => {});
        try {
          await probe.connect();
          return (await probe.ping()) === 'PONG';
        } finally {
          probe.disconnect();
        }
      },
      'redis-server',
      () => proc.output.join(''),
    );
  };
  await launch();
  return {
    url,
    port,
    pid: () => proc.pid,
    kill: () => stopPid(proc, 'SIGKILL'),
    restart: launch,
    client() {
      const client = new Redis(url, { maxRetriesPerRequest: 3 });
      client.on('error', () => {});
      clients.push(client);
      return client;
    },
    async stop() {
      for (const client of clients) client.disconnect();
      await stopPid(proc, 'SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface PostgresService {
  url: string;
  pool(): pg.Pool;
  /** Stops the postmaster by PID (fast shutdown: its clients are disconnected); the data dir stays. */
  halt(): Promise<void>;
  /** Starts it again on the same port and data dir. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const fromEnv = process.env.PG_BIN_DIR;
  if (fromEnv && existsSync(join(fromEnv, 'postgres'))) return fromEnv;
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) throw new Error(`PostgreSQL binaries not found in ${root}: ${MISSING_HINT}`);
  return join(root, versions[0]!, 'bin');
}

/**
 * PostgreSQL refuses to run as root: as root the binaries run as the `postgres` user through
 * `setpriv`, which execs (so the PID is the postmaster's own), on a temp dir chowned to it.
 */
function asPostgresUser(command: string, args: string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [command, args];
  return ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', '--', command, ...args]];
}

export async function startPostgres(): Promise<PostgresService> {
  const bin = postgresBinDir();
  const dir = await mkdtemp(join(tmpdir(), 'trellis-pg-'));
  const dataDir = join(dir, 'data');
  const socketDir = join(dir, 'sock');
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  await chmod(dir, 0o755);
  const [initCmd, initArgs] = asPostgresUser(join(bin, 'initdb'), [
    '-D',
    dataDir,
    '-A',
    'trust',
    '-U',
    'trellis',
    '--no-sync',
    '-E',
    'UTF8',
  ]);
  execFileSync(initCmd, initArgs, { stdio: 'pipe' });
  const [mkCmd, mkArgs] = asPostgresUser('mkdir', ['-p', socketDir]);
  execFileSync(mkCmd, mkArgs);
  const port = await freePort();
  const [cmd, args] = asPostgresUser(join(bin, 'postgres'), [
    '-D',
    dataDir,
    '-p',
    String(port),
    '-k',
    socketDir,
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'fsync=off',
    '-c',
    'max_connections=100',
  ]);
  const url = `postgres://trellis@127.0.0.1:${port}/postgres`;
  const pools: pg.Pool[] = [];
  let proc: Spawned;
  const launch = async () => {
    proc = spawnLogged(cmd, args);
    await poll(
      async () => {
        const client = new pg.Client({ connectionString: url });
        try {
          await client.connect();
          await client.query('SELECT 1');
          return true;
        } finally {
          await client.end().catch(() => {});
        }
      },
      'postgres',
      () => proc.output.join(''),
    );
  };
  await launch();
  return {
    url,
    // SIGINT: fast shutdown (disconnects clients, no checkpoint wait worth having for a temp dir).
    halt: () => stopPid(proc, 'SIGINT'),
    restart: launch,
    pool() {
      const pool = new pg.Pool({ connectionString: url, max: 4 });
      pool.on('error', () => {});
      pools.push(pool);
      return pool;
    },
    async stop() {
      await Promise.all(pools.map((pool) => pool.end().catch(() => {})));
      // SIGINT: fast shutdown (disconnects clients, no checkpoint wait worth having for a temp dir).
      await stopPid(proc, 'SIGINT');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface ScaleOutServices {
  redis: RedisService;
  postgres: PostgresService;
  /** Environment that selects scale-out mode for a server process. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startScaleOutServices(options: RedisOptions = {}): Promise<ScaleOutServices> {
  const [redisResult, postgresResult] = await Promise.allSettled([startRedis(options), startPostgres()]);
  if (redisResult.status === 'rejected' || postgresResult.status === 'rejected') {
    if (redisResult.status === 'fulfilled') await redisResult.value.stop();
    if (postgresResult.status === 'fulfilled') await postgresResult.value.stop();
    throw redisResult.status === 'rejected'
      ? redisResult.reason
      : (postgresResult as PromiseRejectedResult).reason;
  }
  const redis = redisResult.value;
  const postgres = postgresResult.value;
  return {
    redis,
    postgres,
    env: { REDIS_URL: redis.url, DATABASE_URL: postgres.url },
    async stop() {
      await Promise.allSettled([redis.stop(), postgres.stop()]);
    },
  };
}

export interface Balancer {
  url: string;
  wsUrl: string;
  /** Connections currently relayed, per backend port. */
  stop(): Promise<void>;
}

/**
 * A round-robin TCP balancer in front of the instances, as any real one would be: each new
 * connection goes to the next backend, skipping one that refuses the connection (a killed instance).
 */
export async function startBalancer(backendPorts: () => number[]): Promise<Balancer> {
  let next = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    client.pause();
    const ports = backendPorts();
    const tryBackend = (attempt: number) => {
      if (attempt >= ports.length) {
        client.destroy();
        return;
      }
      const port = ports[next++ % ports.length]!;
      const backend = connect(port, '127.0.0.1');
      let connected = false;
      sockets.add(backend);
      backend.once('connect', () => {
        connected = true;
        client.pipe(backend);
        backend.pipe(client);
        client.resume();
        backend.on('close', () => client.destroy());
        client.on('close', () => backend.destroy());
      });
      backend.on('close', () => sockets.delete(backend));
      backend.on('error', () => {
        backend.destroy();
        if (connected) client.destroy();
        else tryBackend(attempt + 1);
      });
    };
    tryBackend(0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Environment for a scale-out server process: fast unloads, immediate trims, quiet logs. */
export function instanceEnv(
  services: ScaleOutServices,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    ...services.env,
    STATIC_DIR: 'none',
    DATA_DIR: join(tmpdir(), 'trellis-scaleout-unused'),
    TRIM_GRACE_MS: '0',
    MAX_MESSAGES_PER_SECOND: '0',
    MAX_CONNECTIONS_PER_ADDRESS: '0',
    CONNECT_RATE_PER_ADDRESS: '0',
    ...extra,
  };
}

let shared: Promise<ScaleOutServices> | null = null;

/** Services started once per test file and reused (stop them with `stopSharedScaleOutServices`). */
export function sharedScaleOutServices(): Promise<ScaleOutServices> {
  shared ??= startScaleOutServices();
  return shared;
}

export async function stopSharedScaleOutServices(): Promise<void> {
  const services = shared;
  shared = null;
  if (services) await (await services).stop();
}

/**
 * A `RedisDocStore` on empty Redis and PostgreSQL, for the DocStore contract suite. `replace`
 * compacts inline (the contract expects one entry afterwards) and trims at once.
 */
export async function openScaleOutStoreForContract(options: { now?: () => number } = {}): Promise<{
  store: DocStore;
  reopen: () => Promise<DocStore>;
}> {
  const services = await sharedScaleOutServices();
  const redis = services.redis.client();
  const pool = services.postgres.pool();
  await ensureSchema(pool);
  await redis.flushall();
  await pool.query('TRUNCATE trellis_snapshots, trellis_history');
  const open = () =>
    new RedisDocStore({
      redis,
      pool,
      compaction: new Compaction({
        redis,
        pool,
        trimGraceMs: 0,
        ...(options.now ? { stamp: options.now } : {}),
      }),
      instanceId: 'contract',
      replaceMode: 'inline',
      ...(options.now ? { now: options.now } : {}),
    });
  return { store: open(), reopen: async () => open() };
}
