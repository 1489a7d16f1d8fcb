/**
 * A load-generator process for the idle scenarios (`idle.ts`): holds thousands of idle y-websocket
 * connections, each a bare `ws` socket without a Y.Doc (an idle client only needs to say what it
 * has, an empty state vector, and to answer the server's sync step 1 with an empty update), and
 * reconnects each with jittered backoff when the server goes away (client/sync/backoff.ts, the
 * policy our client uses). Driven over IPC by idle.ts; exits when the IPC channel closes.
 */
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { DEFAULT_BACKOFF, reconnectDelayMs } from '../../client/sync/backoff';
import { MessageType, SyncStep } from '../../shared/protocol';
import { fillBoard } from './content';

export type ToIdleWorker =
  | {
      type: 'open';
      /** ws://host:port; a room's URL is `${baseUrl}/${room}`. */
      baseUrl: string;
      rooms: string[];
      /** Which of `rooms` (by index) first send a small board (then await its sync step 2: stored). */
      withContent: number[];
      /** Sockets being opened at once. */
      concurrency: number;
      /** Source addresses to spread the sockets over (127.0.0.x), so no one address runs out of ports. */
      localAddresses: string[];
      timeoutMs: number;
      /** The raw relay answers nothing: a connection counts as synced once open. */
      syncedOnOpen: boolean;
    }
  | { type: 'status' }
  | { type: 'closeAll' };

export type FromIdleWorker =
  | { type: 'ready' }
  | { type: 'opened'; failures: number; cpuMs: number; wallMs: number }
  | { type: 'status'; synced: number; total: number; attempts: number; cpuMs: number }
  | { type: 'closed' }
  | { type: 'error'; message: string };

const CARDS = 10;
/** y-websocket sync step 1 with an empty state vector, and sync step 2 with an empty update. */
const STEP1_EMPTY = frame(SyncStep.step1, new Uint8Array([0]));
const STEP2_EMPTY = frame(SyncStep.step2, new Uint8Array([0, 0]));

function frame(step: number, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.sync);
  encoding.writeVarUint(encoder, step);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}

function awarenessFrame(clientId: number): Uint8Array {
  const update = encoding.createEncoder();
  encoding.writeVarUint(update, 1);
  encoding.writeVarUint(update, clientId);
  encoding.writeVarUint(update, 1);
  encoding.writeVarString(update, JSON.stringify({ user: { name: `idle-${clientId}`, color: '#3b82f6' } }));
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.awareness);
  encoding.writeVarUint8Array(encoder, encoding.toUint8Array(update));
  return encoding.toUint8Array(encoder);
}

const contentFrame = (() => {
  const doc = new Y.Doc();
  fillBoard(doc, CARDS, 1);
  return frame(SyncStep.update, Y.encodeStateAsUpdate(doc));
})();

let nextClientId = (process.pid % 1000) * 1_000_000;

class IdleConnection {
  private ws: WebSocket | null = null;
  synced = false;
  private attempt = 0;
  private retry: NodeJS.Timeout | null = null;
  private waiters: Array<() => void> = [];
  private readonly clientId = ++nextClientId;

  constructor(
    private readonly url: string,
    private readonly localAddress: string,
    /** Sent once, on the first connection only (the server stores it). */
    private content: Uint8Array | null,
    private readonly syncedOnOpen: boolean,
    private readonly worker: IdleWorker,
  ) {}

  open(): void {
    if (this.worker.stopping) return;
    this.worker.attempts++;
    const ws = new WebSocket(this.url, { perMessageDeflate: false, localAddress: this.localAddress });
    this.ws = ws;
    ws.binaryType = 'nodebuffer';
    ws.on('open', () => {
      if (this.content !== null) ws.send(this.content);
      this.content = null;
      // What the provider sends on open; the step 2 it gets back comes after the content is stored.
      ws.send(STEP1_EMPTY);
      ws.send(awarenessFrame(this.clientId));
      if (this.syncedOnOpen) this.markSynced();
    });
    ws.on('message', (data: Buffer) => {
      if (data[0] !== MessageType.sync) return;
      if (data[1] === SyncStep.step1) ws.send(STEP2_EMPTY);
      else if (data[1] === SyncStep.step2) this.markSynced();
    });
    ws.on('error', () => {});
    ws.on('close', () => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.synced) {
        this.synced = false;
        this.worker.synced--;
      }
      if (this.worker.stopping) return;
      this.attempt++;
      this.retry = setTimeout(
        () => {
          this.retry = null;
          this.open();
        },
        reconnectDelayMs(this.attempt, Math.random, DEFAULT_BACKOFF),
      );
    });
  }

  private markSynced(): void {
    if (this.synced) return;
    this.synced = true;
    this.worker.synced++;
    this.attempt = 0;
    for (const resolve of this.waiters.splice(0)) resolve();
  }

  whenSynced(timeoutMs: number): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  close(): void {
    if (this.retry !== null) clearTimeout(this.retry);
    this.retry = null;
    this.ws?.terminate();
    this.ws = null;
  }
}

class IdleWorker {
  private connections: IdleConnection[] = [];
  synced = 0;
  attempts = 0;
  stopping = false;

  async handle(message: ToIdleWorker): Promise<FromIdleWorker> {
    switch (message.type) {
      case 'open':
        return this.open(message);
      case 'status': {
        const cpu = process.cpuUsage();
        return {
          type: 'status',
          synced: this.synced,
          total: this.connections.length,
          attempts: this.attempts,
          cpuMs: (cpu.user + cpu.system) / 1000,
        };
      }
      case 'closeAll':
        this.stopping = true;
        for (const connection of this.connections) connection.close();
        this.connections = [];
        this.synced = 0;
        this.attempts = 0;
        this.stopping = false;
        return { type: 'closed' };
    }
  }

  private async open(message: Extract<ToIdleWorker, { type: 'open' }>): Promise<FromIdleWorker> {
    const cpuStart = process.cpuUsage();
    const started = performance.now();
    const withContent = new Set(message.withContent);
    const fresh = message.rooms.map(
      (room, i) =>
        new IdleConnection(
          `${message.baseUrl}/${room}`,
          message.localAddresses[i % message.localAddresses.length] as string,
          withContent.has(i) ? contentFrame : null,
          message.syncedOnOpen,
          this,
        ),
    );
    this.connections.push(...fresh);
    let next = 0;
    let failures = 0;
    const deadline = Date.now() + message.timeoutMs;
    const lane = async (): Promise<void> => {
      while (next < fresh.length) {
        const connection = fresh[next++] as IdleConnection;
        connection.open();
        if (!(await connection.whenSynced(Math.max(0, deadline - Date.now())))) failures++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(message.concurrency, fresh.length) }, lane));
    const cpu = process.cpuUsage(cpuStart);
    return {
      type: 'opened',
      failures,
      cpuMs: (cpu.user + cpu.system) / 1000,
      wallMs: performance.now() - started,
    };
  }
}

const worker = new IdleWorker();
process.on('message', (message: ToIdleWorker) => {
  worker.handle(message).then(
    (reply) => process.send?.(reply),
    (error: unknown) => process.send?.({ type: 'error', message: (error as Error).stack ?? String(error) }),
  );
});
process.on('disconnect', () => process.exit(0));
process.send?.({ type: 'ready' } satisfies FromIdleWorker);
