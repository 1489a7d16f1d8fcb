import * as decoding from 'lib0/decoding';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { countUnstored, readDurableAck, webStorageAckStore } from '../../../client/sync/durable';
import { MessageType } from '../../../shared/protocol';
import { encodeDurableAck } from '../../../shared/wire';

describe('durable acks', () => {
  it('counts every clock unit the server has not stored, for every client', () => {
    const local = new Map([
      [1, 10],
      [2, 5],
      [3, 2],
    ]);
    expect(countUnstored(local, null)).toBe(17);
    expect(
      countUnstored(
        local,
        new Map([
          [1, 10],
          [2, 3],
        ]),
      ),
    ).toBe(4);
    expect(
      countUnstored(
        local,
        new Map([
          [1, 12],
          [2, 5],
          [3, 2],
        ]),
      ),
    ).toBe(0);
  });

  it('reads the frame the server writes: varUint(100) then the encoded state vector', () => {
    const doc = new Y.Doc();
    doc.getText('t').insert(0, 'hello');
    const frame = encodeDurableAck(Y.encodeStateVector(doc));
    const decoder = decoding.createDecoder(frame);
    expect(decoding.readVarUint(decoder)).toBe(MessageType.durableAck);
    expect(readDurableAck(decoder)).toEqual(new Map([[doc.clientID, 5]]));
  });

  it('keeps the last ack per room in web storage and survives garbage', () => {
    const data = new Map<string, string>();
    const storage = {
      getItem: (key: string) => data.get(key) ?? null,
      setItem: (key: string, value: string) => void data.set(key, value),
    };
    const store = webStorageAckStore(storage);
    store.save('board.a', new Map([[7, 3]]));
    expect(store.load('board.a')).toEqual(new Map([[7, 3]]));
    expect(store.load('board.b')).toBeNull();
    data.set('trellis.durable-sv.board.c', '{not json');
    expect(store.load('board.c')).toBeNull();
  });
});
