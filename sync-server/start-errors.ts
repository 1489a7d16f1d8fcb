/**
 * The one line an operator reads when the server cannot start: what is wrong and what to do, never
 * a stack trace. Errors it does not know keep their message (still one line).
 */
import type { ServerConfig } from './config';

interface SystemError {
  code?: string;
  syscall?: string;
  path?: string;
  port?: number;
  cause?: unknown;
  message?: string;
}

export function describeStartError(
  error: unknown,
  config: Pick<ServerConfig, 'dataDir' | 'host' | 'port'>,
): string {
  const e = (error ?? {}) as SystemError;
  const cause = (e.cause ?? {}) as SystemError;
  if (
    cause.code === 'LEVEL_LOCKED' ||
    /\block\b.*(temporarily unavailable|already held)/i.test(String(cause.message))
  ) {
    return `the data directory ${config.dataDir} is already in use by another process (is a server already running on it?)`;
  }
  switch (e.code) {
    case 'EADDRINUSE':
      return `port ${e.port ?? config.port} on ${config.host} is already in use (choose another with --port or PORT)`;
    case 'EADDRNOTAVAIL':
      return `cannot listen on ${config.host}: no such address on this machine (--host or HOST)`;
    case 'EACCES':
      if (e.syscall === 'listen')
        return `not allowed to listen on port ${config.port} (ports below 1024 need privileges)`;
      return `cannot write the data directory ${config.dataDir}: permission denied (${e.path ?? config.dataDir})`;
    case 'EPERM':
    case 'EROFS':
      return `cannot write the data directory ${config.dataDir}: ${e.code === 'EROFS' ? 'read-only file system' : 'operation not permitted'} (${e.path ?? config.dataDir})`;
    case 'EEXIST':
    case 'ENOTDIR':
      return `the data directory ${config.dataDir} is not a directory (a file is in the way: ${e.path ?? config.dataDir})`;
    case 'ENOSPC':
      return `no space left on the device of ${config.dataDir}`;
  }
  const message = String(e.message ?? error).split('\n')[0];
  return `failed to start: ${message}`;
}
