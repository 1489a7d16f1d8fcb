/**
 * The search index kept in IndexedDB (database `trellis-search`), so a new page starts from what earlier
 * pages indexed: card records, description texts, and per room the version of its IndexedDB copy that was
 * indexed (room-source.ts). Only what changed is written.
 */
import * as idb from 'lib0/indexeddb';
import type { CardRecord, DescriptionRecord } from './search-index';

const DB_NAME = 'trellis-search';
const CARDS = 'cards';
const DESCRIPTIONS = 'descriptions';
const ROOMS = 'rooms';

export interface StoredSearch {
  cards: CardRecord[];
  descriptions: DescriptionRecord[];
  /** Room → the version of its local copy the index reflects. */
  versions: Map<string, number>;
}

export interface SearchStore {
  load(): Promise<StoredSearch>;
  /** One transaction: records put and removed, and the room versions they reflect. */
  write(change: SearchWrite): Promise<void>;
}

export interface SearchWrite {
  putCards?: readonly CardRecord[];
  removeCards?: readonly string[];
  putDescriptions?: readonly DescriptionRecord[];
  versions?: ReadonlyMap<string, number>;
  forgetRooms?: readonly string[];
}

export function indexedDbSearchStore(): SearchStore {
  let db: Promise<IDBDatabase> | null = null;
  const open = () => {
    db ??= idb.openDB(DB_NAME, (created) =>
      idb.createStores(created, [[CARDS, { keyPath: 'key' }], [DESCRIPTIONS, { keyPath: 'key' }], [ROOMS]]),
    );
    return db;
  };
  return {
    async load() {
      const [cards, descriptions, rooms] = idb.transact(
        await open(),
        [CARDS, DESCRIPTIONS, ROOMS],
        'readonly',
      );
      const [cardList, descriptionList, versions] = await Promise.all([
        idb.getAll(cards as IDBObjectStore) as Promise<CardRecord[]>,
        idb.getAll(descriptions as IDBObjectStore) as Promise<DescriptionRecord[]>,
        idb.getAllKeysValues(rooms as IDBObjectStore) as Promise<{ k: string; v: number }[]>,
      ]);
      return {
        cards: cardList,
        descriptions: descriptionList,
        versions: new Map(versions.map(({ k, v }) => [k, v])),
      };
    },
    async write(change) {
      const [cards, descriptions, rooms] = idb.transact(await open(), [CARDS, DESCRIPTIONS, ROOMS]) as [
        IDBObjectStore,
        IDBObjectStore,
        IDBObjectStore,
      ];
      const requests: Promise<unknown>[] = [];
      for (const card of change.putCards ?? []) requests.push(idb.put(cards, card as never));
      for (const key of change.removeCards ?? []) {
        requests.push(idb.del(cards, key), idb.del(descriptions, key));
      }
      for (const description of change.putDescriptions ?? []) {
        requests.push(
          description.text === ''
            ? idb.del(descriptions, description.key)
            : idb.put(descriptions, description as never),
        );
      }
      for (const [room, version] of change.versions ?? []) requests.push(idb.put(rooms, version, room));
      for (const room of change.forgetRooms ?? []) requests.push(idb.del(rooms, room));
      await Promise.all(requests);
    },
  };
}

/** For tests and browsers without IndexedDB: kept for the page only. */
export function memorySearchStore(): SearchStore {
  const cards = new Map<string, CardRecord>();
  const descriptions = new Map<string, DescriptionRecord>();
  const versions = new Map<string, number>();
  return {
    async load() {
      return {
        cards: [...cards.values()],
        descriptions: [...descriptions.values()],
        versions: new Map(versions),
      };
    },
    async write(change) {
      for (const card of change.putCards ?? []) cards.set(card.key, card);
      for (const key of change.removeCards ?? []) {
        cards.delete(key);
        descriptions.delete(key);
      }
      for (const d of change.putDescriptions ?? []) {
        if (d.text === '') descriptions.delete(d.key);
        else descriptions.set(d.key, d);
      }
      for (const [room, version] of change.versions ?? []) versions.set(room, version);
      for (const room of change.forgetRooms ?? []) versions.delete(room);
    },
  };
}
