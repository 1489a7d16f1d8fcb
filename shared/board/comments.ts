/**
 * Comments on cards (rules B27–B29 in SPEC.md).
 *
 * Layout (a root type of the board document, beside those in schema.ts):
 *
 *   comments  Y.Map<commentId, Y.Map>   card, author, createdAt (ms), text, mentions (member ids as ONE
 *                                       value), editedAt (ms, absent until edited)
 *
 * One key per comment, so concurrent comments never overwrite each other. The thread's order is computed
 * from what every replica has, `(createdAt, id)`, so all agree on it. Text is bounded (MAX_COMMENT_LENGTH)
 * and so is a card's thread (MAX_COMMENTS_PER_CARD), which keeps the board document bounded too.
 */
import * as Y from 'yjs';
import { isValidId } from '../room-names';
import { activityRef } from './activity';
import { cachedRead } from './cached-read';
import { defaultClock, defaultRandom, newId } from './ids';
import { BoardInputError, type MutationOptions, newMap, note, run } from './mutations/common';
import { childMap, stringField } from './schema';

export const COMMENTS_ROOT = 'comments';
export const MAX_COMMENT_LENGTH = 5000;
export const MAX_COMMENTS_PER_CARD = 1000;

/**
 * Origin of adding a comment, whatever the caller passes: the comments map is outside the board's undo
 * manager (B10), so a comment cannot be undone, and neither may its feed entry be on its own (B14.3).
 */
const COMMENT_ORIGIN = 'trellis:comment';

export interface CommentSnapshot {
  readonly id: string;
  readonly cardId: string;
  readonly author: string;
  readonly createdAt: number;
  readonly text: string;
  /** Member ids mentioned (chosen from the board's members when written). */
  readonly mentions: readonly string[];
  readonly editedAt: number | null;
}

function commentsRoot(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap(COMMENTS_ROOT);
}

function cleanComment(text: string): string {
  const clean = text.trim();
  if (clean === '') throw new BoardInputError('a comment must not be empty');
  if (clean.length > MAX_COMMENT_LENGTH) {
    throw new BoardInputError(`a comment is at most ${MAX_COMMENT_LENGTH} characters`);
  }
  return clean;
}

function cleanMentions(mentions: readonly string[] | undefined): string[] {
  const ids = [...new Set(mentions ?? [])];
  for (const id of ids)
    if (!isValidId(id)) throw new BoardInputError(`invalid member id ${JSON.stringify(id)}`);
  return ids.sort();
}

export interface AddCommentInput {
  cardId: string;
  author: string;
  text: string;
  mentions?: readonly string[];
}

/**
 * Adds a comment (B27) and its "commented" feed entry (B14.1), by `opts.actor` or else the author, at the
 * comment's time. Returns its id, or null when the card does not exist (or is in the trash) or its thread is
 * full.
 */
export function addComment(doc: Y.Doc, input: AddCommentInput, opts?: MutationOptions): string | null {
  const text = cleanComment(input.text);
  const mentions = cleanMentions(input.mentions);
  const random = opts?.random ?? defaultRandom;
  const clock = opts?.clock ?? defaultClock;
  return run(doc, { ...opts, origin: COMMENT_ORIGIN }, (r) => {
    const card = childMap(r.cards as Y.Map<unknown>, input.cardId);
    if (!card || card.get('trashed') !== undefined) return null;
    let count = 0;
    commentsRoot(doc).forEach((comment) => {
      if (comment instanceof Y.Map && comment.get('card') === input.cardId) count++;
    });
    if (count >= MAX_COMMENTS_PER_CARD) return null;
    const id = newId(random);
    const createdAt = clock();
    commentsRoot(doc).set(
      id,
      newMap({ card: input.cardId, author: input.author, createdAt, text, mentions }),
    );
    note(
      doc,
      { ...opts, actor: opts?.actor ?? input.author, clock: () => createdAt },
      { kind: 'card.commented', card: activityRef(input.cardId, stringField(card, 'title')), comment: id },
    );
    return id;
  });
}

