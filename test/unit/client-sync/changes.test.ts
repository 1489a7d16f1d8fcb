import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ChangeLedger, containsDeletions, copyDeletions } from '../../../client/sync/changes';

/** Records every transaction of `doc` in `ledger` the way SyncedDocument does. */
function recordInto(ledger: ChangeLedger, doc: Y.Doc, weight = 1): void {
  doc.on('afterTransaction', (transaction: Y.Transaction) => {
    const reached = new Map<number, number>();
    for (const [client, clock] of transaction.afterState) {
      if ((transaction.beforeState.get(client) ?? 0) !== clock) reached.set(client, clock);
    }
    ledger.record(reached, copyDeletions(transaction.deleteSet), weight);
  });
}

const vector = (doc: Y.Doc) => Y.decodeStateVector(Y.encodeStateVector(doc));
/** The delete set a server holding `doc` sends in its sync step 2. */
const serverDeletions = (doc: Y.Doc) => Y.decodeUpdate(Y.encodeStateAsUpdate(doc)).ds;

describe('ChangeLedger', () => {
  it('counts one per change, whatever its size in clock units', () => {
    const ledger = new ChangeLedger();
    const doc = new Y.Doc();
    recordInto(ledger, doc);
    doc.getText('t').insert(0, 'a whole paragraph of text');
    doc.getMap('m').set('title', 'Renamed');
    expect(ledger.count).toBe(2);
    expect(ledger.size).toBe(2);
  });

  it('a durable ack stores exactly the changes whose clocks it reaches', () => {
    const ledger = new ChangeLedger();
    const doc = new Y.Doc();
    recordInto(ledger, doc);
    const text = doc.getText('t');
    text.insert(0, 'ab');
    const afterFirst = vector(doc);
    text.insert(2, 'cd');
    expect(ledger.acknowledge(new Map())).toBe(false);
    expect(ledger.acknowledge(afterFirst)).toBe(true);
    expect(ledger.count).toBe(1);
    ledger.acknowledge(vector(doc));
    expect(ledger.size).toBe(0);
  });

  it('derived writes wait without being counted', () => {
    const ledger = new ChangeLedger();
    ledger.record(new Map([[1, 4]]), new Map(), 0);
    expect(ledger.count).toBe(0);
    expect(ledger.size).toBe(1);
    ledger.acknowledge(new Map([[1, 4]]));
    expect(ledger.size).toBe(0);
  });

  it('a delete-only change is not stored by any state vector, only by a step 2 showing the deletion', () => {
    const doc = new Y.Doc();
    doc.getText('t').insert(0, 'hello');
    const ledger = new ChangeLedger();
    recordInto(ledger, doc);
    doc.getText('t').delete(0, 2);
    expect(ledger.awaitsDeletions).toBe(true);
    // Every clock is stored, yet the deletion may not be.
    ledger.acknowledge(vector(doc));
    expect(ledger.size).toBe(1);

    const stale = new Y.Doc();
    stale.getText('t').insert(0, 'x');
    expect(ledger.confirmDeletions(serverDeletions(stale))).toBe(false);
    expect(ledger.confirmDeletions(serverDeletions(doc))).toBe(true);
    expect(ledger.size).toBe(0);
    expect(ledger.awaitsDeletions).toBe(false);
  });

  it('a restored record is stored once the server holds the whole state vector and delete set', () => {
    const doc = new Y.Doc();
    doc.getText('t').insert(0, 'written before the reload');
    doc.getText('t').delete(0, 8);
    const ledger = new ChangeLedger();
    ledger.restore(vector(doc), copyDeletions(Y.createDeleteSetFromStructStore(doc.store)), 3);
    expect(ledger.count).toBe(3);
    ledger.confirmDeletions(serverDeletions(doc));
    expect(ledger.size).toBe(1);
    ledger.acknowledge(vector(doc));
    expect(ledger.size).toBe(0);
  });

  it('containsDeletions: ranges split or merged on either side', () => {
    const outer = {
      clients: new Map([
        [
          7,
          [
            { clock: 0, len: 3 },
            { clock: 3, len: 2 },
            { clock: 10, len: 1 },
          ],
        ],
      ]),
    };
    expect(containsDeletions(outer, new Map([[7, [[1, 4] as const]]]))).toBe(true);
    expect(containsDeletions(outer, new Map([[7, [[4, 2] as const]]]))).toBe(false);
    expect(containsDeletions(outer, new Map([[8, [[0, 1] as const]]]))).toBe(false);
    expect(containsDeletions(outer, new Map([[7, [[10, 1] as const, [0, 1] as const]]]))).toBe(true);
  });
});
