import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import type { ServerConfig } from '../../../sync-server/config';
import { type RunningServer, type StartOptions, startServer } from '../../../sync-server/server';
import { type ServerProcess, stopServer } from './server-process';

export interface TestServer extends RunningServer {
  dataDir: string;
}

const cleanups: Array<() => Promise<void>> = [];
// Every Node provider adds a process 'exit' listener; tests open many.
process.setMaxListeners(200);

/** Starts the real server on 127.0.0.1, an ephemeral port and a temporary data dir. */
export async function startTestServer(
  config: Partial<ServerConfig> = {},
  options: StartOptions = {},
): Promise<TestServer> {
  const dataDir = config.dataDir ?? (await mkdtemp(join(tmpdir(), 'trellis-test-')));
  const server = await startServer(
    {
      host: '127.0.0.1',
      port: 0,
      staticDir: null,
      logLevel: 'silent',
      unloadDelayMs: 60_000,
      ...config,
      dataDir,
    },
    options,
  );
  cleanups.push(async () => {
    await server.close();
    if (!config.dataDir) await rm(dataDir, { recursive: true, force: true });
  });
  return { ...server, dataDir };
}

export interface TestClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  text: Y.Text;
  destroy(): void;
}

/** A stock y-websocket provider in Node (no BroadcastChannel, which would sync around the server). */
export function connectClient(
  wsUrl: string,
  room: string,
  options: { params?: Record<string, string>; connect?: boolean; doc?: Y.Doc } = {},
): TestClient {
  const doc = options.doc ?? new Y.Doc();
  const provider = new WebsocketProvider(wsUrl, room, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    connect: options.connect ?? true,
    params: options.params ?? {},
    maxBackoffTime: 200,
  });
  const client: TestClient = {
    doc,
    provider,
    text: doc.getText('t'),
    destroy: () => {
      provider.destroy();
      doc.destroy();
    },
  };
  cleanups.push(async () => client.destroy());
  return client;
}

export function whenSynced(client: TestClient, timeoutMs = 10_000): Promise<void> {
  if (client.provider.synced) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`client not synced after ${timeoutMs} ms`)), timeoutMs);
    client.provider.once('sync', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** A temporary directory that cleanup() removes (after what was started later in it stopped). */
export async function tempDir(prefix = 'trellis-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A spawned server that cleanup() kills (SIGKILL, by its PID) if it still runs. */
export function killOnCleanup(server: ServerProcess): ServerProcess {
  cleanups.push(() => stopServer(server, 'SIGKILL'));
  return server;
}

/** Call from afterEach: destroys clients and stops servers the test started, newest first. */
export async function cleanup(): Promise<void> {
  while (cleanups.length > 0) await cleanups.pop()?.();
}

export function sameState(a: Y.Doc, b: Y.Doc): boolean {
  return Buffer.from(Y.encodeStateVector(a)).equals(Buffer.from(Y.encodeStateVector(b)));
}
