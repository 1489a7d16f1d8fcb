import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as Y from 'yjs';
import type { ServerConfig } from '../../../sync-server/config';
import type { DocStore } from '../../../sync-server/core/doc-store';
import { type RunningServer, type StartOptions, startServer } from '../../../sync-server/server';
import { LevelDocStore } from '../../../sync-server/storage/level-doc-store';

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
  /**
   * Resolves with the time (`Date.now()`) at which what the server has written to its store for `room`
   * first satisfied `holds`: checked after every completed write, so the time is when it was stored, not
   * when it was sent or broadcast. Follows the room across `stop()`/`start()` (a restart reloads it).
   */
  whenStored(room: string, holds: (stored: Y.Doc) => boolean): Promise<number>;
}

interface StoredWatch {
  room: string;
  holds: (stored: Y.Doc) => boolean;
  resolve: (at: number) => void;
}

function checkWatches(room: string, watches: Set<StoredWatch>, mirrors: Map<string, Y.Doc>): void {
  const mirror = mirrors.get(room);
  if (mirror === undefined) return;
  const at = Date.now();
  for (const watch of [...watches]) {
    if (watch.room === room && watch.holds(mirror)) {
      watches.delete(watch);
      watch.resolve(at);
    }
  }
}

/**
 * The server's LevelDB store, with a copy of each room's stored content kept beside it: set from what the
 * server loads (it loads a room before anything else touches it) and advanced by every write that completed.
 */
function observedStore(store: DocStore, watches: Set<StoredWatch>, mirrors: Map<string, Y.Doc>): DocStore {
  const check = (room: string) => checkWatches(room, watches, mirrors);
  const mirrorOf = (room: string, updates: Uint8Array[]) => {
    const mirror = new Y.Doc();
    for (const update of updates) Y.applyUpdate(mirror, update);
    mirrors.get(room)?.destroy();
    mirrors.set(room, mirror);
  };
  const appended = (room: string, update: Uint8Array) => {
    const mirror = mirrors.get(room);
    if (mirror) Y.applyUpdate(mirror, update);
    check(room);
  };
  // A Proxy forwards every other method unchanged, whatever the store interface grows.
  return new Proxy(store, {
    get(target, key) {
      const value = Reflect.get(target, key, target) as unknown;
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (key === 'load') {
        return async (room: string, ...rest: unknown[]) => {
          const loaded = (await method.call(target, room, ...rest)) as { updates: Uint8Array[] };
          mirrorOf(room, loaded.updates);
          check(room);
          return loaded;
        };
      }
      if (key === 'appendSync') {
        return (room: string, update: Uint8Array) => {
          method.call(target, room, update);
          appended(room, update);
        };
      }
      if (key === 'append' || key === 'replace') {
        return async (room: string, update: Uint8Array, ...rest: unknown[]) => {
          const result = await method.call(target, room, update, ...rest);
          if (key === 'append') appended(room, update);
          else {
            mirrorOf(room, [update]);
            check(room);
          }
          return result;
        };
      }
      return method.bind(target);
    },
  });
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

/**
 * `options.clock`: the server's clock (an `OffsetClock` lets a test store a version "yesterday", S13.1);
 * kept across `stop()`/`start()`.
 */
export async function startAppServer(
  overrides: Partial<ServerConfig> = {},
  options: Pick<StartOptions, 'clock'> = {},
): Promise<AppServer> {
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
  const watches = new Set<StoredWatch>();
  const mirrors = new Map<string, Y.Doc>();
  const start = async (port: number) => {
    // History times come from the store's clock (S13.1): the server's, when the test gave one.
    const clock = options.clock;
    const store = await LevelDocStore.open(config.dataDir, {
      fsync: config.fsync ?? false,
      ...(clock ? { now: () => clock.now() } : {}),
    });
    return startServer(
      { ...config, port },
      { store: observedStore(store, watches, mirrors), ...(options.clock ? { clock: options.clock } : {}) },
    );
  };
  let server: RunningServer | null = await start(0);
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
      server = await start(port);
    },
    async dispose() {
      await appServer.stop();
      await rm(dataDir, { recursive: true, force: true });
      await rm(staticDir, { recursive: true, force: true });
    },
    whenStored(room, holds) {
      return new Promise((resolve) => {
        watches.add({ room, holds, resolve });
        checkWatches(room, watches, mirrors);
      });
    },
  };
  return appServer;
}
