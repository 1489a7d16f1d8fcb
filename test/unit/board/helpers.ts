import * as Y from 'yjs';
import { type MutationOptions, seededRandom } from '../../../shared/board';

/** A replica with a fixed clientID (Yjs breaks last-writer-wins ties by it) and seeded ids. */
export function replica(clientId: number, seed = clientId): { doc: Y.Doc; opts: MutationOptions } {
  const doc = new Y.Doc();
  doc.clientID = clientId;
  let now = 1_700_000_000_000;
  return { doc, opts: { random: seededRandom(seed), clock: () => (now += 1000) } };
}

/** Brings every doc up to date with every other. */
export function syncAll(...docs: Y.Doc[]): void {
  for (const from of docs) {
    for (const to of docs) {
      if (from !== to) Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)), 'remote');
    }
  }
}
