/**
 * A description's text as lines, for looking at a version beside now (B16.1), and the word diff between
 * the two. The layout read is @lexical/yjs's binding v1 (see shared/description-preview.ts): block elements
 * are nested `XmlText`s, a text node is an embedded `Y.Map` followed by its characters, a line break an
 * embedded map of type `linebreak`. The diff is jsdiff's (`diff`): a well-kept implementation of Myers'
 * algorithm with word tokenising, where a hand-written one would be a second thing to get right.
 */
import { diffWordsWithSpace } from 'diff';
import * as Y from 'yjs';
import { descriptionRoot } from '../../../shared/description-preview';

/** Element types that sit inside a line (their text joins the line). */
const INLINE_TYPES: ReadonlySet<string> = new Set(['link', 'autolink', 'mark']);

/** The description's text, one line per block; check list items as "[x] " or "[ ] ", list items as "• ". */
export function descriptionText(doc: Y.Doc): string {
  const lines: string[] = [];
  let line = '';
  const endLine = () => {
    if (line.trim() !== '') lines.push(line.trimEnd());
    line = '';
  };
  const visit = (element: Y.XmlText, checkList: boolean) => {
    for (const op of element.toDelta() as { insert?: unknown }[]) {
      const insert = op.insert;
      if (typeof insert === 'string') line += insert;
      else if (insert instanceof Y.Map) {
        if (insert.get('__type') === 'linebreak') endLine();
      } else if (insert instanceof Y.XmlText) {
        const type = insert.getAttribute('__type');
        if (typeof type === 'string' && INLINE_TYPES.has(type)) {
          visit(insert, false);
          continue;
        }
        endLine();
        if (type === 'listitem' && !hasNestedList(insert))
          line = checkList ? (insert.getAttribute('__checked') === true ? '[x] ' : '[ ] ') : '• ';
        visit(insert, type === 'list' && insert.getAttribute('__listType') === 'check');
        endLine();
      }
    }
  };
  visit(descriptionRoot(doc), false);
  endLine();
  return lines.join('\n');
}

function hasNestedList(item: Y.XmlText): boolean {
  return (item.toDelta() as { insert?: unknown }[]).some(
    (op) => op.insert instanceof Y.XmlText && op.insert.getAttribute('__type') === 'list',
  );
}

/** A run of text: in both, only in the version (restoring brings it back), or only now (restoring removes it). */
export interface TextPart {
  readonly text: string;
  readonly side: 'both' | 'then' | 'now';
}

export function diffText(then: string, now: string): TextPart[] {
  return diffWordsWithSpace(then, now).map((change) => ({
    text: change.value,
    side: change.removed ? 'then' : change.added ? 'now' : 'both',
  }));
}
