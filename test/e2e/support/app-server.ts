import { existsSync, readFileSync } from 'node:fs';
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

const BUILD_FILES = ['index.html', 'sw.js', 'manifest.webmanifest'];
/** Another engineer's `vite build` in the shared tree empties dist/client for a few seconds. */
const BUILD_WAIT_MS = 45_000;

const hasBuild = (dir: string) => BUILD_FILES.every((file) => existsSync(join(dir, file)));

/** The copy is whole if every asset its index.html loads came along (a rebuild may have raced it). */
function isCompleteCopy(dir: string): boolean {
  if (!hasBuild(dir)) return false;
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const assets = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((match) => match[1] ?? '');
  return assets.length > 0 && assets.every((asset) => existsSync(join(dir, asset)));
}

/** Copies the built client to `target`, waiting out a rebuild in progress; fails if there is no build. */
async function snapshotClient(target: string): Promise<void> {
  const deadline = Date.now() + BUILD_WAIT_MS;
  for (;;) {
    if (hasBuild(CLIENT_DIST)) {
      await rm(target, { recursive: true, force: true });
      await cp(CLIENT_DIST, target, { recursive: true }).catch(() => undefined);
      if (isCompleteCopy(target)) return;
    }
    if (Date.now() > deadline) {
      const missing = BUILD_FILES.filter((file) => !existsSync(join(CLIENT_DIST, file)));
      throw new Error(
        `E2E: ${missing.map((file) => join(CLIENT_DIST, file)).join(', ')} missing; run \`npm run build\` before the e2e tests.`,
      );
    }
    // Polling: a build in another process gives no event to wait for.
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export async function startAppServer(overrides: Partial<ServerConfig> = {}): Promise<AppServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'trellis-e2e-data-'));
  // Serve a snapshot: a `vite build` elsewhere in the shared tree empties dist/client mid-run.
  const staticDir = await mkdtemp(join(tmpdir(), 'trellis-e2e-client-'));
  await snapshotClient(staticDir);
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
