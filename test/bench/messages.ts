/** IPC messages between the orchestrator (run.ts) and its load-generator processes (loadgen.ts). */
import type { ClientMode } from './protocol-client';
import type { HistogramJson } from './stats';

export interface ClientSpec {
  /** Index among all the scenario's clients (unique across generators). */
  id: number;
  room: string;
  awareness: boolean;
  /** Pre-fill the client's doc with a board of this many cards before connecting (0 = empty). */
  contentCards: number;
  /** Raw relay join storm: this client echoes join messages. */
  rawResponder?: boolean;
  /** Raw relay join storm: the client counts as synced when the echo of its join arrives. */
  rawSyncOnEcho?: boolean;
}

export type ToGenerator =
  | {
      type: 'connect';
      baseUrl: string;
      mode: ClientMode;
      clients: ClientSpec[];
      /** Open this many sockets at a time; Infinity (sent as 0) = all at once (join storm). */
      concurrency: number;
      /** Epoch ms at which to start opening (aligns the generators); 0 = now. */
      startAtMs: number;
      /** Wait until each client is synced (Yjs: step 2 received; raw: open or echo seen). */
      timeoutMs: number;
      /** After syncing, send one more step 1 and await its step 2 (the doc's content is applied). */
      probe: boolean;
    }
  | {
      type: 'load';
      startAtMs: number;
      durationMs: number;
      editsPerSecond: number;
      awareness: 'unaligned' | 'aligned' | 'none';
      renewEveryMs: number;
      /** Aligned mode: ms after start at which every client renews at once. */
      alignedAtMs: number;
      /** Number of clients in the whole scenario (size of the delivery bitmaps). */
      totalClients: number;
      /** Seeds the generator's PRNG (edit and renewal phases), so a run replays. */
      seed: number;
    }
  | { type: 'progress' }
  | { type: 'collect' }
  | { type: 'close' };

export interface GeneratorStats {
  edit: HistogramJson;
  awareness: HistogramJson;
  /** Distinct (receiver, sender, seq) deliveries of edits from other clients. */
  deliveredUnique: number;
  duplicates: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  wallMs: number;
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
  unexpectedCloses: number;
  closeCodes: Record<number, number>;
  rssBytes: number;
}

export type FromGenerator =
  | { type: 'ready' }
  | {
      type: 'connected';
      /** Per client: epoch ms it became synced, or null if it did not within the timeout. */
      syncedAtMs: (number | null)[];
      failures: number;
      errors: string[];
      /** The generator's own CPU (user + system) and wall time while connecting. */
      cpuMs: number;
      wallMs: number;
    }
  | { type: 'loadDone'; sent: { id: number; room: string; count: number }[] }
  | { type: 'progress'; deliveredUnique: number; lastDeliveryAtMs: number }
  | { type: 'stats'; stats: GeneratorStats }
  | { type: 'closed' }
  | { type: 'error'; message: string };
