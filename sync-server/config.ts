import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULTS } from './core/sync-core';
import { DEFAULT_HISTORY_TIERS_TEXT, HistoryPolicyError, parseHistoryTiers } from './history/policy';
import { DEFAULT_HEARTBEAT_MS } from './http/ws-transport';
import { packageRoot } from './package-root';

/** Everything the server can be told, from flags with environment-variable fallback. */
export interface ServerConfig {
  host: string;
  port: number;
  dataDir: string;
  /** The built client to serve, or null to serve no files. */
  staticDir: string | null;
  unloadDelayMs: number;
  compactThreshold: number;
  batchWindowMs: number;
  maxMessageBytes: number;
  maxBufferedBytes: number;
  shutdownTimeoutMs: number;
  fsync: boolean;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** Human-readable logs (dev); JSON lines otherwise. */
  prettyLogs: boolean;
  /** HS256 secret: when set (or `authPublicKey`), every connection needs a token. */
  authSecret: string | null;
  /** PEM text or file of an ES256/RS256/EdDSA public key that verifies tokens. */
  authPublicKey: string | null;
  /** Take the client address from X-Forwarded-For (behind a reverse proxy), for limits and logs. */
  trustProxy: boolean;
  /** The address people open (share links; its host and origin are always allowed). */
  publicUrl: string | null;
  /** Open mode: Host names accepted besides loopback names, IP literals and `publicUrl`'s host. */
  allowedHosts: string[];
  /** Open mode: browser origins accepted besides the server's own and `publicUrl`'s. */
  allowedOrigins: string[];
  /** Abuse limits; 0 turns one off. */
  maxConnectionsPerAddress: number;
  connectRatePerAddress: number;
  connectBurstPerAddress: number;
  /** Rooms a multiplexed socket may join or leave per second, and at once above it (S14.8; 0: off). */
  muxJoinsPerSecond: number;
  muxJoinBurst: number;
  maxRooms: number;
  maxMessagesPerSecond: number;
  messageBurst: number;
  maxDocumentBytes: number;
  maxPresenceBytes: number;
  /** Ping sockets this often; drop those that miss a ping (0: off). */
  heartbeatMs: number;
  /** Scale-out mode (with `databaseUrl`): Redis holding every document's update stream. */
  redisUrl: string | null;
  /** Scale-out mode (with `redisUrl`): PostgreSQL holding compacted snapshots. */
  databaseUrl: string | null;
  /** Scale-out: serve clients (`sync`), run the compaction worker (`compactor`), or `both`. */
  role: 'sync' | 'compactor' | 'both';
  /** Scale-out: stream entries a snapshot covers stay this long for instances still reading them. */
  trimGraceMs: number;
  /** Versions kept of every document (S13): `<keep>:<every>` tiers, or `off`. */
  historyTiers: string;
}

export const DEFAULT_CONFIG: ServerConfig = {
  host: '127.0.0.1',
  port: 1234,
  dataDir: './data',
  // The package's own build, wherever the server is started from.
  staticDir: join(packageRoot() ?? '.', 'dist', 'client'),
  unloadDelayMs: DEFAULTS.unloadDelayMs,
  compactThreshold: DEFAULTS.compactThreshold,
  batchWindowMs: DEFAULTS.batchWindowMs,
  maxMessageBytes: 4 * 1024 * 1024,
  maxBufferedBytes: DEFAULTS.maxBufferedBytes,
  shutdownTimeoutMs: DEFAULTS.shutdownTimeoutMs,
  fsync: false,
  logLevel: 'info',
  prettyLogs: false,
  authSecret: null,
  authPublicKey: null,
  trustProxy: false,
  publicUrl: null,
  allowedHosts: [],
  allowedOrigins: [],
  // Generous: people behind one NAT share an address, and each open board uses a few sockets.
  maxConnectionsPerAddress: 500,
  // A team behind one NAT reconnecting after a restart gets in at once; a loop opening and
  // closing sockets is slowed to this rate.
  connectRatePerAddress: 50,
  connectBurstPerAddress: 200,
  // A tab opens a description or two per second; a reconnect joins all its rooms (up to the 256 a
  // socket holds, S14.3) at once. Each join costs an access check, maybe a load, and a sync.
  muxJoinsPerSecond: 20,
  muxJoinBurst: 256,
  maxRooms: DEFAULTS.maxRooms,
  maxMessagesPerSecond: DEFAULTS.maxMessagesPerSecond,
  messageBurst: DEFAULTS.messageBurst,
  maxDocumentBytes: DEFAULTS.maxDocumentBytes,
  maxPresenceBytes: DEFAULTS.maxPresenceBytes,
  heartbeatMs: DEFAULT_HEARTBEAT_MS,
  redisUrl: null,
  databaseUrl: null,
  role: 'both',
  trimGraceMs: 60_000,
  historyTiers: DEFAULT_HISTORY_TIERS_TEXT,
};

