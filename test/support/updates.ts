import * as Y from 'yjs';

/** The structs of `update` that `doc` does not hold (0: `doc` covers it). */
export function missingStructs(doc: Y.Doc, update: Uint8Array): number {
  return Y.decodeUpdate(Y.diffUpdate(update, Y.encodeStateVector(doc))).structs.length;
}
