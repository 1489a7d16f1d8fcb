/**
 * A load-generator process: owns a share of a scenario's clients and is driven by the orchestrator
 * over IPC (messages.ts). Started with `fork` by generators.ts; exits when the IPC channel closes.
 * It measures itself (CPU, event-loop delay) so the report can say when it was the bottleneck.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fillBoard } from './content';
import type { ClientSpec, FromGenerator, GeneratorStats, ToGenerator } from './messages';
import { BenchClient, type ClientMode } from './protocol-client';
import { LatencyHistogram, seededRandom } from './stats';

/**
 * Sampling interval of the event-loop monitor. Its histogram records whole sampling intervals, so
 * the resolution is subtracted to report how late the loop ran.
 */
const EVENT_LOOP_RESOLUTION_MS = 10;
/** Headroom in the delivery bitmaps over the planned number of edits per client. */
const SEQ_SLACK = 4;

function send(message: FromGenerator): void {
  process.send?.(message);
}

interface Receiver {
  client: BenchClient;
  /** Bit (sender · maxSeq + seq) is set once that edit has reached this client. */
  delivered: Uint8Array;
  /** Highest awareness renewal seen per sender, so a re-sent state is not counted twice. */
  awarenessSeen: Int32Array;
  /**
   * Set when its run is over: a client terminated at the end of one run reports its close (and
   * could report frames) after the counters were reset for the next run; those must not count.
   */
  retired: boolean;
}

