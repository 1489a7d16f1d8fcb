import { $createParagraphNode, $createTextNode, $getRoot } from 'lexical';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createEditorBridge } from '../../../client/description/collab-bridge';
import { collapseConcurrentEmptyParagraphs } from '../../../client/description/empty-paragraphs';
import { descriptionRoot } from '../../../shared/description-preview';
import { type BoundEditor, boundEditor, settle, sharedHandle } from './lexical-fixture';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function emptyParagraph(doc: Y.Doc, index = 0): void {
  const paragraph = new Y.XmlText();
  descriptionRoot(doc).insertEmbed(index, paragraph);
  paragraph.setAttribute('__type', 'paragraph');
}

function sync(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
}

function blockIds(doc: Y.Doc): string[] {
  return (descriptionRoot(doc).toDelta() as { insert: Y.XmlText }[]).map(
    (op) => `${op.insert._item?.id.client}:${op.insert._item?.id.clock}`,
  );
}

describe('collapsing the empty paragraphs several editors add at once', () => {
  it('two replicas that each added an empty paragraph converge on the same single one', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    a.clientID = 1;
    b.clientID = 2;
    emptyParagraph(a);
    emptyParagraph(b);
    sync(a, b);
    expect(descriptionRoot(a).length).toBe(2);
    expect(collapseConcurrentEmptyParagraphs(b)).toBe(true);
    expect(collapseConcurrentEmptyParagraphs(a)).toBe(true);
    sync(a, b);
    expect(blockIds(a)).toEqual(['1:0']);
    expect(blockIds(b)).toEqual(['1:0']);
  });

  it('leaves alone blank lines one editor made, and any description with text', () => {
    const a = new Y.Doc();
    emptyParagraph(a);
    emptyParagraph(a, 1);
    expect(collapseConcurrentEmptyParagraphs(a)).toBe(false);
    const b = new Y.Doc();
    sync(a, b);
    const withText = new Y.XmlText();
    descriptionRoot(b).insertEmbed(0, withText);
    withText.setAttribute('__type', 'paragraph');
    withText.insert(0, 'x');
    emptyParagraph(b, 1);
    sync(a, b);
    expect(collapseConcurrentEmptyParagraphs(a)).toBe(false);
    expect(descriptionRoot(a).length).toBe(4);
  });

  it('two open editors that both saw the description emptied end with one paragraph', async () => {
    const shared = [new Y.Doc(), new Y.Doc()];
    const editors: BoundEditor[] = [];
    for (const doc of shared) {
      const bridge = createEditorBridge(sharedHandle(doc));
      const editor = boundEditor(bridge.editorDoc, { flushRemote: false });
      cleanups.push(
        () => editor.destroy(),
        () => bridge.provider.disconnect(),
      );
      bridge.provider.connect();
      editors.push(editor);
    }
    const [a, b] = editors as [BoundEditor, BoundEditor];
    const [sharedA, sharedB] = shared as [Y.Doc, Y.Doc];
    a.update(() => {
      $getRoot().append($createParagraphNode().append($createTextNode('soon gone')));
    });
    sync(sharedA, sharedB);
    await settle();
    // Both empty the description at once (as an undo on one side and its arrival on the other do):
    // Lexical re-adds an empty paragraph on each side.
    a.update(() => $getRoot().clear());
    b.update(() => $getRoot().clear());
    await settle();
    sync(sharedA, sharedB);
    await settle();
    sync(sharedA, sharedB);
    await settle();
    expect(descriptionRoot(sharedA).length).toBe(1);
    expect(blockIds(sharedA)).toEqual(blockIds(sharedB));
    for (const editor of editors) {
      expect(editor.editor.getEditorState().read(() => $getRoot().getChildrenSize())).toBe(1);
    }
  });
});
