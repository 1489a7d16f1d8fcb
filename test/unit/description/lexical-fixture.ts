/**
 * A headless Lexical editor bound to a Y.Doc through @lexical/yjs, the same binding CollaborationPlugin
 * creates in the browser, so tests read the exact structure a real editor writes.
 */
import { $convertFromMarkdownString, CHECK_LIST, TRANSFORMERS } from '@lexical/markdown';
import {
  createYjsBinding,
  type Provider,
  syncLexicalUpdateToYjs,
  syncYjsChangesToLexical,
} from '@lexical/yjs';
import { $getRoot, createEditor, type LexicalEditor } from 'lexical';
import { ObservableV2 } from 'lib0/observable';
import { onTestFinished } from 'vitest';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { DocHandle } from '../../../client/sync/types';

export interface BoundEditor {
  editor: LexicalEditor;
  doc: Y.Doc;
  /** Replaces the whole content with this Markdown (check lists included). */
  setMarkdown(markdown: string): void;
  update(fn: () => void): void;
  destroy(): void;
}

/** The editor's own node list, so the fixture builds documents exactly as the app does. */
export { DESCRIPTION_NODES } from '../../../client/description/editor-config';

import { DESCRIPTION_NODES } from '../../../client/description/editor-config';

export interface BoundEditorOptions {
  /**
   * Commit remote changes synchronously (default). Off, they commit in a microtask as in a browser, and the
   * caller awaits between steps.
   */
  flushRemote?: boolean;
}

export function boundEditor(doc = new Y.Doc(), options: BoundEditorOptions = {}): BoundEditor {
  const flushRemote = options.flushRemote ?? true;
  const editor = createEditor({
    namespace: 'test',
    nodes: DESCRIPTION_NODES,
    onError: (error) => {
      throw error;
    },
  });
  const binding = createYjsBinding({ editor, id: 'main', doc, docMap: new Map([['main', doc]]) });
  const awareness = new Awareness(doc);
  const provider: Provider = {
    awareness: awareness as unknown as Provider['awareness'],
    connect: () => {},
    disconnect: () => {},
    on: () => {},
    off: () => {},
  };
  const stopListening = editor.registerUpdateListener((update) => {
    syncLexicalUpdateToYjs(
      binding,
      provider,
      update.prevEditorState,
      update.editorState,
      update.dirtyElements,
      update.dirtyLeaves,
      update.normalizedNodes,
      update.tags,
    );
  });
  const root = binding.root.getSharedType();
  const observer = (events: Y.YEvent<Y.XmlText>[], transaction: Y.Transaction) => {
    if (transaction.origin !== binding) {
      syncYjsChangesToLexical(binding, provider, events, false);
      // Lexical commits that update in a microtask; commit it now so a test's next local edit is not
      // batched into the same (collaboration-tagged, hence not written back) commit.
      if (flushRemote) editor.update(() => {}, { discrete: true });
    }
  };
  root.observeDeep(observer as (events: Y.YEvent<Y.AbstractType<unknown>>[], t: Y.Transaction) => void);
  const update = (fn: () => void) => editor.update(fn, { discrete: true });
  let destroyed = false;
  return {
    editor,
    doc,
    update,
    setMarkdown(markdown) {
      update(() => {
        $getRoot().clear();
        $convertFromMarkdownString(markdown, [CHECK_LIST, ...TRANSFORMERS]);
      });
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      stopListening();
      root.unobserveDeep(observer as (events: Y.YEvent<Y.AbstractType<unknown>>[], t: Y.Transaction) => void);
      awareness.destroy();
    },
  };
}

/** Connects two docs both ways, as a server would. */
export function linkDocs(a: Y.Doc, b: Y.Doc): () => void {
  const toB = (update: Uint8Array, origin: unknown) => {
    if (origin !== b) Y.applyUpdate(b, update, a);
  };
  const toA = (update: Uint8Array, origin: unknown) => {
    if (origin !== a) Y.applyUpdate(a, update, b);
  };
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a), a);
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b), b);
  a.on('update', toB);
  b.on('update', toA);
  return () => {
    a.off('update', toB);
    b.off('update', toA);
  };
}

/**
 * The parts of a DocHandle the editor bridge uses: `doc`, its awareness and a provider stand-in that only
 * relays events. An awareness made here (none given) is destroyed when the test ends; a given one stays
 * the caller's.
 */
export function sharedHandle(
  doc = new Y.Doc(),
  awareness?: Awareness,
): Pick<DocHandle, 'doc' | 'awareness' | 'provider'> {
  let ownAwareness = awareness;
  if (ownAwareness === undefined) {
    const created = new Awareness(doc);
    onTestFinished(() => created.destroy());
    ownAwareness = created;
  }
  const provider = new ObservableV2<Record<string, (...args: unknown[]) => void>>();
  return { doc, awareness: ownAwareness, provider: provider as unknown as DocHandle['provider'] };
}

/** Lets queued microtasks (Lexical's commits and the updates they trigger) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i += 1) await Promise.resolve();
}
