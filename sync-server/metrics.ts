import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { CoreMetrics } from './core/ports';

/** Prometheus metrics for one server instance (its own registry, so tests can run several). */
export function createMetrics(): { registry: Registry; core: CoreMetrics } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'trellis_' });
  const connections = new Gauge({
    name: 'trellis_connections',
    help: 'Open websocket connections',
    registers: [registry],
  });
  const closes = new Counter({
    name: 'trellis_connections_closed_total',
    help: 'Closed connections by close code',
    labelNames: ['code'],
    registers: [registry],
  });
  const rooms = new Gauge({
    name: 'trellis_rooms_loaded',
    help: 'Documents loaded in memory',
    registers: [registry],
  });
  const loadSeconds = new Histogram({
    name: 'trellis_room_load_seconds',
    help: 'Time to load a document from storage',
    buckets: [0.001, 0.005, 0.02, 0.1, 0.5, 2, 10],
    registers: [registry],
  });
  const messagesIn = new Counter({
    name: 'trellis_messages_in_total',
    help: 'Messages received by kind',
    labelNames: ['kind'],
    registers: [registry],
  });
  const bytesIn = new Counter({
    name: 'trellis_bytes_in_total',
    help: 'Bytes received',
    registers: [registry],
  });
  const framesOut = new Counter({
    name: 'trellis_messages_out_total',
    help: 'Frames sent',
    registers: [registry],
  });
  const bytesOut = new Counter({
    name: 'trellis_bytes_out_total',
    help: 'Bytes sent',
    registers: [registry],
  });
  const writeSeconds = new Histogram({
    name: 'trellis_persist_write_seconds',
    help: 'Latency of one persisted write (a merged batch of updates)',
    buckets: [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.2, 1],
    registers: [registry],
  });
  const writeBytes = new Counter({
    name: 'trellis_persist_bytes_total',
    help: 'Bytes persisted',
    registers: [registry],
  });
  const writeFailures = new Counter({
    name: 'trellis_persist_failures_total',
    help: 'Failed writes (retried)',
    registers: [registry],
  });
  const readerPauses = new Counter({
    name: 'trellis_slow_reader_pauses_total',
    help: 'Times a connection read too slowly and was caught up once its socket drained',
    registers: [registry],
  });

  const throttles = new Counter({
    name: 'trellis_throttled_connections_total',
    help: 'Times a connection went over its message rate and its socket was not read for a while',
    registers: [registry],
  });

  const damaged = new Counter({
    name: 'trellis_documents_damaged_total',
    help: 'Stored documents found damaged: undecodable (the room goes out of service) or with pending structs (served)',
    labelNames: ['kind'],
    registers: [registry],
  });

  const core: CoreMetrics = {
    connectionOpened: () => connections.inc(),
    connectionClosed: (code) => {
      connections.dec();
      closes.inc({ code });
    },
    roomLoaded: (seconds) => {
      rooms.inc();
      loadSeconds.observe(seconds);
    },
    roomUnloaded: () => rooms.dec(),
    messageIn: (kind, bytes) => {
      messagesIn.inc({ kind });
      bytesIn.inc(bytes);
    },
    framesOut: (frames, bytes) => {
      framesOut.inc(frames);
      bytesOut.inc(bytes);
    },
    persisted: (seconds, bytes) => {
      writeSeconds.observe(seconds);
      writeBytes.inc(bytes);
    },
    persistFailed: () => writeFailures.inc(),
    documentDamaged: (kind) => damaged.inc({ kind }),
    readerPaused: () => readerPauses.inc(),
    throttled: () => throttles.inc(),
  };
  return { registry, core };
}
