/**
 * Restoring a description to a version (B16.4): one forward change from the live document to the
 * version's content, never a rewrite of history.
 *
 * How: a scratch document starts as the version and receives everything the live document has beyond it
 * as one tracked transaction; undoing that transaction (Yjs's UndoManager) deletes what later edits
 * inserted and inserts again, as new items, what they deleted. What the scratch document then holds beyond
 * the live one is the change. This is the revert recipe Yjs's author describes
 * (https://discuss.yjs.dev/t/is-there-a-way-to-revert-to-specific-version/379), and the one the server's
 * backup rollback uses. The result is checked before use: applied to a copy of the live document it must
 * give the version's content exactly.
 *
 * Applying it: through the open editor's document with origin null when an editor shows the description,
 * so it takes the same path as typing (rendered by Lexical, one step of the editor's undo, carried to the
 * shared document and the server by the bridge); else to the shared document directly.
 */
import * as Y from 'yjs';
import { DESCRIPTION_ROOT_NAME } from '../../../shared/description-preview';
import { editorDocFor } from '../../description/open-editors';

/** Origin of the tracked transaction in the scratch document. */
const LATER = Symbol('changes after the version');
/** Origin of a restore applied straight to the shared document (no editor open). */
export const DESCRIPTION_RESTORE_ORIGIN = 'trellis:description-restore';

export class RestoreError extends Error {
  override name = 'RestoreError';
}

/**
 * The update that turns `present`'s description into the version's (`version`: the whole document as one
 * update), or null when the content is the same already. Throws RestoreError when the result would not
 * reproduce the version.
 */
export function changeToVersion(present: Y.Doc, version: Uint8Array): Uint8Array | null {
  const wanted = docOf(version);
  const scratch = docOf(version);
  const check = new Y.Doc();
  try {
    const target = contentOf(wanted);
    if (sameContent(contentOf(present), target)) return null;
    const undo = new Y.UndoManager(scratch.get(DESCRIPTION_ROOT_NAME, Y.XmlText), {
      trackedOrigins: new Set([LATER]),
      captureTimeout: Number.POSITIVE_INFINITY,
      // Every overwrite of a key after the version (a format, a checked box) is one to take back.
      ignoreRemoteMapChanges: true,
    });
    try {
      Y.applyUpdate(scratch, Y.encodeStateAsUpdate(present, Y.encodeStateVector(scratch)), LATER);
      undo.undo();
    } finally {
      undo.destroy();
    }
    const change = Y.encodeStateAsUpdate(scratch, Y.encodeStateVector(present));
    Y.applyUpdate(check, Y.encodeStateAsUpdate(present));
    Y.applyUpdate(check, change);
    if (!sameContent(contentOf(check), target))
      throw new RestoreError('the computed change does not reproduce the version');
    return change;
  } finally {
    wanted.destroy();
    scratch.destroy();
    check.destroy();
  }
}

/**
 * Restores the description `shared` (the page's synced document) to the version. Returns false when it
 * already had the version's content (nothing applied).
 */
export function restoreDescription(shared: Y.Doc, version: Uint8Array): boolean {
  const change = changeToVersion(shared, version);
  if (change === null) return false;
  const editorDoc = editorDocFor(shared);
  if (editorDoc) Y.applyUpdate(editorDoc, change, null);
  else Y.applyUpdate(shared, change, DESCRIPTION_RESTORE_ORIGIN);
  return true;
}

function docOf(update: Uint8Array): Y.Doc {
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, update);
  } catch (error) {
    doc.destroy();
    throw new RestoreError(`the version cannot be read (${(error as Error).message})`);
  }
  return doc;
}

/** The description as plain data: its tree of elements with their attributes, text runs and embeds. */
export function contentOf(doc: Y.Doc): unknown {
  return xmlContent(doc.get(DESCRIPTION_ROOT_NAME, Y.XmlText));
}

function xmlContent(text: Y.XmlText): unknown {
  return {
    attributes: sorted(text.getAttributes() as Record<string, unknown>),
    children: (text.toDelta() as { insert?: unknown; attributes?: Record<string, unknown> }[]).map((op) => {
      const insert = op.insert;
      const attributes = op.attributes ? sorted(op.attributes) : undefined;
      if (insert instanceof Y.XmlText) return { element: xmlContent(insert), attributes };
      if (insert instanceof Y.Map)
        return { map: sorted(insert.toJSON() as Record<string, unknown>), attributes };
      if (insert instanceof Y.XmlElement) return { embed: insert.toString(), attributes };
      return { insert, attributes };
    }),
  };
}

/** Keys in order; nested shared types (Lexical keeps a node's state in a Y.Map attribute) as their JSON. */
function sorted(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(record)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, value]) => [key, value instanceof Y.AbstractType ? value.toJSON() : value]),
  );
}

function sameContent(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
