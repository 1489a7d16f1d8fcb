/**
 * The stored form of an activity entry (activity.ts): how an entry is written into the feed array and read
 * back, defensively, from whatever a peer wrote.
 */
import type { ActivityEntry, ActivityKind, ActivityRef } from './activity';

/**
 * An entry is stored as one array, `[kind, id, at, by, ...fields]`, the fields in the order FIELDS lists
 * for its kind, a card, column or label as `[id, title]`: about a quarter smaller than the same entry as an
 * object (no field names), and 2,000 of them are kept. A later version may append fields to a kind; readers
 * ignore what they do not know.
 */
type FieldType = 'ref' | 'refs' | 'ids' | 'string' | 'date' | 'optionalString' | 'number' | 'bool';

/** The kinds this version knows, with their fields in stored order. */
const FIELDS: Record<ActivityKind, readonly (readonly [string, FieldType])[]> = {
  'board.created': [['title', 'string']],
  'board.renamed': [
    ['from', 'string'],
    ['to', 'string'],
  ],
  'board.retention': [['days', 'number']],
  'board.reverted': [
    ['version', 'number'],
    ['cards', 'number'],
  ],
  'column.added': [['column', 'ref']],
  'column.renamed': [
    ['column', 'ref'],
    ['from', 'string'],
  ],
  'column.moved': [['column', 'ref']],
  'column.deleted': [
    ['column', 'ref'],
    ['cards', 'number'],
  ],
  'column.restored': [
    ['column', 'ref'],
    ['cards', 'number'],
  ],
  'column.purged': [
    ['column', 'ref'],
    ['auto', 'bool'],
  ],
  'card.added': [
    ['card', 'ref'],
    ['column', 'ref'],
  ],
  'card.renamed': [
    ['card', 'ref'],
    ['from', 'string'],
  ],
  'card.moved': [
    ['card', 'ref'],
    ['from', 'ref'],
    ['to', 'ref'],
  ],
  'card.archived': [['card', 'ref']],
  'card.unarchived': [['card', 'ref']],
  'card.deleted': [
    ['card', 'ref'],
    ['column', 'ref'],
  ],
  'card.restored': [
    ['card', 'ref'],
    ['column', 'ref'],
  ],
  'card.purged': [
    ['card', 'ref'],
    ['auto', 'bool'],
  ],
  'card.reverted': [
    ['card', 'ref'],
    ['version', 'number'],
  ],
  'card.descriptionReverted': [
    ['card', 'ref'],
    ['version', 'number'],
  ],
  'card.labels': [
    ['card', 'ref'],
    ['added', 'refs'],
    ['removed', 'refs'],
  ],
  'card.assignees': [
    ['card', 'ref'],
    ['added', 'ids'],
    ['removed', 'ids'],
  ],
  'card.due': [
    ['card', 'ref'],
    ['from', 'date'],
    ['to', 'date'],
  ],
  'card.described': [
    ['card', 'ref'],
    ['since', 'number'],
  ],
  'card.commented': [
    ['card', 'ref'],
    ['comment', 'string'],
  ],
  'card.estimated': [
    ['card', 'ref'],
    ['value', 'string'],
    ['from', 'optionalString'],
  ],
  'board.votingStarted': [['round', 'string']],
  'board.votingEnded': [['round', 'string']],
  'label.added': [['label', 'ref']],
  'label.changed': [
    ['label', 'ref'],
    ['from', 'string'],
  ],
  'label.deleted': [['label', 'ref']],
};

/** The stored form of an entry (see above). */
export function encodeEntry(entry: ActivityEntry): unknown[] {
  const record = entry as unknown as Record<string, unknown>;
  const stored: unknown[] = [entry.kind, entry.id, entry.at, entry.by];
  for (const [field, type] of FIELDS[entry.kind]) {
    const value = record[field];
    if (type === 'ref') stored.push(encodeRef(value as ActivityRef));
    else if (type === 'refs') stored.push((value as ActivityRef[]).map(encodeRef));
    else stored.push(value);
  }
  return stored;
}

function encodeRef(ref: ActivityRef): [string, string] {
  return [ref.id, ref.title];
}

function decodeRef(value: unknown): ActivityRef | null {
  if (!Array.isArray(value)) return null;
  const [id, title] = value as unknown[];
  return typeof id === 'string' && typeof title === 'string' ? { id, title } : null;
}

/** A stored field decoded, or undefined when it is not of its type. */
function decodeField(type: FieldType, value: unknown): unknown {
  switch (type) {
    case 'ref':
      return decodeRef(value) ?? undefined;
    case 'refs': {
      if (!Array.isArray(value)) return undefined;
      const refs = value.map(decodeRef);
      return refs.every((ref) => ref !== null) ? refs : undefined;
    }
    case 'ids':
      return Array.isArray(value) && value.every((id) => typeof id === 'string') ? value : undefined;
    case 'string':
      return typeof value === 'string' ? value : undefined;
    case 'date':
    case 'optionalString':
      return value === null || typeof value === 'string' ? value : undefined;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
    case 'bool':
      return typeof value === 'boolean' ? value : undefined;
  }
}

/**
 * A stored entry, read defensively (peers may run other versions, B12): null unless it has a kind this
 * version knows, an id, a time, an author and that kind's fields.
 */
export function readEntry(value: unknown): ActivityEntry | null {
  if (!Array.isArray(value)) return null;
  const [kind, id, at, by] = value as unknown[];
  if (typeof kind !== 'string' || !Object.hasOwn(FIELDS, kind)) return null;
  if (typeof id !== 'string' || typeof by !== 'string' || typeof at !== 'number' || !Number.isFinite(at))
    return null;
  const entry: Record<string, unknown> = { kind, id, at, by };
  let index = 4;
  for (const [field, type] of FIELDS[kind as ActivityKind]) {
    const decoded = decodeField(type, value[index++]);
    if (decoded === undefined) return null;
    entry[field] = decoded;
  }
  return entry as unknown as ActivityEntry;
}
