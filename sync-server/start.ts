/** Starts the sync server with flags/environment; stops cleanly on SIGINT/SIGTERM. */
import { configHelp, parseConfig } from './config';
import { createLogger } from './logger';
import { startServer } from './server';

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
  const server = await startServer(config, { logger });
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
