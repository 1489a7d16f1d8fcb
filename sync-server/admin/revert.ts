/**
 * The change that takes a document's present content back to an earlier state's (a backup), as a
 * forward change (S12.1): it only adds to the history (new items, deletions), so every replica
 * merges it like any edit and later edits apply on top; nothing is rewritten.
 *
 * How: a scratch document starts as the backup, then receives everything the present has beyond
 * it, as one tracked transaction; undoing that transaction (Yjs's UndoManager, scoped to the whole
 * document) deletes what came later and re-inserts copies of what was deleted since. What the
 * scratch document then holds beyond the present is the change. This is the "revert to a version"
 * recipe Yjs's author describes (https://discuss.yjs.dev/t/is-there-a-way-to-revert-to-specific-version/379).
 * Because undo has rules of its own (it declines some map overwrites, for example), the result is
 * not trusted: applied to a copy of the present, it must give exactly the backup's content, or
 * `RevertError` is thrown and nothing should be applied.
 */
import { isDeepStrictEqual } from 'node:util';
import * as Y from 'yjs';

/** The origin of the tracked transaction in the scratch document. */
const LATER_CHANGES = Symbol('changes after the backup');

export class RevertError extends Error {
  override name = 'RevertError';
}

/**
 * The update that turns `present`'s content into `target`'s (a whole document as one update; null
 * for an empty document), or null when the content is already the same. Throws RevertError when
 * `target` does not decode, waits for missing parts, or the change would not reproduce it.
 */
export function revertChange(present: Y.Doc, target: Uint8Array | null): Uint8Array | null {
  const wanted = new Y.Doc();
  const scratch = new Y.Doc();
  const result = new Y.Doc();
  try {
    if (target !== null) {
      applyTarget(wanted, target);
      applyTarget(scratch, target);
    }
    const wantedContent = documentContent(wanted);
    if (isDeepStrictEqual(documentContent(present), wantedContent)) return null;
    const undo = new Y.UndoManager(scratch, {
      trackedOrigins: new Set([LATER_CHANGES]),
      // Every overwrite of a map key after the backup is one of ours to take back.
      ignoreRemoteMapChanges: true,
    });
    try {
      Y.applyUpdate(scratch, Y.encodeStateAsUpdate(present, Y.encodeStateVector(scratch)), LATER_CHANGES);
      undo.undo();
    } finally {
      undo.destroy();
    }
    const change = Y.encodeStateAsUpdate(scratch, Y.encodeStateVector(present));
    Y.applyUpdate(result, Y.encodeStateAsUpdate(present));
    Y.applyUpdate(result, change);
    if (!isDeepStrictEqual(documentContent(result), wantedContent)) {
      throw new RevertError('the computed change does not reproduce the backup content');
    }
    return change;
  } finally {
    wanted.destroy();
    scratch.destroy();
    result.destroy();
  }
}

function applyTarget(doc: Y.Doc, target: Uint8Array): void {
  try {
    Y.applyUpdate(doc, target);
  } catch (error) {
    throw new RevertError(`the backup state cannot be decoded (${(error as Error).message})`);
  }
  if (doc.store.pendingStructs !== null || doc.store.pendingDs !== null) {
    throw new RevertError('the backup state waits for parts it does not hold (pending structs)');
  }
}

/**
 * A document's visible content as plain data, independent of how its history is split into items:
 * per root (an empty root counts as absent), the live map entries and the list content, text as
 * runs of equal formatting (what a delta shows). Two documents with equal content give deeply
 * equal values, whichever edits produced them.
 */
export function documentContent(doc: Y.Doc): Record<string, unknown> {
  const roots: Record<string, unknown> = {};
  for (const name of [...doc.share.keys()].sort()) {
    const content = typeContent(doc.share.get(name)!);
    if (Object.keys(content.entries).length > 0 || content.list.length > 0) roots[name] = content;
  }
  return roots;
}

/** Any shared type (a root or a nested one), as a document's `share` holds them. */
type SharedType = NonNullable<ReturnType<Y.Doc['share']['get']>>;

interface TypeContent {
  kind?: string;
  entries: Record<string, unknown>;
  list: Array<{ insert: unknown; attributes?: Record<string, unknown> }>;
}

/** A root's class depends on who asked for it first, so only nested types carry their kind. */
function typeContent(type: SharedType, kind?: string): TypeContent {
  const entries: Record<string, unknown> = {};
  for (const key of [...type._map.keys()].sort()) {
    const item = type._map.get(key)!;
    if (item.deleted) continue;
    const values = item.content.getContent();
    entries[key] = plainValue(values[values.length - 1]);
  }
  const list: TypeContent['list'] = [];
  const attributes = new Map<string, unknown>();
  for (let item = type._start; item !== null; item = item.right) {
    if (item.deleted) continue;
    const content = item.content;
    if (content instanceof Y.ContentFormat) {
      if (content.value === null) attributes.delete(content.key);
      else attributes.set(content.key, content.value);
      continue;
    }
    const current =
      attributes.size > 0
        ? Object.fromEntries([...attributes].sort(([a], [b]) => a.localeCompare(b)))
        : undefined;
    if (content instanceof Y.ContentString) {
      const last = list[list.length - 1];
      if (
        last !== undefined &&
        typeof last.insert === 'string' &&
        isDeepStrictEqual(last.attributes, current)
      ) {
        last.insert += content.str;
        continue;
      }
      list.push({ insert: content.str, ...(current ? { attributes: current } : {}) });
      continue;
    }
    for (const value of content.getContent()) {
      list.push({ insert: plainValue(value), ...(current ? { attributes: current } : {}) });
    }
  }
  return { ...(kind !== undefined ? { kind } : {}), entries, list };
}

function plainValue(value: unknown): unknown {
  if (value instanceof Y.AbstractType) return typeContent(value, kindOf(value));
  if (value instanceof Uint8Array) return { binary: Buffer.from(value).toString('base64') };
  if (value instanceof Y.Doc) return { subdocument: value.guid };
  return value;
}

function kindOf(type: SharedType): string {
  if (type instanceof Y.XmlElement) return `xmlElement:${type.nodeName}`;
  if (type instanceof Y.XmlHook) return `xmlHook:${type.hookName}`;
  if (type instanceof Y.XmlText) return 'xmlText';
  if (type instanceof Y.XmlFragment) return 'xmlFragment';
  if (type instanceof Y.Text) return 'text';
  if (type instanceof Y.Array) return 'array';
  if (type instanceof Y.Map) return 'map';
  return 'type';
}
