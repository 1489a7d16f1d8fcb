import type * as Y from 'yjs';
import { type CommentSnapshot, readAllComments } from '../../shared/board/comments';
import { useDocValue } from './doc-store';

const key = (all: ReadonlyMap<string, readonly CommentSnapshot[]>) => JSON.stringify([...all]);

/** Every card's comment thread (B27). */
export function useAllComments(doc: Y.Doc): ReadonlyMap<string, readonly CommentSnapshot[]> {
  return useDocValue(doc, readAllComments, key);
}

const NONE: readonly CommentSnapshot[] = [];

/** One card's thread, oldest first. */
export function useComments(doc: Y.Doc, cardId: string): readonly CommentSnapshot[] {
  return useAllComments(doc).get(cardId) ?? NONE;
}
