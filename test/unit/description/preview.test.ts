import { $createListItemNode, $createListNode, $isListItemNode } from '@lexical/list';
import { $createParagraphNode, $createTextNode, $getRoot } from 'lexical';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  descriptionRoot,
  EMPTY_SUMMARY,
  PREVIEW_MAX_CHARS,
  summarizeDescription,
} from '../../../shared/description-preview';
import { type BoundEditor, boundEditor, linkDocs } from './lexical-fixture';

const editors: BoundEditor[] = [];
function editor(doc?: Y.Doc): BoundEditor {
  const bound = boundEditor(doc);
  editors.push(bound);
  return bound;
}
afterEach(() => {
  for (const bound of editors.splice(0)) bound.destroy();
});

describe('description preview, on documents written by a real @lexical/yjs binding', () => {
  it('an empty description has no preview and no checklist', () => {
    expect(summarizeDescription(new Y.Doc())).toEqual(EMPTY_SUMMARY);
  });

  it('reads the text of headings, paragraphs, quotes, lists and code, blocks separated by one space', () => {
    const { doc, setMarkdown } = editor();
    setMarkdown(
      '# Launch plan\n\nShip **the** _beta_ by [Friday](https://example.com).\n\n> Keep it small\n\n- one\n- two\n\n```\nnpm test\n```',
    );
    expect(descriptionRoot(doc).length).toBeGreaterThan(0);
    expect(summarizeDescription(doc).preview).toBe(
      'Launch plan Ship the beta by Friday. Keep it small one two npm test',
    );
  });

  it('a link inside a line joins the words around it without a gap', () => {
    const { doc, setMarkdown } = editor();
    setMarkdown('see[docs](https://example.com)now');
    expect(summarizeDescription(doc).preview).toBe('seedocsnow');
  });

  it('counts check list items and the ticked ones, nested lists included', () => {
    const { doc, setMarkdown } = editor();
    setMarkdown(
      'Tasks\n\n- [x] design\n- [ ] build\n    - [x] api\n    - [ ] ui\n- [X] review\n\n- plain bullet',
    );
    expect(summarizeDescription(doc).checklist).toEqual({ done: 3, total: 5 });
  });

  it('follows a tick made in the editor', () => {
    const { doc, setMarkdown, update } = editor();
    setMarkdown('- [ ] a\n- [ ] b');
    expect(summarizeDescription(doc).checklist).toEqual({ done: 0, total: 2 });
    update(() => {
      const first = $getRoot().getFirstDescendant()?.getParent();
      if (!$isListItemNode(first)) throw new Error('expected a list item');
      first.setChecked(true);
    });
    expect(summarizeDescription(doc).checklist).toEqual({ done: 1, total: 2 });
  });

  it('an empty check item (the one Enter just added) does not count, nor do bullet or numbered lists', () => {
    const { doc, update } = editor();
    update(() => {
      const check = $createListNode('check');
      check.append($createListItemNode(false).append($createTextNode('task')), $createListItemNode(false));
      const bullets = $createListNode('bullet');
      bullets.append($createListItemNode().append($createTextNode('x')));
      const numbers = $createListNode('number');
      numbers.append($createListItemNode().append($createTextNode('y')));
      $getRoot().append(check, bullets, numbers);
    });
    expect(summarizeDescription(doc).checklist).toEqual({ done: 0, total: 1 });
  });

  it(`cuts the preview at ${PREVIEW_MAX_CHARS} characters with an ellipsis and collapses whitespace`, () => {
    const { doc, update } = editor();
    const long = 'word '.repeat(100);
    update(() => {
      $getRoot().append($createParagraphNode().append($createTextNode(`  a\t\tb   ${long}`)));
    });
    const { preview } = summarizeDescription(doc);
    expect(preview.length).toBeLessThanOrEqual(PREVIEW_MAX_CHARS);
    expect(preview.startsWith('a b word word')).toBe(true);
    expect(preview.endsWith('…')).toBe(true);
  });

  it('whitespace-only blocks do not use up the preview; a check list far below the preview still counts', () => {
    const { doc, update } = editor();
    update(() => {
      const root = $getRoot();
      for (let i = 0; i < 200; i += 1) root.append($createParagraphNode());
      root.append($createParagraphNode().append($createTextNode('hello after the gap')));
      for (let i = 0; i < 300; i += 1)
        root.append($createParagraphNode().append($createTextNode(`line ${i}`)));
      const check = $createListNode('check');
      check.append($createListItemNode(true).append($createTextNode('deep task')));
      root.append(check);
    });
    const summary = summarizeDescription(doc);
    expect(summary.preview.startsWith('hello after the gap line 0 line 1')).toBe(true);
    expect(summary.preview.length).toBeGreaterThanOrEqual(PREVIEW_MAX_CHARS - 1);
    expect(summary.preview.endsWith('…')).toBe(true);
    expect(summary.checklist).toEqual({ done: 1, total: 1 });
  });

  it('a line break (shift+enter) reads as a space', () => {
    const { doc, setMarkdown } = editor();
    setMarkdown('first');
    const { update } = editors[0] as BoundEditor;
    update(() => {
      const paragraph = $getRoot().getFirstChild();
      if (paragraph === null) throw new Error('no paragraph');
      paragraph.selectEnd().insertLineBreak();
      paragraph.selectEnd().insertText('second');
    });
    expect(summarizeDescription(doc).preview).toBe('first second');
  });

  it('two replicas editing concurrently converge on the same summary', () => {
    const a = editor();
    const b = editor();
    const unlink = linkDocs(a.doc, b.doc);
    a.setMarkdown('- [ ] shared');
    unlink();
    a.update(() => {
      $getRoot().append($createParagraphNode().append($createTextNode('from a')));
    });
    b.update(() => {
      const list = $getRoot().getFirstChild();
      if (list === null) throw new Error('list not synced to b');
      list.insertBefore($createParagraphNode().append($createTextNode('from b')));
    });
    linkDocs(a.doc, b.doc);
    const summaryA = summarizeDescription(a.doc);
    expect(summaryA).toEqual(summarizeDescription(b.doc));
    expect(summaryA.preview).toContain('from a');
    expect(summaryA.preview).toContain('from b');
    expect(summaryA.checklist).toEqual({ done: 0, total: 1 });
  });

  it('hand-built structure: text maps carry no characters, decorators (XmlElement) are skipped', () => {
    const doc = new Y.Doc();
    const root = descriptionRoot(doc);
    const paragraph = new Y.XmlText();
    const textProps = new Y.Map<unknown>();
    root.insertEmbed(0, paragraph);
    paragraph.setAttribute('__type', 'paragraph');
    paragraph.insertEmbed(0, textProps);
    textProps.set('__type', 'text');
    paragraph.insert(1, 'hello');
    paragraph.insertEmbed(6, new Y.XmlElement());
    expect(summarizeDescription(doc)).toEqual({ preview: 'hello', checklist: { done: 0, total: 0 } });
  });
});
