/**
 * What a card shows of its description without opening an editor: the first words and the checklist
 * progress, read straight from the description's Yjs document.
 *
 * The layout is the one @lexical/yjs (0.52, binding "v1") writes under the root `XmlText` named `root`:
 * - an element node (paragraph, heading, list, listitem, quote, code, link…) is a `Y.XmlText` whose
 *   attributes are the node's properties (`__type`, `__tag`, `__listType`, `__checked`…) and whose content
 *   is its children, in order;
 * - a text node is a `Y.Map` of its properties (`__type: 'text'`, `__format`…) embedded in the parent,
 *   followed by its characters as plain string content;
 * - a line break is an embedded `Y.Map` with `__type: 'linebreak'`;
 * - a decorator node is an embedded `Y.XmlElement` (no text of its own).
 */
import * as Y from 'yjs';

/** The shared type name @lexical/yjs binds the editor root to (CollaborationPlugin's default). */
export const DESCRIPTION_ROOT_NAME = 'root';
export const PREVIEW_MAX_CHARS = 120;

export interface ChecklistProgress {
  done: number;
  total: number;
}

export interface DescriptionSummary {
  /** Plain text of the description, whitespace collapsed, at most PREVIEW_MAX_CHARS characters. */
  preview: string;
  /** Items of check lists that have text (nested lists included); `done` are the ticked ones. */
  checklist: ChecklistProgress;
}

export const EMPTY_SUMMARY: DescriptionSummary = { preview: '', checklist: { done: 0, total: 0 } };

/** Element types rendered inside a line: their text joins the surrounding text without a gap. */
const INLINE_ELEMENT_TYPES: ReadonlySet<string> = new Set(['link', 'autolink', 'mark']);

export function descriptionRoot(doc: Y.Doc): Y.XmlText {
  return doc.get(DESCRIPTION_ROOT_NAME, Y.XmlText) as Y.XmlText;
}

export function summarizeDescription(doc: Y.Doc, maxChars = PREVIEW_MAX_CHARS): DescriptionSummary {
  return summarizeRoot(descriptionRoot(doc), maxChars);
}

export function summarizeRoot(root: Y.XmlText, maxChars = PREVIEW_MAX_CHARS): DescriptionSummary {
  // +2: a leading space is trimmed, and one character past the limit tells that the text was cut.
  const walk: Walk = { parts: [], length: 0, lastSpace: true, textLimit: maxChars + 2, done: 0, total: 0 };
  visitChildren(root, walk);
  return {
    preview: truncate(collapseWhitespace(walk.parts.join('')), maxChars),
    checklist: { done: walk.done, total: walk.total },
  };
}

export function sameSummary(a: DescriptionSummary, b: DescriptionSummary): boolean {
  return (
    a.preview === b.preview &&
    a.checklist.done === b.checklist.done &&
    a.checklist.total === b.checklist.total
  );
}

interface Walk {
  parts: string[];
  /**
   * Characters collected so far, counted as they will read once whitespace runs collapse; text past
   * `textLimit` is not needed (the checklist still is).
   */
  length: number;
  lastSpace: boolean;
  textLimit: number;
  done: number;
  total: number;
}

function pushText(walk: Walk, text: string): void {
  let i = 0;
  for (; i < text.length && walk.length < walk.textLimit; i += 1) {
    const space = WHITESPACE.test(text.charAt(i));
    if (!space || !walk.lastSpace) walk.length += 1;
    walk.lastSpace = space;
  }
  if (i > 0) walk.parts.push(i === text.length ? text : text.slice(0, i));
}

const WHITESPACE = /\s/;

function visitChildren(element: Y.XmlText, walk: Walk): void {
  const isCheckList =
    element.getAttribute('__type') === 'list' && element.getAttribute('__listType') === 'check';
  for (const op of element.toDelta() as { insert?: unknown }[]) {
    const insert = op.insert;
    if (typeof insert === 'string') {
      pushText(walk, insert);
    } else if (insert instanceof Y.XmlText) {
      const type = insert.getAttribute('__type');
      // Past the preview only lists matter (Lexical puts lists at the top level or inside list items);
      // skipping the rest keeps a long description's summary cheap.
      if (walk.length >= walk.textLimit && type !== 'list' && type !== 'listitem') continue;
      if (isCheckList && type === 'listitem' && hasOwnText(insert)) {
        walk.total += 1;
        if (insert.getAttribute('__checked') === true) walk.done += 1;
      }
      const block = typeof type !== 'string' || !INLINE_ELEMENT_TYPES.has(type);
      if (block) pushText(walk, ' ');
      visitChildren(insert, walk);
      if (block) pushText(walk, ' ');
    } else if (insert instanceof Y.Map) {
      // A text node's property map carries no characters; a line break reads as a space.
      if (insert.get('__type') === 'linebreak') pushText(walk, ' ');
    }
    // Y.XmlElement: a decorator (image, embed…), no text to show.
  }
}

/**
 * Whether a list item has text of its own. Lexical nests a list by wrapping it in a list item of its own
 * (no checkbox shown), and an empty item is the one Enter just added: neither is a task yet.
 */
function hasOwnText(element: Y.XmlText): boolean {
  for (const op of element.toDelta() as { insert?: unknown }[]) {
    const insert = op.insert;
    if (typeof insert === 'string' && insert.trim() !== '') return true;
    if (insert instanceof Y.XmlText && insert.getAttribute('__type') !== 'list' && hasOwnText(insert))
      return true;
  }
  return false;
}

function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function truncate(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  return `${text.slice(0, maxChars - 1).trimEnd()}…`;
}
