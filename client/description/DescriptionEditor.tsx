import { CheckListPlugin } from '@lexical/react/LexicalCheckListPlugin';
import { LexicalCollaboration } from '@lexical/react/LexicalCollaborationContext';
import { CollaborationPlugin } from '@lexical/react/LexicalCollaborationPlugin';
import { type InitialConfigType, LexicalComposer } from '@lexical/react/LexicalComposer';
import { useLexicalComposerContext } from '@lexical/react/LexicalComposerContext';
import { ContentEditable } from '@lexical/react/LexicalContentEditable';
import { LexicalErrorBoundary } from '@lexical/react/LexicalErrorBoundary';
import { LinkPlugin } from '@lexical/react/LexicalLinkPlugin';
import { ListPlugin } from '@lexical/react/LexicalListPlugin';
import { MarkdownShortcutPlugin } from '@lexical/react/LexicalMarkdownShortcutPlugin';
import { RichTextPlugin } from '@lexical/react/LexicalRichTextPlugin';
import { TabIndentationPlugin } from '@lexical/react/LexicalTabIndentationPlugin';
import type { Provider } from '@lexical/yjs';
import { memo, useCallback, useEffect, useRef } from 'react';
import type * as Y from 'yjs';
import type { Participant } from '../../shared/presence';
import { boardRoom, descriptionRoom } from '../../shared/room-names';
import { type DocHandle, type SyncStatus, useDocument, useLocalLoaded, useSyncStatus } from '../sync';
import { createEditorBridge } from './collab-bridge';
import { EditingFocusPlugin } from './EditingFocusPlugin';
import { DESCRIPTION_NODES, DESCRIPTION_THEME, DESCRIPTION_TRANSFORMERS, isSafeUrl } from './editor-config';
import { OpenLinkPlugin } from './OpenLinkPlugin';
import { syncSummaryToBoard } from './summary-sync';
import { Toolbar } from './Toolbar';
import './description.css';

export interface DescriptionEditorProps {
  boardId: string;
  cardId: string;
  /** Shown to others beside this user's cursor, in this colour. */
  me: Participant;
  /** The board's document, if the caller has it open; otherwise the editor opens it (same shared doc). */
  boardDoc?: Y.Doc;
  /** Focus entered (true) or left (false) the description: publish `editingCardId` from here. */
  onEditingChange?: (editing: boolean) => void;
  /**
   * The board is read-only (pass the board's `SyncStatus.readOnly`): the description is shown, not edited, and
   * the card's stored preview is left alone. The description's own connection saying so has the same effect.
   */
  readOnly?: boolean;
}

/**
 * A card's description: its own Yjs document (`descriptionRoom`), opened while this component is mounted
 * and released when it unmounts, edited collaboratively through Lexical. While open, it keeps the card's
 * preview and checklist count on the board up to date.
 */
export function DescriptionEditor({
  boardId,
  cardId,
  me,
  boardDoc,
  onEditingChange,
  readOnly: boardReadOnly = false,
}: DescriptionEditorProps) {
  const room = descriptionRoom(boardId, cardId);
  const handle = useDocument(room);
  const openedBoard = useDocument(boardDoc ? null : boardRoom(boardId));
  const board = boardDoc ?? openedBoard?.doc ?? null;
  const status = useSyncStatus(handle);
  const localLoaded = useLocalLoaded(handle);
  // The board re-renders its panel on every board change, with a new callback each time; the editor below
  // is memoised and gets a stable one, so neither that nor a status change (per keystroke) re-renders it.
  const editingChange = useRef(onEditingChange);
  editingChange.current = onEditingChange;
  const reportEditing = useCallback((editing: boolean) => editingChange.current?.(editing), []);
  const readOnly = boardReadOnly || status.readOnly;

  // A read-only viewer writes nothing to the board: the server would drop the summary and it would stay
  // unsaved. (Whoever edits the description keeps it current.)
  useEffect(() => {
    if (handle === null || board === null || boardReadOnly) return;
    return syncSummaryToBoard({ description: handle, boardDoc: board, cardId, actor: me.id });
  }, [handle, board, cardId, boardReadOnly, me.id]);

  return (
    <section
      className="description"
      aria-label="Description"
      data-testid="description-editor"
      data-room={room}
      data-connection={status.connection}
      data-synced={status.serverSynced}
      data-read-only={readOnly}
    >
      <DescriptionStatus status={status} readOnly={readOnly} />
      {handle !== null && localLoaded === handle ? (
        <CollaborativeEditor
          key={room}
          handle={handle}
          me={me}
          onEditingChange={reportEditing}
          editable={status.connection !== 'denied' && !readOnly}
        />
      ) : (
        <p className="desc-loading">Loading description…</p>
      )}
    </section>
  );
}

