import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  decodeFrame,
  encodeAwarenessFrame,
  encodeDurableAck,
  encodeQueryAwareness,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeSyncUpdate,
  MalformedMessageError,
} from '../../../shared/wire';

describe('wire format', () => {
  const doc = new Y.Doc();
  doc.getText('t').insert(0, 'x');
  const update = Y.encodeStateAsUpdate(doc);
  const sv = Y.encodeStateVector(doc);

  it('every encoder round-trips through decodeFrame', () => {
    expect(decodeFrame(encodeSyncStep1(sv))).toEqual({ kind: 'syncStep1', stateVector: sv });
    expect(decodeFrame(encodeSyncStep2(update))).toEqual({ kind: 'syncStep2', update });
    expect(decodeFrame(encodeSyncUpdate(update))).toEqual({ kind: 'update', update });
    expect(decodeFrame(encodeAwarenessFrame(new Uint8Array([1, 2])))).toEqual({
      kind: 'awareness',
      update: new Uint8Array([1, 2]),
    });
    expect(decodeFrame(encodeQueryAwareness())).toEqual({ kind: 'queryAwareness' });
    expect(decodeFrame(encodeDurableAck(sv))).toEqual({ kind: 'durableAck', stateVector: sv });
  });

  it('matches the y-websocket layout byte for byte (type, step, length-prefixed payload)', () => {
    expect([...encodeSyncUpdate(new Uint8Array([9, 8]))]).toEqual([0, 2, 2, 9, 8]);
    expect([...encodeAwarenessFrame(new Uint8Array([7]))]).toEqual([1, 1, 7]);
    expect([...encodeQueryAwareness()]).toEqual([3]);
  });

  it.each([
    ['empty frame', []],
    ['truncated payload', [0, 2, 10, 1]],
    ['unknown type', [42]],
    ['unknown sync step', [0, 7, 0]],
    ['trailing bytes', [3, 0]],
  ])('rejects a %s with MalformedMessageError', (_name, bytes) => {
    expect(() => decodeFrame(new Uint8Array(bytes))).toThrow(MalformedMessageError);
  });
});