class Generator {
  private receivers: Receiver[] = [];
  private mode: ClientMode = 'yjs';
  private editHistogram = new LatencyHistogram();
  private awarenessHistogram = new LatencyHistogram();
  private deliveredUnique = 0;
  private lastDeliveryAtMs = 0;
  private duplicates = 0;
  private unexpectedCloses = 0;
  /** Close code → how many clients the server closed with it (unexpectedly). */
  private closeCodes: Record<number, number> = {};
  private closing = false;
  private maxSeq = 0;
  private totalClients = 0;
  private loadCpu = { user: 0, system: 0 };
  private loadWallMs = 0;
  private loadCpuStart = process.cpuUsage();
  private readonly eventLoopDelay = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS });
  private readonly timers = new Set<NodeJS.Timeout>();

  async handle(message: ToGenerator): Promise<void> {
    switch (message.type) {
      case 'connect':
        await this.connect(message);
        return;
      case 'load':
        this.load(message);
        return;
      case 'progress':
        send({
          type: 'progress',
          deliveredUnique: this.deliveredUnique,
          lastDeliveryAtMs: this.lastDeliveryAtMs,
        });
        return;
      case 'collect':
        send({ type: 'stats', stats: this.stats() });
        return;
      case 'close':
        await this.close();
        // A full collection now, between runs, of what the run's clients left: otherwise it comes
        // during the next run's load and lands in whichever server is measured next.
        collectGarbage();
        send({ type: 'closed' });
        return;
    }
  }

  private addClient(baseUrl: string, spec: ClientSpec): Receiver {
    const receiver: Receiver = {
      client: undefined as unknown as BenchClient,
      delivered: new Uint8Array(0),
      awarenessSeen: new Int32Array(0),
      retired: false,
    };
    const client = new BenchClient({
      url: `${baseUrl}/${spec.room}`,
      id: spec.id,
      mode: this.mode,
      awareness: spec.awareness,
      rawResponder: spec.rawResponder === true,
      rawSyncOnEcho: spec.rawSyncOnEcho === true,
      handlers: {
        onEdit: (marker, receivedAtMs) => {
          if (receiver.retired) return;
          if (marker.sender === spec.id || marker.seq > this.maxSeq || marker.sender >= this.totalClients)
            return;
          const bit = marker.sender * this.maxSeq + marker.seq;
          const byte = bit >> 3;
          const mask = 1 << (bit & 7);
          if (((receiver.delivered[byte] as number) & mask) !== 0) {
            this.duplicates++;
            return;
          }
          receiver.delivered[byte] = (receiver.delivered[byte] as number) | mask;
          this.deliveredUnique++;
          this.lastDeliveryAtMs = receivedAtMs;
          this.editHistogram.record(receivedAtMs - marker.epochMs);
        },
        onAwareness: (marker, receivedAtMs) => {
          if (receiver.retired) return;
          if (marker.sender === spec.id || marker.seq === 0 || marker.sender >= this.totalClients) return;
          if ((receiver.awarenessSeen[marker.sender] as number) >= marker.seq) return;
          receiver.awarenessSeen[marker.sender] = marker.seq;
          this.awarenessHistogram.record(receivedAtMs - marker.epochMs);
        },
        onClose: (code) => {
          if (this.closing || receiver.retired) return;
          this.unexpectedCloses++;
          this.closeCodes[code] = (this.closeCodes[code] ?? 0) + 1;
        },
      },
    });
    if (spec.contentCards > 0) fillBoard(client.doc, spec.contentCards, spec.id + 1);
    receiver.client = client;
    this.receivers.push(receiver);
    return receiver;
  }

  private async connect(message: Extract<ToGenerator, { type: 'connect' }>): Promise<void> {
    this.mode = message.mode;
    const wait = message.startAtMs - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const errors: string[] = [];
    const first = this.receivers.length;
    const cpuStart = process.cpuUsage();
    const wallStart = performance.now();
    const openOne = async (spec: ClientSpec): Promise<void> => {
      const { client } = this.addClient(message.baseUrl, spec);
      try {
        await client.whenOpen();
        await client.whenSynced(message.timeoutMs);
        if (message.probe && message.mode === 'yjs') await client.probe(message.timeoutMs);
      } catch (err) {
        if (errors.length < 5) errors.push(`client ${spec.id}: ${(err as Error).message}`);
      }
    };
    const concurrency = message.concurrency > 0 ? message.concurrency : message.clients.length;
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < message.clients.length) {
        const spec = message.clients[next++] as ClientSpec;
        await openOne(spec);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, message.clients.length) }, lane));
    const syncedAtMs = this.receivers
      .slice(first)
      .map((r) => (Number.isNaN(r.client.syncedAtMs) ? null : r.client.syncedAtMs));
    const cpu = process.cpuUsage(cpuStart);
    send({
      type: 'connected',
      syncedAtMs,
      failures: syncedAtMs.filter((s) => s === null).length,
      errors,
      cpuMs: (cpu.user + cpu.system) / 1000,
      wallMs: performance.now() - wallStart,
    });
  }

  private schedule(atEpochMs: number, run: () => void): void {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        run();
      },
      Math.max(0, atEpochMs - Date.now()),
    );
    this.timers.add(timer);
  }

  private load(message: Extract<ToGenerator, { type: 'load' }>): void {
    const random = seededRandom(message.seed);
    const start = message.startAtMs;
    const end = start + message.durationMs;
    this.totalClients = message.totalClients;
    this.maxSeq = Math.ceil((message.editsPerSecond * message.durationMs) / 1000) + SEQ_SLACK;
    const bitmapBytes = Math.ceil((this.totalClients * this.maxSeq + 1) / 8);
    for (const receiver of this.receivers) {
      receiver.delivered = new Uint8Array(bitmapBytes);
      receiver.awarenessSeen = new Int32Array(this.totalClients);
    }
    const intervalMs = message.editsPerSecond > 0 ? 1000 / message.editsPerSecond : Number.POSITIVE_INFINITY;
    let pending = 0;
    const finishOne = (): void => {
      if (--pending > 0) return;
      const usage = process.cpuUsage(this.loadCpuStart);
      this.loadCpu = { user: usage.user / 1000, system: usage.system / 1000 };
      this.loadWallMs = Date.now() - start;
      send({
        type: 'loadDone',
        sent: this.receivers.map((r) => ({
          id: r.client.options.id,
          room: new URL(r.client.options.url).pathname.slice(1),
          count: r.client.editsSent,
        })),
      });
    };
    for (const receiver of this.receivers) {
      const client = receiver.client;
      if (!Number.isFinite(intervalMs)) continue;
      pending++;
      const phase = random() * intervalMs;
      let k = 0;
      const tick = (): void => {
        const due = start + phase + k * intervalMs;
        if (due >= end || client.editsSent >= this.maxSeq - SEQ_SLACK) {
          finishOne();
          return;
        }
        this.schedule(due, () => {
          if (client.isOpen) client.edit();
          k++;
          tick();
        });
      };
      tick();
    }
    if (message.awareness === 'unaligned') {
      for (const { client } of this.receivers) {
        const phase = random() * message.renewEveryMs;
        for (let at = start + phase; at < end; at += message.renewEveryMs) {
          this.schedule(at, () => client.renewAwareness());
        }
      }
    } else if (message.awareness === 'aligned') {
      for (let at = start + message.alignedAtMs; at < end; at += message.renewEveryMs) {
        this.schedule(at, () => {
          for (const { client } of this.receivers) client.renewAwareness();
        });
      }
    }
    this.schedule(start, () => {
      this.loadCpuStart = process.cpuUsage();
      this.eventLoopDelay.reset();
      this.eventLoopDelay.enable();
    });
    if (pending === 0) {
      pending = 1;
      this.schedule(end, finishOne);
    }
  }

  private stats(): GeneratorStats {
    this.eventLoopDelay.disable();
    const toMs = (ns: number): number =>
      Number.isFinite(ns) ? Math.max(0, ns / 1e6 - EVENT_LOOP_RESOLUTION_MS) : 0;
    return {
      edit: this.editHistogram.toJSON(),
      awareness: this.awarenessHistogram.toJSON(),
      deliveredUnique: this.deliveredUnique,
      duplicates: this.duplicates,
      cpuUserMs: this.loadCpu.user,
      cpuSystemMs: this.loadCpu.system,
      wallMs: this.loadWallMs,
      eventLoopDelayP99Ms: toMs(this.eventLoopDelay.percentile(99)),
      eventLoopDelayMaxMs: toMs(this.eventLoopDelay.max),
      unexpectedCloses: this.unexpectedCloses,
      closeCodes: this.closeCodes,
      rssBytes: process.memoryUsage().rss,
    };
  }

  /** Close every client and forget the run, so the process can serve the next run. */
  private async close(): Promise<void> {
    this.closing = true;
    for (const receiver of this.receivers) receiver.retired = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const { client } of this.receivers) client.close();
    const deadline = Date.now() + 3000;
    while (Date.now() < deadline && this.receivers.some((r) => !r.client.closed)) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    for (const { client } of this.receivers) if (!client.closed) client.terminate();
    this.receivers = [];
    this.editHistogram = new LatencyHistogram();
    this.awarenessHistogram = new LatencyHistogram();
    this.deliveredUnique = 0;
    this.lastDeliveryAtMs = 0;
    this.duplicates = 0;
    this.unexpectedCloses = 0;
    this.closeCodes = {};
    this.maxSeq = 0;
    this.totalClients = 0;
    this.loadCpu = { user: 0, system: 0 };
    this.loadWallMs = 0;
    this.eventLoopDelay.disable();
    this.eventLoopDelay.reset();
    this.closing = false;
  }
}

/** `global.gc`, which the pool's `--expose-gc` provides. */
function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('the load generator needs --expose-gc');
  gc();
}

const generator = new Generator();
process.on('message', (message: ToGenerator) => {
  generator.handle(message).catch((err: unknown) => {
    send({ type: 'error', message: (err as Error).stack ?? String(err) });
  });
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
