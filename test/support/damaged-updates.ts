/**
 * Stored states a server or a restore must survive (S7, S10): bytes that are no Yjs update, bytes
 * that decode but cannot be built into a document, and an update whose structs wait for
 * dependencies it lacks. The same on every run.
 */
import * as Y from 'yjs';
import { seededRandom } from './wait';

/** Bytes no Yjs decoder accepts. */
export function undecodableBytes(length: number, seed: number): Uint8Array {
  const random = seededRandom(seed);
  return Uint8Array.from({ length }, () => Math.floor(random() * 256));
}

/**
 * One client's two string items where the second names an origin past the client's own clock: every
 * struct and the delete set decode (the checks made at load pass), but integrating it throws.
 */
export function unbuildableUpdate(): Uint8Array {
  // Written by hand in the update format (v1): 1 client, 2 structs, client 1 from clock 0.
  return Uint8Array.from([
    1, 2, 1, 0,
    // a string item in the root type "t": info 4 (string), parent is a named root, content "a"
    4, 1, 1, 0x74, 1, 0x61,
    // a string item with an origin (info 0x80 | 4) at client 1, clock 5, content "b"
    0x84, 1, 5, 1, 0x62,
    // an empty delete set
    0,
  ]);
}

/** The state of a text "t" holding `text`. */
export function textState(text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText('t').insert(0, text);
  return Y.encodeStateAsUpdate(doc);
}

/**
 * A text written in two steps, and the second step alone: its structs wait for the first
 * (pending structs). `author` holds both.
 */
export function pendingStructsUpdate(
  first: string,
  second: string,
): { author: Y.Doc; secondOnly: Uint8Array } {
  const author = new Y.Doc();
  const text = author.getText('t');
  text.insert(0, first);
  const before = Y.encodeStateVector(author);
  text.insert(text.length, second);
  return { author, secondOnly: Y.encodeStateAsUpdate(author, before) };
}

/**
 * A state whose structs are whole but whose delete set is cut short: its state vector reads, a diff
 * or a build of it fails.
 */
export function cutDeleteSet(): Uint8Array {
  const doc = new Y.Doc();
  doc.getText('t').insert(0, 'abcdef');
  doc.getText('t').delete(1, 2);
  const state = Y.encodeStateAsUpdate(doc);
  return state.slice(0, state.length - 2);
}
