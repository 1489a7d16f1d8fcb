import { $createParagraphNode, $createTextNode, $getRoot } from 'lexical';
import { afterEach, describe, expect, it } from 'vitest';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { createEditorBridge } from '../../../client/description/collab-bridge';
import { summarizeDescription } from '../../../shared/description-preview';
import { type BoundEditor, boundEditor, sharedHandle } from './lexical-fixture';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function editorOn(editorDoc: Y.Doc): BoundEditor {
  const bound = boundEditor(editorDoc);
  cleanups.push(() => bound.destroy());
  return bound;
}

function text(bound: BoundEditor): string {
  return bound.editor.getEditorState().read(() => $getRoot().getTextContent());
}

function seeded(markdown: string): Y.Doc {
  const source = editorOn(new Y.Doc());
  source.setMarkdown(markdown);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(source.doc));
  return doc;
}

describe('editor bridge: a fresh editor document replicated with the shared one', () => {
  it('an editor opened on an already-loaded description shows its content (lexical #4999)', () => {
    const handle = sharedHandle(seeded('# Plan\n\n- [x] one\n- [ ] two'));
    const bridge = createEditorBridge(handle);
    const bound = editorOn(bridge.editorDoc);
    expect(text(bound)).toBe('');
    bridge.provider.connect();
    expect(text(bound)).toBe('Plan\n\none\n\ntwo');
  });

  it('local edits reach the shared document, remote ones reach the editor, nothing twice', () => {
    const handle = sharedHandle(seeded('start'));
    const bridge = createEditorBridge(handle);
    const bound = editorOn(bridge.editorDoc);
    bridge.provider.connect();
    bound.update(() => {
      $getRoot().append($createParagraphNode().append($createTextNode('mine')));
    });
    expect(summarizeDescription(handle.doc).preview).toBe('start mine');

    const remote = sharedHandle();
    Y.applyUpdate(remote.doc, Y.encodeStateAsUpdate(handle.doc));
    const remoteBridge = createEditorBridge(remote);
    const remoteEditor = editorOn(remoteBridge.editorDoc);
    remoteBridge.provider.connect();
    remoteEditor.update(() => {
      $getRoot().append($createParagraphNode().append($createTextNode('theirs')));
    });
    Y.applyUpdate(handle.doc, Y.encodeStateAsUpdate(remote.doc));
    expect(text(bound)).toBe('start\n\nmine\n\ntheirs');
    expect(summarizeDescription(handle.doc)).toEqual(summarizeDescription(bridge.editorDoc));
  });

  it('a disconnect/connect rehearsal (React StrictMode) and repeated connects duplicate nothing', () => {
    const handle = sharedHandle(seeded('only once'));
    const bridge = createEditorBridge(handle);
    const bound = editorOn(bridge.editorDoc);
    for (let i = 0; i < 3; i += 1) {
      bridge.provider.connect();
      bridge.provider.disconnect();
    }
    bridge.provider.connect();
    bridge.provider.connect();
    expect(text(bound)).toBe('only once');
    Y.applyUpdate(handle.doc, Y.encodeStateAsUpdate(seeded('x')));
    const paragraphs = text(bound).split('\n\n').sort();
    expect(paragraphs).toEqual(['only once', 'x']);
  });

  it('a remount gets a new editor document that hydrates from the shared one (lexical #7722)', () => {
    const handle = sharedHandle(seeded('kept'));
    const first = createEditorBridge(handle);
    const firstEditor = editorOn(first.editorDoc);
    first.provider.connect();
    firstEditor.update(() => {
      $getRoot().append($createParagraphNode().append($createTextNode('typed')));
    });
    first.provider.disconnect();
    const second = createEditorBridge(handle);
    expect(second.editorDoc).not.toBe(first.editorDoc);
    const secondEditor = editorOn(second.editorDoc);
    second.provider.connect();
    expect(text(secondEditor)).toBe('kept\n\ntyped');
  });

  it('why: a binding created on an already-loaded document writes against a stale (empty) tree', () => {
    const loaded = seeded('existing');
    const bound = editorOn(loaded);
    expect(text(bound)).toBe('');
    bound.update(() => {
      $getRoot().append($createParagraphNode().append($createTextNode('appended')));
    });
    // The paragraph meant to go after the content lands before it: the editor's tree and Yjs disagree.
    expect(summarizeDescription(loaded).preview).toBe('appended existing');
  });

  it('hides our own awareness entry from Lexical so our caret is never drawn as a remote one', () => {
    const handle = sharedHandle();
    const bridge = createEditorBridge(handle);
    handle.awareness.setLocalState({ name: 'me' });
    const peer = new Awareness(new Y.Doc());
    cleanups.push(() => peer.destroy());
    peer.setLocalState({ name: 'peer' });
    handle.awareness.getStates().set(peer.clientID, { name: 'peer' });
    const states = bridge.provider.awareness.getStates();
    expect([...states.keys()]).toEqual([peer.clientID]);
    expect(bridge.provider.awareness.getLocalState()).toEqual({ name: 'me' });
  });

  it('closing the editor (Lexical disconnects) takes our cursor out of the awareness at once', () => {
    const handle = sharedHandle();
    const bridge = createEditorBridge(handle);
    bridge.provider.connect();
    bridge.provider.awareness.setLocalState({ name: 'me', anchorPos: null, focusPos: null } as never);
    expect(handle.awareness.getLocalState()).not.toBeNull();
    bridge.provider.disconnect();
    expect(handle.awareness.getLocalState()).toBeNull();
    expect(bridge.attached).toBe(false);
  });
});
