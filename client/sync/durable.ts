import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';

/** A Yjs state vector: clientID → next expected clock. */
export type StateVector = Map<number, number>;

/**
 * How many operations (Yjs clock units: one per inserted character or item) this replica holds
 * that the server has not durably stored. Compares the whole vector, not only our clientID: the
 * replica may carry other clients' changes it got while offline (IndexedDB, another tab).
 */
export function countUnstored(local: StateVector, durable: StateVector | null): number {
  let missing = 0;
  for (const [client, clock] of local) {
    const stored = durable?.get(client) ?? 0;
    if (clock > stored) missing += clock - stored;
  }
  return missing;
}

/** Reads the payload of a `durableAck` frame (after its message type). */
export function readDurableAck(decoder: decoding.Decoder): StateVector {
  return Y.decodeStateVector(decoding.readVarUint8Array(decoder));
}

/** The last acknowledged vector is kept per room, so an offline reload still knows what is saved. */
export interface AckStore {
  load(room: string): StateVector | null;
  save(room: string, vector: StateVector): void;
}

const ACK_KEY_PREFIX = 'trellis.durable-sv.';

/** The part of Web Storage we use (structural, so this file compiles without the DOM lib). */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** An AckStore on Web Storage (localStorage in the app); survives reloads. */
export function webStorageAckStore(storage: KeyValueStorage): AckStore {
  return {
    load(room) {
      try {
        const text = storage.getItem(ACK_KEY_PREFIX + room);
        if (text === null) return null;
        const parsed: unknown = JSON.parse(text);
        if (!Array.isArray(parsed)) return null;
        const vector: StateVector = new Map();
        for (const entry of parsed) {
          if (Array.isArray(entry) && typeof entry[0] === 'number' && typeof entry[1] === 'number') {
            vector.set(entry[0], entry[1]);
          }
        }
        return vector;
      } catch {
        // Corrupt or inaccessible storage only costs us the "saved" hint until the next ack.
        return null;
      }
    },
    save(room, vector) {
      try {
        storage.setItem(ACK_KEY_PREFIX + room, JSON.stringify([...vector]));
      } catch {
        // Quota or privacy mode: the status is recomputed from the next ack anyway.
      }
    },
  };
}

export function memoryAckStore(): AckStore {
  const vectors = new Map<string, StateVector>();
  return {
    load: (room) => vectors.get(room) ?? null,
    save: (room, vector) => {
      vectors.set(room, new Map(vector));
    },
  };
}