/** Edits one's own comment (B28): false if it is gone or someone else's. Records no feed entry. */
export function editComment(
  doc: Y.Doc,
  input: { commentId: string; by: string; text: string; mentions?: readonly string[] },
  opts?: MutationOptions,
): boolean {
  const text = cleanComment(input.text);
  const mentions = cleanMentions(input.mentions);
  const clock = opts?.clock ?? defaultClock;
  let done = false;
  doc.transact(() => {
    const comment = childMap(commentsRoot(doc) as Y.Map<unknown>, input.commentId);
    if (!comment || comment.get('author') !== input.by) return;
    if (comment.get('text') === text && sameIds(comment.get('mentions'), mentions)) return;
    comment.set('text', text);
    comment.set('mentions', mentions);
    comment.set('editedAt', clock());
    done = true;
  }, opts?.origin ?? null);
  return done;
}

/** Deletes one's own comment (B28): false if it is gone or someone else's. Records no feed entry. */
export function deleteComment(
  doc: Y.Doc,
  input: { commentId: string; by: string },
  opts?: MutationOptions,
): boolean {
  let done = false;
  doc.transact(() => {
    const comment = childMap(commentsRoot(doc) as Y.Map<unknown>, input.commentId);
    if (!comment || comment.get('author') !== input.by) return;
    commentsRoot(doc).delete(input.commentId);
    done = true;
  }, opts?.origin ?? null);
  return done;
}

function sameIds(value: unknown, ids: readonly string[]): boolean {
  return Array.isArray(value) && value.length === ids.length && value.every((v, i) => v === ids[i]);
}

function readComment(id: string, comment: Y.Map<unknown>): CommentSnapshot | null {
  const card = comment.get('card');
  const text = comment.get('text');
  if (typeof card !== 'string' || typeof text !== 'string') return null;
  const author = comment.get('author');
  const createdAt = comment.get('createdAt');
  const editedAt = comment.get('editedAt');
  const mentions = comment.get('mentions');
  return {
    id,
    cardId: card,
    author: typeof author === 'string' ? author : '',
    createdAt: typeof createdAt === 'number' && Number.isFinite(createdAt) ? createdAt : 0,
    text: text.slice(0, MAX_COMMENT_LENGTH),
    mentions: Array.isArray(mentions) ? mentions.filter((m): m is string => typeof m === 'string') : [],
    editedAt: typeof editedAt === 'number' ? editedAt : null,
  };
}

function compareComments(a: CommentSnapshot, b: CommentSnapshot): number {
  return a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Every card's thread, in the order every replica agrees on (B27); cards without comments are left out. */
export function readAllComments(doc: Y.Doc): ReadonlyMap<string, readonly CommentSnapshot[]> {
  return cachedRead(doc, readAllComments, (d) => [commentsRoot(d)], collectComments);
}

function collectComments(doc: Y.Doc): ReadonlyMap<string, readonly CommentSnapshot[]> {
  const byCard = new Map<string, CommentSnapshot[]>();
  commentsRoot(doc).forEach((value, id) => {
    if (!(value instanceof Y.Map)) return;
    const comment = readComment(id, value);
    if (!comment) return;
    const list = byCard.get(comment.cardId) ?? [];
    list.push(comment);
    byCard.set(comment.cardId, list);
  });
  for (const list of byCard.values()) list.sort(compareComments);
  return byCard;
}

/** One card's thread, oldest first. */
export function readComments(doc: Y.Doc, cardId: string): readonly CommentSnapshot[] {
  return readAllComments(doc).get(cardId) ?? [];
}

/**
 * Pieces of a comment's text for display (B29): plain text, and `@Name` of each mentioned member (by the
 * name given, longest names first so "@Ada Lovelace" wins over "@Ada").
 */
export function splitMentions(
  text: string,
  mentioned: readonly { id: string; name: string }[],
): { text: string; memberId: string | null }[] {
  const names = [...mentioned].filter((m) => m.name !== '').sort((a, b) => b.name.length - a.name.length);
  const pieces: { text: string; memberId: string | null }[] = [];
  let plain = '';
  let i = 0;
  while (i < text.length) {
    const match = text[i] === '@' ? names.find((m) => text.startsWith(`@${m.name}`, i)) : undefined;
    if (match) {
      if (plain) pieces.push({ text: plain, memberId: null });
      plain = '';
      pieces.push({ text: `@${match.name}`, memberId: match.id });
      i += match.name.length + 1;
    } else {
      plain += text[i];
      i++;
    }
  }
  if (plain) pieces.push({ text: plain, memberId: null });
  return pieces;
}
