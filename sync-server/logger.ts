import pino from 'pino';
import type { Logger } from './core/ports';

/** Structured JSON lines in production; pino-pretty when a person reads the terminal. */
export function createLogger(level: string, pretty: boolean): Logger & pino.Logger {
  return pino({
    level,
    base: { service: 'trellis-sync' },
    ...(pretty
      ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'HH:MM:ss.l' } } }
      : {}),
  });
}
