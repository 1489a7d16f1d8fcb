import { existsSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerConfig } from '../../../sync-server/config';
import { type RunningServer, startServer } from '../../../sync-server/server';

const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
export const CLIENT_DIST = join(REPO_ROOT, 'dist/client');

/**
 * The real sync server serving the built client, on 127.0.0.1 with a temporary LevelDB directory.
 * `stop()`/`start()` take it down and bring it back on the same port and data, so pages (whose
 * origin is this server) see an outage and a return.
 */
export interface AppServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly running: boolean;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops and deletes the data directory. */
  dispose(): Promise<void>;
}

export async function startAppServer(overrides: Partial<ServerConfig> = {}): Promise<AppServer> {
  for (const file of ['index.html', 'sw.js', 'manifest.webmanifest']) {
    if (!existsSync(join(CLIENT_DIST, file))) {
      throw new Error(
        `E2E: ${join(CLIENT_DIST, file)} is missing; run \`npm run build\` before the e2e tests.`,
      );
    }
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'trellis-e2e-data-'));
  // Serve a snapshot: a `vite build` elsewhere in the shared tree empties dist/client mid-run.
  const staticDir = await mkdtemp(join(tmpdir(), 'trellis-e2e-client-'));
  await cp(CLIENT_DIST, staticDir, { recursive: true });
  const config = {
    host: '127.0.0.1',
    dataDir,
    staticDir,
    logLevel: 'warn' as const,
    // Short shutdown so an outage in a test begins promptly.
    shutdownTimeoutMs: 2_000,
    ...overrides,
  };
  let server: RunningServer | null = await startServer({ ...config, port: 0 });
  const port = server.port;
  const appServer: AppServer = {
    url: `http://127.0.0.1:${port}`,
    get running() {
      return server !== null;
    },
    async stop() {
      const running = server;
      server = null;
      await running?.close();
    },
    async start() {
      if (server !== null) return;
      server = await startServer({ ...config, port });
    },
    async dispose() {
      await appServer.stop();
      await rm(dataDir, { recursive: true, force: true });
      await rm(staticDir, { recursive: true, force: true });
    },
  };
  return appServer;
}
