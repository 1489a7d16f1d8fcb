/**
 * A value read from a board document, kept until one of the root types it is read from changes. The board's
 * readers run after every change of the document (a card moved, a title typed); one that reads only the
 * comments, or only the voting rounds, then costs nothing when something else changed, and hands back the
 * same object, so a store comparing by identity has nothing to do.
 */
import type * as Y from 'yjs';

interface Entry {
  value: unknown;
  valid: boolean;
}

/** A root type of the document: only its deep observer is used (any map or array of the board). */
type Root =
  | Pick<Y.Map<unknown> | Y.Array<unknown>, 'observeDeep'>
  | Pick<Y.Map<Y.Map<unknown>>, 'observeDeep'>;

const caches = new WeakMap<Y.Doc, Map<object, Entry>>();

/**
 * `compute(doc)`, or what it gave last time if none of `types(doc)` changed since (deep: a nested map or array
 * too). `affects`, when given, narrows that to the events that can change the value. `reader` identifies the
 * value (pass the exported reading function). Inside a transaction the observers have not run yet: read afresh.
 */
export function cachedRead<T>(
  doc: Y.Doc,
  reader: object,
  types: (doc: Y.Doc) => readonly Root[],
  compute: (doc: Y.Doc) => T,
  affects?: (event: { target: unknown }, root: Root) => boolean,
): T {
  if (doc._transaction !== null) return compute(doc);
  let perDoc = caches.get(doc);
  if (!perDoc) {
    perDoc = new Map();
    caches.set(doc, perDoc);
  }
  let entry = perDoc.get(reader);
  if (!entry) {
    const created: Entry = { value: undefined, valid: false };
    for (const root of types(doc)) {
      const invalidate = (events: readonly { target: unknown }[]) => {
        if (!created.valid) return;
        if (!affects || events.some((event) => affects(event, root))) created.valid = false;
      };
      (root as Pick<Y.Map<unknown>, 'observeDeep'>).observeDeep(invalidate);
    }
    perDoc.set(reader, created);
    entry = created;
  }
  if (!entry.valid) {
    entry.value = compute(doc);
    entry.valid = true;
  }
  return entry.value as T;
}
