import * as idb from 'lib0/indexeddb';

/** A document holding changes made in this browser that the server has not durably stored. */
export interface PendingRecord {
  room: string;
  /** How many changes a person made (0 when only derived writes, such as a card's preview, wait). */
  changes: number;
  /** When the first of them was made (epoch ms): the oldest document syncs first. */
  since: number;
}

/** Where the records survive a reload or a browser restart. Every method rejects on failure. */
export interface PendingStore {
  loadAll(): Promise<PendingRecord[]>;
  put(record: PendingRecord): Promise<void>;
  delete(room: string): Promise<void>;
}

export const PENDING_DB_NAME = 'trellis-pending';
const STORE = 'rooms';

/** The records in their own IndexedDB database, one entry per room (keyed by the room name). */
export function indexedDbPendingStore(name = PENDING_DB_NAME): PendingStore {
  let opened: ReturnType<typeof idb.openDB> | null = null;
  const db = () => {
    opened ??= idb.openDB(name, (created) => idb.createStores(created, [[STORE]]));
    return opened;
  };
  const store = async (access: 'readonly' | 'readwrite') => {
    const [rooms] = idb.transact(await db(), [STORE], access);
    if (rooms === undefined) throw new Error(`${name}: no ${STORE} store`);
    return rooms;
  };
  return {
    async loadAll() {
      const values: unknown[] = await idb.getAll(await store('readonly'));
      return values.flatMap((value) => (isRecord(value) ? [value] : []));
    },
    async put(record) {
      // Stored as a plain object: IndexedDB clones it (lib0's typing only lists primitives).
      await idb.put(await store('readwrite'), { ...record } as unknown as string, record.room);
    },
    async delete(room) {
      await idb.del(await store('readwrite'), room);
    },
  };
}

export function memoryPendingStore(initial: readonly PendingRecord[] = []): PendingStore & {
  readonly records: Map<string, PendingRecord>;
} {
  const records = new Map(initial.map((record) => [record.room, { ...record }]));
  return {
    records,
    loadAll: async () => [...records.values()].map((record) => ({ ...record })),
    put: async (record) => {
      records.set(record.room, { ...record });
    },
    delete: async (room) => {
      records.delete(room);
    },
  };
}

function isRecord(value: unknown): value is PendingRecord {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Partial<PendingRecord>;
  return (
    typeof record.room === 'string' && typeof record.changes === 'number' && typeof record.since === 'number'
  );
}
