/**
 * Collapses the empty paragraphs two editors add at once to an emptied description.
 *
 * When a description's last block goes away (typically: undoing the first typing, which created the first
 * paragraph), @lexical/yjs re-adds an empty paragraph on EVERY client that sees the root empty: the one that
 * undid it and each one watching. Yjs keeps them all, so everybody ends up with two or more blank lines
 * (the same race as two bootstraps, lexical #9107; seen in our e2e test "[no-dup] undoing back to an empty
 * description while someone watches").
 *
 * Rule, applied identically by every open editor: if the description consists only of empty paragraphs and
 * they were made by more than one Yjs client, keep the one with the smallest item id and delete the others.
 * Every replica picks the same survivor and concurrent deletes of one item are idempotent, so they converge.
 * Empty lines one person makes with Enter all carry that editor's client id and are left alone.
 */
import * as Y from 'yjs';
import { descriptionRoot } from '../../shared/description-preview';

export const COLLAPSE_ORIGIN = 'trellis:collapse-empty-paragraphs';
/** The race leaves one paragraph per open editor; a longer description is never all-blank by accident. */
const MAX_BLOCKS_CHECKED = 8;

/** Returns whether it deleted anything. */
export function collapseConcurrentEmptyParagraphs(doc: Y.Doc): boolean {
  const root = descriptionRoot(doc);
  // Cheap exit on every keystroke: `length` counts the root's blocks.
  if (root.length < 2 || root.length > MAX_BLOCKS_CHECKED) return false;
  const blocks: { index: number; id: Y.ID }[] = [];
  let index = 0;
  for (const op of root.toDelta() as { insert?: unknown }[]) {
    const block = op.insert;
    if (!(block instanceof Y.XmlText) || block.getAttribute('__type') !== 'paragraph' || block.length > 0) {
      return false;
    }
    const item = block._item;
    if (item === null) return false;
    blocks.push({ index, id: item.id });
    index += 1;
  }
  if (new Set(blocks.map((block) => block.id.client)).size < 2) return false;
  const keep = blocks.reduce((best, block) =>
    block.id.client < best.id.client || (block.id.client === best.id.client && block.id.clock < best.id.clock)
      ? block
      : best,
  );
  doc.transact(() => {
    // From the end, so earlier indexes stay valid.
    for (const block of [...blocks].reverse()) if (block !== keep) root.delete(block.index, 1);
  }, COLLAPSE_ORIGIN);
  return true;
}

/** Applies the rule after every change of `doc` (in a microtask, outside Yjs's event dispatch). */
export function watchEmptyParagraphs(doc: Y.Doc): () => void {
  let queued = false;
  let stopped = false;
  const check = () => {
    if (queued) return;
    queued = true;
    queueMicrotask(() => {
      queued = false;
      if (!stopped) collapseConcurrentEmptyParagraphs(doc);
    });
  };
  doc.on('update', check);
  return () => {
    stopped = true;
    doc.off('update', check);
  };
}
