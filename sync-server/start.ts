/** Starts the sync server with flags/environment; stops cleanly on SIGINT/SIGTERM. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { configHelp, parseConfig } from './config';
import { CLOCK_OFFSET_ENV, offsetClockFromEnv } from './history/test-clock';
import { createLogger } from './logger';
import { type RunningServer, startServer } from './server';
import { describeStartError } from './start-errors';

export async function runStart(argv: string[]): Promise<void> {
  const parsed = parseConfig(argv, process.env, Boolean(process.stdout.isTTY));
  if ('help' in parsed) {
    console.log(configHelp());
    return;
  }
  if (!parsed.ok) {
    console.error(
      `trellis-server: invalid configuration:\n${parsed.problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    process.exitCode = 2;
    return;
  }
  const { config } = parsed;
  const logger = createLogger(config.logLevel, config.prettyLogs);
  let server: RunningServer;
  try {
    // A testing aid (test-clock.ts), read once here.
    const clock = offsetClockFromEnv(process.env);
    if (clock)
      logger.warn(
        { offsetMs: clock.offsetMs },
        `${CLOCK_OFFSET_ENV} is set: the server clock is shifted (testing only)`,
      );
    server = await startServer(config, { logger, ...(clock ? { clock } : {}) });
  } catch (error) {
    console.error(`trellis-server: ${describeStartError(error, config)}`);
    // What did open (the store, a socket) would keep the process alive.
    process.exit(1);
  }
  if (config.staticDir !== null && !existsSync(join(config.staticDir, 'index.html'))) {
    logger.warn(
      { staticDir: config.staticDir },
      'no built client there: every page answers 404 (run `npm run build`, or set STATIC_DIR)',
    );
  }
  let signals = 0;
  const shutdown = (signal: string) => {
    signals++;
    if (signals > 1) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    logger.info({ signal }, 'shutting down: storing every document');
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}
