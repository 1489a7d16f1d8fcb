/**
 * Who changed a board: read from a transaction on its document, for the home page's "last changed by". A
 * transaction counts as a change when it touched more than the member list (opening a board records its
 * visitor there) and is not a description summary (written on a person's behalf). Its authors are the
 * clients whose clocks it advanced: the ones that wrote new content. A deletion advances no clock, so it
 * names nobody, only a time.
 */
import type * as Y from 'yjs';
import { ROOT } from './board/schema';
import { isDerivedWrite } from './description-summary';

export interface BoardChange {
  /** Yjs client ids that wrote content in it (the same ids their awareness states carry). */
  authors: number[];
}

/** The change a transaction made to the board, or null when it changed nothing a person would call a change. */
export function boardChangeOf(transaction: Y.Transaction): BoardChange | null {
  if (isDerivedWrite(transaction.origin)) return null;
  const members: unknown = transaction.doc.getMap(ROOT.members);
  const touched = [...transaction.changed.keys()];
  if (touched.length === 0 || touched.every((type) => type === members)) return null;
  const authors: number[] = [];
  for (const [client, clock] of transaction.afterState) {
    if ((transaction.beforeState.get(client) ?? 0) < clock) authors.push(client);
  }
  return { authors };
}
