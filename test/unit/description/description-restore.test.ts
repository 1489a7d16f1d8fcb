/**
 * Restoring a description to a version (client/history/versions/description-restore.ts, B16.4): one forward
 * change computed from the live document, on documents a real Lexical binding wrote; applied through the
 * open editor's document it is rendered, undone as one step and carried to the shared document; it merges
 * with typing elsewhere in the description. Also the text and word diff the versions view shows.
 */
import { createUndoManager } from '@lexical/yjs';
import { $createTextNode, $getRoot, type ElementNode } from 'lexical';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createEditorBridge } from '../../../client/description/collab-bridge';
import {
  changeToVersion,
  contentOf,
  restoreDescription,
} from '../../../client/history/versions/description-restore';
import { descriptionText, diffText } from '../../../client/history/versions/description-text';
import { DESCRIPTION_ROOT_NAME } from '../../../shared/description-preview';
import { type BoundEditor, boundEditor, sharedHandle } from './lexical-fixture';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function editorOn(doc: Y.Doc): BoundEditor {
  const bound = boundEditor(doc);
  cleanups.push(() => bound.destroy());
  return bound;
}

function shownText(bound: BoundEditor): string {
  return bound.editor.getEditorState().read(() => $getRoot().getTextContent());
}

/** Appends text to the n-th top-level block, as typing at its end would. */
function typeInto(bound: BoundEditor, block: number, text: string): void {
  bound.update(() => {
    const target = $getRoot().getChildren()[block] as ElementNode | undefined;
    target?.append($createTextNode(text));
  });
}

describe('restoring a description to a version', () => {
  it('[B16.4] the change gives exactly the version: text, check marks, blocks deleted and added since', () => {
    const author = editorOn(new Y.Doc());
    author.setMarkdown('# Plan\n\n- [ ] one\n- [x] two\n\nShip on Friday');
    const version = Y.encodeStateAsUpdate(author.doc);
    const versionText = descriptionText(author.doc);
    author.setMarkdown('# Plan B\n\n- [x] one\n\nShip on Monday\n\nA new paragraph');
    expect(descriptionText(author.doc)).not.toBe(versionText);

    const change = changeToVersion(author.doc, version);
    expect(change).not.toBeNull();
    Y.applyUpdate(author.doc, change as Uint8Array);
    expect(descriptionText(author.doc)).toBe(versionText);
    const wanted = new Y.Doc();
    Y.applyUpdate(wanted, version);
    expect(contentOf(author.doc)).toEqual(contentOf(wanted));
    expect(shownText(author)).toBe('Plan\n\none\n\ntwo\n\nShip on Friday');
    // Already as it was: nothing to apply.
    expect(changeToVersion(author.doc, version)).toBeNull();
  });

  it('[B16.4] through the open editor: rendered, one undo step of the editor, carried to the shared document', () => {
    const author = editorOn(new Y.Doc());
    author.setMarkdown('First draft');
    const version = Y.encodeStateAsUpdate(author.doc);
    author.setMarkdown('Second draft');
    const handle = sharedHandle(new Y.Doc());
    Y.applyUpdate(handle.doc, Y.encodeStateAsUpdate(author.doc));

    const bridge = createEditorBridge(handle);
    const editor = editorOn(bridge.editorDoc);
    bridge.provider.connect();
    cleanups.push(() => bridge.provider.disconnect());
    // The editor's own undo manager, as CollaborationPlugin creates it.
    const undo = createUndoManager(
      {} as Parameters<typeof createUndoManager>[0],
      bridge.editorDoc.get(DESCRIPTION_ROOT_NAME, Y.XmlText),
    );
    expect(shownText(editor)).toBe('Second draft');

    expect(restoreDescription(handle.doc, version)).toBe(true);
    expect(shownText(editor)).toBe('First draft');
    expect(descriptionText(handle.doc)).toBe('First draft');
    expect(undo.undoStack.length).toBe(1);
    undo.undo();
    expect(shownText(editor)).toBe('Second draft');
    expect(descriptionText(handle.doc)).toBe('Second draft');
  });

  it('[B16.4] merges with typing elsewhere in the description made at the same time', () => {
    const alice = editorOn(new Y.Doc());
    alice.setMarkdown('alpha\n\nbeta');
    const version = Y.encodeStateAsUpdate(alice.doc);
    typeInto(alice, 0, ' changed');
    const bob = editorOn(new Y.Doc());
    Y.applyUpdate(bob.doc, Y.encodeStateAsUpdate(alice.doc));
    expect(shownText(bob)).toBe('alpha changed\n\nbeta');

    restoreDescription(alice.doc, version);
    typeInto(bob, 1, ' more');
    Y.applyUpdate(alice.doc, Y.encodeStateAsUpdate(bob.doc));
    Y.applyUpdate(bob.doc, Y.encodeStateAsUpdate(alice.doc));
    expect(descriptionText(alice.doc)).toBe('alpha\nbeta more');
    expect(descriptionText(bob.doc)).toBe('alpha\nbeta more');
    expect(shownText(bob)).toBe('alpha\n\nbeta more');
  });
});

describe('a description version as text', () => {
  it('[B16.1] one line per block, check list items marked, and a word diff against now', () => {
    const author = editorOn(new Y.Doc());
    author.setMarkdown('# Plan\n\n- [ ] one\n- [x] two\n\nShip on Friday');
    expect(descriptionText(author.doc)).toBe('Plan\n[ ] one\n[x] two\nShip on Friday');
    expect(diffText('Ship on Friday', 'Ship on Monday')).toEqual([
      { text: 'Ship on ', side: 'both' },
      { text: 'Friday', side: 'then' },
      { text: 'Monday', side: 'now' },
    ]);
  });
});
