/**
 * The documents this browser holds, read straight from their y-indexeddb databases (`trellis:<room>`,
 * client/sync) without opening them for sync: nothing is written and no connection is made.
 *
 * A room's version is the last key of its `updates` store: y-indexeddb appends every change under a new,
 * ever larger auto-increment key (and its compaction writes the merged state under a new one too), so the key
 * moves whenever the stored content may have changed. The index re-reads a room only when it moved.
 */
import * as idb from 'lib0/indexeddb';
import * as Y from 'yjs';
import { parseRoom } from '../../shared/room-names';
import { IDB_PREFIX } from '../sync/synced-document';

const UPDATES = 'updates';

export interface HeldRoom {
  room: string;
  version: number;
}

export interface RoomSource {
  /** Every board and description room held in this browser, with its version. */
  list(): Promise<HeldRoom[]>;
  /** The room's stored document (a fresh Y.Doc the caller destroys). */
  read(room: string): Promise<Y.Doc>;
}

async function withDb<T>(name: string, use: (db: IDBDatabase) => Promise<T>): Promise<T> {
  // Listed databases exist, so nothing is created; but one deleted since it was listed would be created by
  // this open, and must then have the stores y-indexeddb expects, or its next open of the room fails.
  const db = await idb.openDB(name, (created) =>
    idb.createStores(created, [[UPDATES, { autoIncrement: true }], ['custom']]),
  );
  try {
    return await use(db);
  } finally {
    db.close();
  }
}

const hasUpdates = (db: IDBDatabase) => db.objectStoreNames.contains(UPDATES);

export function indexedDbRoomSource(factory: IDBFactory = indexedDB): RoomSource {
  return {
    async list() {
      const databases = await factory.databases();
      const rooms: HeldRoom[] = [];
      for (const { name } of databases) {
        if (!name?.startsWith(IDB_PREFIX)) continue;
        const room = name.slice(IDB_PREFIX.length);
        if (parseRoom(room).kind === 'other') continue;
        const version = await withDb(name, async (db) => {
          if (!hasUpdates(db)) return 0;
          const [updates] = idb.transact(db, [UPDATES], 'readonly');
          const last = (await idb.getLastKey(updates as IDBObjectStore)) as unknown;
          return typeof last === 'number' ? last : 0;
        });
        rooms.push({ room, version });
      }
      return rooms;
    },
    async read(room) {
      const doc = new Y.Doc();
      await withDb(IDB_PREFIX + room, async (db) => {
        if (!hasUpdates(db)) return;
        const [updates] = idb.transact(db, [UPDATES], 'readonly');
        const all = (await idb.getAll(updates as IDBObjectStore)) as Uint8Array[];
        Y.transact(doc, () => {
          for (const update of all) Y.applyUpdate(doc, update);
        });
      });
      return doc;
    },
  };
}