interface OptionSpec {
  key: keyof ServerConfig;
  flag: string;
  env: string;
  kind: 'string' | 'int' | 'bool' | 'level' | 'list';
  help: string;
}

const OPTIONS: OptionSpec[] = [
  { key: 'host', flag: 'host', env: 'HOST', kind: 'string', help: 'address to listen on' },
  { key: 'port', flag: 'port', env: 'PORT', kind: 'int', help: 'TCP port (0 picks a free one)' },
  { key: 'dataDir', flag: 'data-dir', env: 'DATA_DIR', kind: 'string', help: 'LevelDB directory' },
  { key: 'staticDir', flag: 'static-dir', env: 'STATIC_DIR', kind: 'string', help: 'built client to serve' },
  {
    key: 'unloadDelayMs',
    flag: 'unload-delay-ms',
    env: 'UNLOAD_DELAY_MS',
    kind: 'int',
    help: 'keep an idle document this long',
  },
  {
    key: 'compactThreshold',
    flag: 'compact-threshold',
    env: 'COMPACT_THRESHOLD',
    kind: 'int',
    help: 'merge the update log past this many entries',
  },
  {
    key: 'batchWindowMs',
    flag: 'batch-window-ms',
    env: 'BATCH_WINDOW_MS',
    kind: 'int',
    help: 'in a busy room, merge updates arriving within this window into one write and one frame',
  },
  {
    key: 'maxMessageBytes',
    flag: 'max-message-bytes',
    env: 'MAX_MESSAGE_BYTES',
    kind: 'int',
    help: 'largest accepted frame',
  },
  {
    key: 'maxBufferedBytes',
    flag: 'max-buffered-bytes',
    env: 'MAX_BUFFERED_BYTES',
    kind: 'int',
    help: 'past this many unsent bytes, hold updates back from a slow client and catch it up once it drains',
  },
  {
    key: 'shutdownTimeoutMs',
    flag: 'shutdown-timeout-ms',
    env: 'SHUTDOWN_TIMEOUT_MS',
    kind: 'int',
    help: 'how long shutdown waits for writes',
  },
  {
    key: 'fsync',
    flag: 'fsync',
    env: 'FSYNC',
    kind: 'bool',
    help: 'fsync every write (power-loss safe, slower)',
  },
  {
    key: 'logLevel',
    flag: 'log-level',
    env: 'LOG_LEVEL',
    kind: 'level',
    help: 'debug | info | warn | error | silent',
  },
  {
    key: 'prettyLogs',
    flag: 'pretty-logs',
    env: 'PRETTY_LOGS',
    kind: 'bool',
    help: 'human-readable logs (default: when stdout is a terminal)',
  },
  {
    key: 'authSecret',
    flag: 'auth-secret',
    env: 'AUTH_SECRET',
    kind: 'string',
    help: 'HS256 token secret (≥ 32 chars); set it to require tokens',
  },
  {
    key: 'authPublicKey',
    flag: 'auth-public-key',
    env: 'AUTH_PUBLIC_KEY',
    kind: 'string',
    help: 'PEM (text or file) verifying ES256/RS256/EdDSA tokens',
  },
  {
    key: 'trustProxy',
    flag: 'trust-proxy',
    env: 'TRUST_PROXY',
    kind: 'bool',
    help: 'client address from X-Forwarded-For (behind a proxy)',
  },
  {
    key: 'publicUrl',
    flag: 'public-url',
    env: 'PUBLIC_URL',
    kind: 'string',
    help: 'the address people open (share links; its host and origin are allowed)',
  },
  {
    key: 'allowedHosts',
    flag: 'allowed-hosts',
    env: 'ALLOWED_HOSTS',
    kind: 'list',
    help: 'without auth: comma-separated Host names accepted besides loopback names and IP addresses',
  },
  {
    key: 'allowedOrigins',
    flag: 'allowed-origins',
    env: 'ALLOWED_ORIGINS',
    kind: 'list',
    help: 'without auth: comma-separated browser origins accepted besides the server’s own',
  },
  {
    key: 'maxConnectionsPerAddress',
    flag: 'max-connections-per-address',
    env: 'MAX_CONNECTIONS_PER_ADDRESS',
    kind: 'int',
    help: 'open sockets per client address (429 above; 0: off)',
  },
  {
    key: 'connectRatePerAddress',
    flag: 'connect-rate-per-address',
    env: 'CONNECT_RATE_PER_ADDRESS',
    kind: 'int',
    help: 'new connections per second per client address (429 above; 0: off)',
  },
  {
    key: 'connectBurstPerAddress',
    flag: 'connect-burst-per-address',
    env: 'CONNECT_BURST_PER_ADDRESS',
    kind: 'int',
    help: 'new connections a client address may open at once above the rate',
  },
  {
    key: 'muxJoinsPerSecond',
    flag: 'mux-joins-per-second',
    env: 'MUX_JOINS_PER_SECOND',
    kind: 'int',
    help: 'rooms a multiplexed socket may join or leave per second (its reading pauses above; 0: off)',
  },
  {
    key: 'muxJoinBurst',
    flag: 'mux-join-burst',
    env: 'MUX_JOIN_BURST',
    kind: 'int',
    help: 'rooms a multiplexed socket may join or leave at once above the rate',
  },
  {
    key: 'maxRooms',
    flag: 'max-rooms',
    env: 'MAX_ROOMS',
    kind: 'int',
    help: 'documents loaded at once (idle ones unloaded, else 4503)',
  },
  {
    key: 'maxMessagesPerSecond',
    flag: 'max-messages-per-second',
    env: 'MAX_MESSAGES_PER_SECOND',
    kind: 'int',
    help: 'messages per connection per second (4429 above; 0: off)',
  },
  {
    key: 'messageBurst',
    flag: 'message-burst',
    env: 'MESSAGE_BURST',
    kind: 'int',
    help: 'messages a connection may send at once above the rate',
  },
  {
    key: 'maxDocumentBytes',
    flag: 'max-document-bytes',
    env: 'MAX_DOCUMENT_BYTES',
    kind: 'int',
    help: 'a document may not grow past this (4413; 0: off)',
  },
  {
    key: 'maxPresenceBytes',
    flag: 'max-presence-bytes',
    env: 'MAX_PRESENCE_BYTES',
    kind: 'int',
    help: 'one presence state may not exceed this (4414)',
  },
  {
    key: 'heartbeatMs',
    flag: 'heartbeat-ms',
    env: 'HEARTBEAT_MS',
    kind: 'int',
    help: 'ping sockets this often and drop those that miss a ping (0: off)',
  },
  {
    key: 'redisUrl',
    flag: 'redis-url',
    env: 'REDIS_URL',
    kind: 'string',
    help: 'scale-out mode (with --database-url): Redis for update streams',
  },
  {
    key: 'databaseUrl',
    flag: 'database-url',
    env: 'DATABASE_URL',
    kind: 'string',
    help: 'scale-out mode (with --redis-url): PostgreSQL for snapshots',
  },
  {
    key: 'role',
    flag: 'role',
    env: 'ROLE',
    kind: 'string',
    help: 'scale-out role: sync | compactor | both',
  },
  {
    key: 'trimGraceMs',
    flag: 'trim-grace-ms',
    env: 'TRIM_GRACE_MS',
    kind: 'int',
    help: 'scale-out: keep compacted stream entries this long',
  },
  {
    key: 'historyTiers',
    flag: 'history-tiers',
    env: 'HISTORY_TIERS',
    kind: 'string',
    help: 'versions kept of every document: <keep>:<every> tiers, youngest first (every: all, or a period), or off',
  },
];

const LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;

export type ConfigResult =
  | { ok: true; config: ServerConfig }
  | { ok: false; problems: string[] }
  | { help: true };

/** Parses flags and environment; returns every problem at once rather than the first. */
export function parseConfig(argv: string[], env: NodeJS.ProcessEnv, isTty = false): ConfigResult {
  const options: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' } };
  for (const spec of OPTIONS) options[spec.flag] = { type: spec.kind === 'bool' ? 'boolean' : 'string' };
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    return { ok: false, problems: [(error as Error).message] };
  }
  if (values.help) return { help: true };

  const problems: string[] = [];
  const config: Record<string, unknown> = { ...DEFAULT_CONFIG, prettyLogs: isTty };
  for (const spec of OPTIONS) {
    const flagValue = values[spec.flag];
    const raw = flagValue ?? env[spec.env];
    if (raw === undefined || raw === '') continue;
    const source = flagValue !== undefined ? `--${spec.flag}` : spec.env;
    switch (spec.kind) {
      case 'string':
        config[spec.key] = String(raw);
        break;
      case 'bool':
        if (typeof raw === 'boolean') config[spec.key] = raw;
        else if (['1', 'true', 'yes'].includes(raw)) config[spec.key] = true;
        else if (['0', 'false', 'no'].includes(raw)) config[spec.key] = false;
        else problems.push(`${source}: expected true or false, got ${JSON.stringify(raw)}`);
        break;
      case 'int': {
        const n = Number(raw);
        if (!Number.isInteger(n) || n < 0)
          problems.push(`${source}: expected a whole number ≥ 0, got ${JSON.stringify(raw)}`);
        else config[spec.key] = n;
        break;
      }
      case 'list':
        config[spec.key] = String(raw)
          .split(',')
          .map((item) => item.trim())
          .filter((item) => item !== '');
        break;
      case 'level':
        if ((LEVELS as readonly unknown[]).includes(raw)) config[spec.key] = raw;
        else problems.push(`${source}: expected one of ${LEVELS.join(', ')}, got ${JSON.stringify(raw)}`);
        break;
    }
  }
  const result = config as unknown as ServerConfig;
  if (result.port > 65535) problems.push(`port: ${result.port} is above 65535`);
  if (result.compactThreshold < 2) problems.push('compact threshold: must be at least 2');
  if (result.maxMessageBytes < 1024) problems.push('max message bytes: must be at least 1024');
  if (result.maxBufferedBytes < 64 * 1024) problems.push('max buffered bytes: must be at least 65536');
  if (result.staticDir === 'none') result.staticDir = null;
  if (result.publicUrl !== null && !/^https?:\/\/[^/]/.test(result.publicUrl)) {
    problems.push(`public url: expected http(s)://host[:port], got ${JSON.stringify(result.publicUrl)}`);
  }
  for (const origin of result.allowedOrigins) {
    if (!/^https?:\/\/[^/]+$/.test(origin)) {
      problems.push(`allowed origins: expected scheme://host[:port], got ${JSON.stringify(origin)}`);
    }
  }
  if (result.authSecret !== null && result.authPublicKey !== null) {
    problems.push('auth: set either an auth secret or an auth public key, not both');
  }
  if (result.authSecret !== null && result.authSecret.length < 32) {
    problems.push('auth secret: use at least 32 characters');
  }
  if ((result.redisUrl === null) !== (result.databaseUrl === null)) {
    problems.push('scale-out: set both a Redis URL and a database URL, or neither (LevelDB)');
  }
  try {
    parseHistoryTiers(result.historyTiers);
  } catch (error) {
    if (!(error instanceof HistoryPolicyError)) throw error;
    problems.push(`history tiers: ${error.message}`);
  }
  if (!['sync', 'compactor', 'both'].includes(result.role)) {
    problems.push(`role: expected sync, compactor or both, got ${JSON.stringify(result.role)}`);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, config: result };
}

export function configHelp(command = 'trellis-server start'): string {
  const lines = OPTIONS.map((s) => {
    const flag = `--${s.flag}${s.kind === 'bool' ? '' : ' <value>'}`;
    const fallback = String(DEFAULT_CONFIG[s.key] ?? '');
    return `  ${flag.padEnd(30)} ${s.help} [env ${s.env}${fallback ? `, default ${fallback}` : ''}]`;
  });
  return [
    `Usage: ${command} [options]`,
    '',
    'Options (flags override environment variables):',
    ...lines,
    '  --help',
  ].join('\n');
}