/**
 * The description's sync state. Only the connection part is a live region: the save part flips
 * Saving…/Saved on every keystroke.
 */
function DescriptionStatus({ status, readOnly }: { status: SyncStatus; readOnly: boolean }) {
  const { connection, saving } = statusParts(status, readOnly);
  return (
    <p className="desc-status" data-testid="description-status">
      <span role="status">{connection}</span>
      {connection !== '' && saving !== '' ? ' · ' : null}
      {saving}
    </p>
  );
}

/** What the status says, as its connection part and its save part (either may be empty). */
function statusParts(status: SyncStatus, readOnly: boolean): { connection: string; saving: string } {
  const parts = connectionParts(status);
  if (!readOnly || status.connection === 'denied') return parts;
  // Nothing of ours is waiting to be saved: say what the viewer can do, and whether it is live.
  if (status.connection === 'online') return { connection: 'Read-only', saving: '' };
  return { connection: `Read-only · ${parts.connection}`, saving: parts.saving };
}

function connectionParts(status: SyncStatus): { connection: string; saving: string } {
  switch (status.connection) {
    case 'offline':
      return { connection: 'Offline', saving: status.pending > 0 ? 'changes kept on this device' : '' };
    case 'unreachable':
      return {
        connection: 'Server unreachable',
        saving: status.pending > 0 ? 'changes kept on this device' : '',
      };
    case 'connecting':
      return { connection: 'Connecting…', saving: '' };
    case 'denied':
      return { connection: 'No access to this description', saving: '' };
    case 'online':
      return { connection: '', saving: status.saved ? 'Saved' : 'Saving…' };
  }
}

const initialConfig: InitialConfigType = {
  namespace: 'trellis-description',
  nodes: [...DESCRIPTION_NODES],
  theme: DESCRIPTION_THEME,
  // Content comes only from the Yjs document; the composer must not create a paragraph of its own.
  editorState: null,
  onError(error) {
    console.error('description editor:', error);
  },
};

const CollaborativeEditor = memo(function CollaborativeEditor(props: {
  handle: DocHandle;
  me: Participant;
  onEditingChange: (editing: boolean) => void;
  /** False when the server refused this description or only lets us read it: edits could never be saved. */
  editable: boolean;
}) {
  return (
    <LexicalComposer initialConfig={initialConfig}>
      {/* One collaboration context per editor: its doc map must not be shared with another mount (#7722). */}
      <LexicalCollaboration>
        <EditorBody {...props} />
      </LexicalCollaboration>
    </LexicalComposer>
  );
});

function EditorBody({
  handle,
  me,
  onEditingChange,
  editable,
}: {
  handle: DocHandle;
  me: Participant;
  onEditingChange: (editing: boolean) => void;
  editable: boolean;
}) {
  const [editor] = useLexicalComposerContext();
  useEffect(() => editor.setEditable(editable), [editor, editable]);
  const surfaceRef = useRef<HTMLDivElement>(null);
  const providerFactory = useCallback(
    (id: string, yjsDocMap: Map<string, Y.Doc>): Provider => {
      const bridge = createEditorBridge(handle);
      yjsDocMap.set(id, bridge.editorDoc);
      return bridge.provider;
    },
    [handle],
  );

  return (
    <div className="desc-editor">
      {editable ? <Toolbar editor={editor} /> : null}
      <div className="desc-surface" ref={surfaceRef}>
        <RichTextPlugin
          contentEditable={
            <ContentEditable
              className="desc-content"
              data-testid="description-content"
              aria-label="Card description"
              aria-placeholder="Add a description…"
              placeholder={
                <div className="desc-placeholder">Add a description… (Markdown shortcuts work)</div>
              }
            />
          }
          ErrorBoundary={LexicalErrorBoundary}
        />
      </div>
      {/*
        shouldBootstrap={false}: no client ever seeds the document. Two clients opening an empty description
        at once would each insert a paragraph (lexical #9107); instead the first keystroke creates the
        paragraph together with its text, in one Yjs transaction.
        No HistoryPlugin: CollaborationPlugin's Yjs UndoManager undoes only this user's own changes.
      */}
      <CollaborationPlugin
        id="main"
        providerFactory={providerFactory}
        shouldBootstrap={false}
        username={me.name}
        cursorColor={me.color}
        cursorsContainerRef={surfaceRef}
      />
      <ListPlugin />
      <CheckListPlugin />
      <LinkPlugin validateUrl={isSafeUrl} />
      <OpenLinkPlugin />
      <TabIndentationPlugin />
      <MarkdownShortcutPlugin transformers={DESCRIPTION_TRANSFORMERS} />
      {/* Only an editable description is "being edited"; unmounting reports the end of an edit in progress. */}
      {editable ? <EditingFocusPlugin onEditingChange={onEditingChange} /> : null}
    </div>
  );
}
