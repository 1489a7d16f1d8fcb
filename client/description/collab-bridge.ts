/**
 * Binds one mounted editor to a description's shared document without ever handing Lexical a document
 * that already has content.
 *
 * Why: @lexical/yjs (0.52, binding v1) only learns content through `observeDeep` events; a Y.Doc that is
 * already loaded when the binding is created leaves the editor empty, and the next local edit is then
 * written against a stale tree: content goes missing or is duplicated (lexical #4999, #7722). The
 * DocHandle's document is shared per page and usually loaded (IndexedDB, a quick reopen, StrictMode).
 *
 * So each mounted editor gets its own fresh `editorDoc`, and this bridge replicates updates both ways
 * between it and the DocHandle's document, like a second replica on the same page. Lexical's Provider is
 * an adapter whose `connect()` (called after Lexical attached its observer) first copies the shared
 * document's state into `editorDoc`, so the whole existing content arrives as one observed change. The
 * socket and IndexedDB stay owned by the DocHandle; Lexical's connect/disconnect never touch them.
 */
import type { Provider, ProviderAwareness, UserState } from '@lexical/yjs';
import type { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { DocHandle } from '../sync/types';
import { watchEmptyParagraphs } from './empty-paragraphs';
import { registerEditorDoc } from './open-editors';

export interface EditorBridge {
  /** The document this editor's Lexical binding uses; never shared with anything else. */
  readonly editorDoc: Y.Doc;
  /** What CollaborationPlugin's `providerFactory` returns. */
  readonly provider: Provider;
  /** True while updates flow (between Lexical's connect and disconnect). */
  readonly attached: boolean;
}

type Listener = (...args: unknown[]) => void;
interface Observable {
  on(type: string, listener: Listener): void;
  off(type: string, listener: Listener): void;
}

/** Transactions applied by a bridge carry its instance as origin, so neither side echoes them back. */
export function isBridgeOrigin(origin: unknown): boolean {
  return origin instanceof BridgeOrigin;
}

class BridgeOrigin {}

export function createEditorBridge(handle: Pick<DocHandle, 'doc' | 'awareness' | 'provider'>): EditorBridge {
  const shared = handle.doc;
  const editorDoc = new Y.Doc();
  const origin = new BridgeOrigin();
  let attached = false;
  let stopWatching = () => {};
  let unregister = () => {};

  const toEditor = (update: Uint8Array, from: unknown) => {
    if (from !== origin) Y.applyUpdate(editorDoc, update, origin);
  };
  const toShared = (update: Uint8Array, from: unknown) => {
    if (from !== origin) Y.applyUpdate(shared, update, origin);
  };

  const attach = () => {
    if (attached) return;
    attached = true;
    // Whatever the other side has that this one lacks, both ways (idempotent: Yjs skips known items).
    const sharedMissing = Y.encodeStateAsUpdate(editorDoc, Y.encodeStateVector(shared));
    Y.applyUpdate(shared, sharedMissing, origin);
    const editorMissing = Y.encodeStateAsUpdate(shared, Y.encodeStateVector(editorDoc));
    Y.applyUpdate(editorDoc, editorMissing, origin);
    shared.on('update', toEditor);
    editorDoc.on('update', toShared);
    stopWatching = watchEmptyParagraphs(shared);
    unregister = registerEditorDoc(shared, editorDoc);
  };
  const detach = () => {
    if (!attached) return;
    attached = false;
    shared.off('update', toEditor);
    editorDoc.off('update', toShared);
    stopWatching();
    unregister();
    // Our caret leaves the others' screens when the editor closes, not when the document is released
    // (later). Lexical sets the state again before it reconnects (StrictMode's rehearsal unmount).
    handle.awareness.setLocalState(null);
  };

  const socket = handle.provider as unknown as Observable;
  const provider: Provider = {
    awareness: editorAwareness(handle.awareness),
    // Lexical calls connect() from an effect that runs after its observer is attached, and disconnect()
    // when it unmounts (also StrictMode's rehearsal unmount, after which it connects again).
    connect: attach,
    disconnect: detach,
    on: (type: string, listener: Listener) => socket.on(type, listener),
    off: (type: string, listener: Listener) => socket.off(type, listener),
  } as Provider;

  return {
    editorDoc,
    provider,
    get attached() {
      return attached;
    },
  };
}

/**
 * The description's awareness as Lexical sees it. Lexical skips the cursor whose client id equals its
 * binding's document's (`editorDoc`), but our own awareness entry is keyed by the shared document's id, so
 * it is hidden here; otherwise the local caret would be drawn as a remote one.
 */
function editorAwareness(awareness: Awareness): ProviderAwareness {
  return {
    getLocalState: () => awareness.getLocalState() as UserState | null,
    getStates: () => {
      const states = new Map(awareness.getStates() as Map<number, UserState>);
      states.delete(awareness.clientID);
      return states;
    },
    setLocalState: (state) => awareness.setLocalState(state),
    setLocalStateField: (field, value) => awareness.setLocalStateField(field, value),
    on: (type, listener) => awareness.on(type, listener),
    off: (type, listener) => awareness.off(type, listener),
  };
}
