/**
 * What the backpressure test and bench share: a Yjs reader on a socket that can stop reading, and
 * a reading of a server process's live memory (after a full collection, through its inspector).
 */
import { readFileSync } from 'node:fs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { WebSocket } from 'ws';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { MessageType } from '../../../shared/protocol';
import { encodeSyncStep1 } from '../../../shared/wire';
import { waitUntil } from '../../support/wait';
import { openStallableSocket, type StallableSocket } from './raw-socket';

export interface StalledReader {
  socket: StallableSocket;
  doc: Y.Doc;
  /** The awareness states it has received. */
  awareness: Map<number, Record<string, unknown>>;
  /** Bytes of messages read so far. */
  readonly bytes: number;
  destroy(): void;
}

/** A reader on a stallable socket that syncs and applies what it receives to its own document. */
export async function openStalledReader(port: number, room: string): Promise<StalledReader> {
  const socket = await openStallableSocket(port, room);
  const doc = new Y.Doc();
  const awareness = new awarenessProtocol.Awareness(doc);
  awareness.setLocalState(null);
  let bytes = 0;
  socket.onMessage((message) => {
    bytes += message.byteLength;
    const decoder = decoding.createDecoder(message);
    const type = decoding.readVarUint(decoder);
    if (type === MessageType.awareness) {
      awarenessProtocol.applyAwarenessUpdate(awareness, decoding.readVarUint8Array(decoder), 'server');
    }
    if (type !== MessageType.sync) return;
    const reply = encoding.createEncoder();
    encoding.writeVarUint(reply, MessageType.sync);
    syncProtocol.readSyncMessage(decoder, reply, doc, socket);
    if (encoding.length(reply) > 1) socket.send(encoding.toUint8Array(reply));
  });
  socket.send(encodeSyncStep1(Y.encodeStateVector(doc)));
  return {
    socket,
    doc,
    awareness: awareness.getStates() as Map<number, Record<string, unknown>>,
    get bytes() {
      return bytes;
    },
    destroy: () => {
      socket.destroy();
      awareness.destroy();
      doc.destroy();
    },
  };
}

/**
 * Environment for a server process whose live memory is to be read: its inspector on a free
 * loopback port (to collect garbage first), and buffers of 64 kB or more in their own mappings,
 * returned to the system when freed. What is then read is what is live, not garbage awaiting
 * collection nor memory the allocator kept: without both, readings move by ±5 MB or more.
 */
export const LIVE_MEMORY_ENV = {
  NODE_OPTIONS: '--inspect=127.0.0.1:0',
  MALLOC_MMAP_THRESHOLD_: '65536',
} as const;

export interface LiveMemory {
  /** Anonymous resident memory (RssAnon) after a full collection, in bytes. */
  read(): Promise<number>;
  close(): void;
}

/**
 * Connects to the inspector of a process started with `LIVE_MEMORY_ENV`; `logs` returns what it
 * printed so far (the inspector announces its address on stderr).
 */
export async function openLiveMemory(
  pid: number,
  logs: () => string,
  timeoutMs = 10_000,
): Promise<LiveMemory> {
  const announced = () => /Debugger listening on (ws:\/\/\S+)/.exec(logs())?.[1];
  await waitUntil(() => announced() !== undefined, `process ${pid} announces its inspector`, timeoutMs);
  const url = announced()!;
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let nextId = 1;
  const calls = new Map<number, () => void>();
  ws.on('message', (data: Buffer) => {
    const reply = JSON.parse(data.toString()) as { id?: number };
    if (reply.id !== undefined) {
      calls.get(reply.id)?.();
      calls.delete(reply.id);
    }
  });
  ws.on('error', () => {});
  return {
    read: async () => {
      await new Promise<void>((resolve) => {
        const id = nextId++;
        calls.set(id, resolve);
        ws.send(JSON.stringify({ id, method: 'HeapProfiler.collectGarbage' }));
      });
      return anonymousRssOf(pid);
    },
    close: () => ws.terminate(),
  };
}

/**
 * Anonymous resident memory of a process (RssAnon), in bytes: the heap and buffers a queue would
 * take, without the file pages (the binary, LevelDB's tables) the kernel maps in and out.
 */
export function anonymousRssOf(pid: number): number {
  const match = /^RssAnon:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no RssAnon in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}
