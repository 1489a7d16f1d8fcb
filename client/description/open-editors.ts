/**
 * Which document each open description editor's Lexical binding uses, by the shared document it mirrors
 * (collab-bridge.ts). A change applied to that document with origin null goes through the same path as
 * typing: Lexical renders it, its undo manager (which tracks null origins besides its own) takes it back
 * as one step, and the bridge carries it to the shared document, IndexedDB and the server. Restoring a
 * version of a description uses it (B16.4).
 */
import type * as Y from 'yjs';

const editorDocs = new Map<Y.Doc, Y.Doc>();

export function registerEditorDoc(shared: Y.Doc, editorDoc: Y.Doc): () => void {
  editorDocs.set(shared, editorDoc);
  return () => {
    if (editorDocs.get(shared) === editorDoc) editorDocs.delete(shared);
  };
}

/** The open editor's document for a description, or null when no editor shows it. */
export function editorDocFor(shared: Y.Doc): Y.Doc | null {
  return editorDocs.get(shared) ?? null;
}
