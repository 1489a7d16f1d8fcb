import { type ReactNode, useState } from 'react';
import { MAX_BOARD_TITLE_LENGTH, renameBoard } from '../../shared/board';
import type { Participant } from '../../shared/presence';
import { useBoardContext } from './context';
import type { BoardUndo } from './hooks';
import { Icon } from './Icon';
import { InlineEdit } from './InlineEdit';
import { PresenceAvatars } from './PresenceAvatars';

export interface BoardToolbarProps {
  /** The title, or null to leave it out. */
  title: { text: string; loading: boolean } | null;
  /** Everyone on the board, or null to leave the avatars out. */
  people: readonly Participant[] | null;
  archivedCount: number;
  showArchived: boolean;
  onToggleArchived: () => void;
  undo: BoardUndo;
  /** More buttons, before the archive's. */
  extras?: ReactNode;
}

/** The bar above the columns: title, avatars, the read-only note, the archived toggle, undo and redo. */
export function BoardToolbar({
  title,
  people,
  archivedCount,
  showArchived,
  onToggleArchived,
  undo,
  extras,
}: BoardToolbarProps) {
  const { me, readOnly } = useBoardContext();
  return (
    <div className="board-toolbar">
      {title ? <BoardTitle title={title.text} loading={title.loading} /> : null}
      {people ? <PresenceAvatars people={people} me={me} /> : null}
      <span className="toolbar-spacer" />
      {readOnly ? (
        <p className="board-read-only" role="note" data-testid="board-read-only">
          <Icon name="lock" /> Read-only: you can look, but not change this board.
        </p>
      ) : null}
      {extras}
      {archivedCount > 0 ? (
        <button type="button" aria-expanded={showArchived} onClick={onToggleArchived}>
          Archived ({archivedCount})
        </button>
      ) : null}
      {readOnly ? null : <UndoButtons undo={undo} />}
    </div>
  );
}

function UndoButtons({ undo }: { undo: BoardUndo }) {
  return (
    <>
      <button
        type="button"
        onClick={undo.undo}
        disabled={!undo.canUndo}
        aria-label="Undo"
        title="Undo (Ctrl+Z)"
        aria-keyshortcuts="Control+Z Meta+Z"
      >
        <Icon name="undo" /> Undo
      </button>
      <button
        type="button"
        onClick={undo.redo}
        disabled={!undo.canRedo}
        aria-label="Redo"
        title="Redo (Ctrl+Shift+Z)"
        aria-keyshortcuts="Control+Shift+Z Meta+Shift+Z"
      >
        <Icon name="redo" /> Redo
      </button>
    </>
  );
}

function BoardTitle({ title, loading }: { title: string; loading: boolean }) {
  const { doc, mutation, readOnly } = useBoardContext();
  const [editing, setEditing] = useState(false);
  if (loading) return <h2 className="board-title loading">Loading board…</h2>;
  if (readOnly) return <h2 className="board-title">{title || 'Untitled board'}</h2>;
  if (editing) {
    return (
      <InlineEdit
        value={title}
        label="Board title"
        maxLength={MAX_BOARD_TITLE_LENGTH}
        onCommit={(value) => renameBoard(doc, value, mutation)}
        onDone={() => setEditing(false)}
        className="board-title-edit"
      />
    );
  }
  return (
    <h2 className="board-title">
      <button type="button" className="title-button" onClick={() => setEditing(true)} title="Rename board">
        {title || 'Untitled board'}
        <span className="visually-hidden"> (rename board)</span>
      </button>
    </h2>
  );
}
