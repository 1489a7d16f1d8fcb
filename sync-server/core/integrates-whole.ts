import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';

/** A client's update as `Y.decodeUpdate` reads it. */
export type DecodedUpdate = ReturnType<typeof Y.decodeUpdate>;

/**
 * Whether `doc` takes all of `update` the moment it is applied: no struct it holds already, none and
 * no deletion left waiting for a missing update (S2.4). The update is then exactly what applying it
 * adds, so it can be stored and sent on as it came, and applied after.
 *
 * It mirrors what Yjs checks before it integrates a struct (`Item.getMissing`, yjs/src/structs/Item.js)
 * and stays on the safe side of it. Refused, and left to the usual path that applies first:
 * - a document that already holds content waiting for missing updates (applying may integrate it too);
 * - a client whose first struct does not start at the document's clock for it (a gap, or content
 *   the document has), or that has more than one section in the update: Yjs keeps only the last
 *   section of a client (`readClientsStructRefs`), so the others would be dropped, not integrated;
 * - a skip (a gap the update says it lacks);
 * - a reference (left or right origin, parent) to a struct of another client in the same update:
 *   Yjs may integrate the clients in either order; only the document's own structs, and the same
 *   client's earlier structs, count as present;
 * - a deletion past what the document and the update hold.
 */
export function integratesWhole(doc: Y.Doc, update: Uint8Array, { structs, ds }: DecodedUpdate): boolean {
  const { store } = doc;
  if (store.pendingStructs !== null || store.pendingDs !== null) return false;
  /** Per client of the update: the clock after its last struct. */
  const ends = new Map<number, number>();
  let runClient = -1;
  for (const struct of structs) {
    if (struct instanceof Y.Skip) return false;
    const { client, clock } = struct.id;
    if (client !== runClient) {
      if (ends.has(client) || clock !== Y.getState(store, client)) return false;
      runClient = client;
    } else if (clock !== ends.get(client)) {
      return false;
    }
    ends.set(client, clock + struct.length);
    if (struct instanceof Y.Item && !referencesPresent(store, struct)) return false;
  }
  // One section per client, each read as one run above; two sections of a client that happen to be
  // contiguous read as one run, so the sections are counted too (the update's first number).
  if (structs.length > 0 && decoding.readVarUint(decoding.createDecoder(update)) !== ends.size) return false;
  for (const [client, deletions] of ds.clients) {
    const end = ends.get(client) ?? Y.getState(store, client);
    for (const { clock, len } of deletions) if (clock + len > end) return false;
  }
  return true;
}

/**
 * Whether every struct `item` refers to (its left and right origin, a parent given by ID) is there
 * when it integrates: in the document, or an earlier struct of the same client (integrated before it,
 * in clock order).
 */
function referencesPresent(store: Y.Doc['store'], item: Y.Item): boolean {
  const parent = item.parent instanceof Y.ID ? item.parent : null;
  return (
    present(store, item, item.origin) &&
    present(store, item, item.rightOrigin) &&
    present(store, item, parent)
  );
}

function present(store: Y.Doc['store'], item: Y.Item, id: Y.ID | null): boolean {
  if (id === null) return true;
  return id.client === item.id.client ? id.clock < item.id.clock : id.clock < Y.getState(store, id.client);
}
