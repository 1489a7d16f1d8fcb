/**
 * What every `trellis-server` subcommand shares: its output, the common flags, and where it acts (the
 * data directory, or the running server that holds it). Secrets and addresses fall back to the same
 * environment variables the server reads.
 */
import { parseArgs } from 'node:util';
import { readAdminCredential } from '../admin/local-files';
import { privateSignKey, Role, type SignKey, secretKey, signToken } from '../auth/tokens';
import { DEFAULT_CONFIG } from '../config';
import type { Logger } from '../core/ports';
import { openTarget, type Target } from './target';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  /**
   * Writes to standard output and resolves once the text is handed on, so a large stream (`backup
   * --stdout`) waits for a slow reader; rejects with OutputClosedError when the reader has gone.
   * Without it, `out` is used.
   */
  write?(text: string): Promise<void>;
  /** All of standard input (`restore -`). */
  readInput?(): Promise<string>;
}

export const COMMON_FLAGS = {
  'data-dir': { type: 'string' },
  server: { type: 'string' },
  'auth-secret': { type: 'string' },
  'auth-private-key': { type: 'string' },
  help: { type: 'boolean' },
} as const;

export const COMMON_HELP = `Common options:
  --data-dir <dir>          data directory when no server runs [env DATA_DIR, default ./data]
  --server <url>            act through this running server's admin endpoints
                            (default: the data directory; if a server holds it, http://127.0.0.1:PORT)
  --auth-secret <secret>    HS256 secret, to sign admin/share tokens [env AUTH_SECRET]
  --auth-private-key <pem>  PEM text or file, for ES256/RS256/EdDSA servers [env AUTH_PRIVATE_KEY]`;

export class UsageError extends Error {}

export type FlagSpec = Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;

export type Values = Record<string, string | boolean | string[] | undefined>;

export function parse(args: string[], flags: FlagSpec): { values: Values; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({
      args,
      options: { ...COMMON_FLAGS, ...flags },
      allowPositionals: true,
      strict: true,
    });
    return { values: values as Values, positionals };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export function str(values: Values, flag: string): string | undefined {
  const value = values[flag];
  return typeof value === 'string' ? value : undefined;
}

export function dataDirOf(values: Values, io: CliIo): string {
  return str(values, 'data-dir') ?? io.env.DATA_DIR ?? DEFAULT_CONFIG.dataDir;
}

export function signKeyFrom(values: Values, io: CliIo): SignKey | null {
  const secret = str(values, 'auth-secret') ?? io.env.AUTH_SECRET;
  if (secret) return secretKey(secret);
  const privateKey = str(values, 'auth-private-key') ?? io.env.AUTH_PRIVATE_KEY;
  if (privateKey) return privateSignKey(privateKey);
  return null;
}

export function serverBase(io: CliIo): string {
  const host = io.env.HOST && !['0.0.0.0', '::'].includes(io.env.HOST) ? io.env.HOST : '127.0.0.1';
  const port = io.env.PORT || String(DEFAULT_CONFIG.port);
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

async function target(values: Values, io: CliIo, localOnly: boolean, create: boolean): Promise<Target> {
  const key = signKeyFrom(values, io);
  const dataDir = dataDirOf(values, io);
  return openTarget({
    dataDir,
    serverUrl: str(values, 'server') ?? null,
    defaultServerUrl: serverBase(io),
    // The credential the server wrote into its data directory; else a short-lived admin token.
    adminToken: async () =>
      (await readAdminCredential(dataDir)) ??
      (key
        ? signToken(key, {
            boards: ['*'],
            role: Role.admin,
            name: 'trellis-server CLI',
            expiresInSeconds: 300,
          })
        : null),
    localOnly,
    create,
    logger: cliLogger(io),
  });
}

/**
 * Warnings and errors as one line each on standard error (the server logs them as JSON instead);
 * the details the store attaches (which journal) follow the message.
 */
export function cliLogger(io: CliIo): Logger {
  const line =
    (label: string) =>
    (details: object, message?: string): void => {
      const fields = Object.entries(details)
        .map(([key, value]) => `${key} ${String(value)}`)
        .join(', ');
      io.err(`trellis-server: ${label}: ${message ?? ''}${fields ? ` (${fields})` : ''}\n`);
    };
  return { debug() {}, info() {}, warn: line('warning'), error: line('error') };
}

export async function using<T>(
  values: Values,
  io: CliIo,
  fn: (t: Target) => Promise<T>,
  { localOnly = false, create = false } = {},
): Promise<T> {
  const t = await target(values, io, localOnly, create);
  try {
    return await fn(t);
  } finally {
    await t.close();
  }
}

/** Rows under a header, each column as wide as its widest cell. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  return [header, ...rows]
    .map(
      (row) =>
        `${row
          .map((cell, i) => cell.padEnd(widths[i]!))
          .join('  ')
          .trimEnd()}\n`,
    )
    .join('');
}
