import {
  type CollisionDetection,
  closestCenter,
  closestCorners,
  DndContext,
  type DragEndEvent,
  type DragOverEvent,
  type DragStartEvent,
  KeyboardSensor,
  PointerSensor,
  useSensor,
  useSensors,
} from '@dnd-kit/core';
import { horizontalListSortingStrategy, SortableContext } from '@dnd-kit/sortable';
import { type FormEvent, type ReactNode, useCallback, useEffect, useMemo, useState } from 'react';
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import {
  addColumn,
  type CardSnapshot,
  MAX_BOARD_TITLE_LENGTH,
  MAX_COLUMN_TITLE_LENGTH,
  moveCard,
  moveColumn,
  noteMember,
  renameBoard,
  updateCard,
} from '../../shared/board';
import type { BoardPresence, Participant } from '../../shared/presence';
import { CardPanel } from './CardPanel';
import { type CardPresenceIndex, ColumnView } from './Column';
import { ConfirmDialog, type ConfirmRequest } from './ConfirmDialog';
import { BoardContext, type BoardContextValue, useBoardContext } from './context';
import {
  boardKeyboardCoordinates,
  columnDndId,
  dropTarget,
  type Layout,
  layoutOf,
  moveInLayout,
  parseDndId,
} from './dnd';
import { type BoardUndo, useBoard, useBoardUndo, usePresence } from './hooks';
import { InlineEdit } from './InlineEdit';
import { PresenceAvatars } from './PresenceAvatars';
import './board.css';
import { Icon } from './Icon';

export interface BoardViewProps {
  /** The board's Yjs document (read and written only through shared/board). */
  doc: Y.Doc;
  /** The board document's awareness; this view publishes `openCardId` in it (see shared/presence.ts). */
  awareness: Awareness;
  /** The local participant. */
  me: Participant;
  /**
   * The open card, for a controlled view (e.g. from the URL). Leave undefined to let the view keep it; either
   * way `onOpenCard` reports every change.
   */
  openCardId?: string | null;
  /** Called with a card id when its panel opens and with null when it closes. */
  onOpenCard?: (cardId: string | null) => void;
  /**
   * The description slot inside the card panel: the description editor renders here (it opens the card's
   * document, `descriptionRoom(boardId, cardId)`). Keep the function stable (useCallback).
   */
  renderCardPanel?: (cardId: string) => ReactNode;
  /**
   * Extra content at the bottom of each card tile: description preview line, checklist progress (from
   * `card.descriptionPreview`). Called again whenever the card's snapshot changes. Keep the function stable
   * (useCallback) so cards are not re-rendered on every board change.
   */
  cardExtras?: (card: CardSnapshot) => ReactNode;
  /** Show the board title (editable) in the toolbar. Default true. */
  showTitle?: boolean;
  /** Show the avatars of everyone on the board in the toolbar. Default true. */
  showAvatars?: boolean;
  /**
   * Nothing can be changed (a read-only share link; pass `SyncStatus.readOnly`): no adding, renaming, deleting,
   * moving or card-field edits, no undo. Viewing, opening cards and presence still work. Default false.
   */
  readOnly?: boolean;
}

type DragState = { type: 'column'; id: string } | { type: 'card'; id: string; layout: Layout };

/** The collaborative board: columns, cards, drag and drop, the card panel, presence and per-user undo. */
export function BoardView({
  doc,
  awareness,
  me,
  openCardId: controlledOpenCardId,
  onOpenCard,
  renderCardPanel,
  cardExtras,
  showTitle = true,
  showAvatars = true,
  readOnly = false,
}: BoardViewProps) {
  const board = useBoard(doc);
  const undo = useBoardUndo(doc);
  const presenceEntries = usePresence(awareness);
  const [ownOpenCardId, setOwnOpenCardId] = useState<string | null>(null);
  const [confirmRequest, setConfirmRequest] = useState<ConfirmRequest | null>(null);
  const [drag, setDrag] = useState<DragState | null>(null);
  const [showArchived, setShowArchived] = useState(false);

  const requestedOpenCardId = controlledOpenCardId === undefined ? ownOpenCardId : controlledOpenCardId;
  // A card deleted (here or by someone else) closes its panel.
  const openCard = requestedOpenCardId !== null ? board.cards.get(requestedOpenCardId) : undefined;
  const openCardId = openCard ? openCard.id : null;

  const setOpenCard = useCallback(
    (cardId: string | null) => {
      setOwnOpenCardId(cardId);
      onOpenCard?.(cardId);
    },
    [onOpenCard],
  );

  // Publish which card we have open.
  useEffect(() => {
    const state = awareness.getLocalState() as Partial<BoardPresence> | null;
    if (state === null || typeof state.user !== 'object') {
      awareness.setLocalState({ user: me, openCardId, editingCardId: null } satisfies BoardPresence);
    } else if (state.openCardId !== openCardId) {
      awareness.setLocalStateField('openCardId', openCardId);
    }
  }, [awareness, me, openCardId]);
  useEffect(
    () => () => {
      if (awareness.getLocalState() !== null) awareness.setLocalStateField('openCardId', null);
    },
    [awareness],
  );

  // Make sure we can be assigned to cards (throttled in noteMember). A read-only viewer writes nothing: the
  // server would drop the record and it would stay unsaved.
  useEffect(() => {
    if (readOnly) return;
    try {
      noteMember(doc, me);
    } catch {
      // An id that is not a valid member id cannot be recorded; everything else still works.
    }
  }, [doc, me, readOnly]);

  // Ctrl/Cmd+Z, Ctrl/Cmd+Shift+Z (and Ctrl+Y): undo and redo this user's own board changes. Text fields keep
  // their own undo, and so does the description editor.
  useEffect(() => {
    if (readOnly) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || isTextEditing(event.target)) return;
      const key = event.key.toLowerCase();
      if (key === 'z' && !event.shiftKey) {
        event.preventDefault();
        undo.undo();
      } else if ((key === 'z' && event.shiftKey) || (key === 'y' && event.ctrlKey)) {
        event.preventDefault();
        undo.redo();
      }
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [undo, readOnly]);

  const people = useMemo(() => {
    const byId = new Map<string, Participant>([[me.id, me]]);
    for (const { presence } of presenceEntries) {
      if (!byId.has(presence.user.id)) byId.set(presence.user.id, presence.user);
    }
    return [...byId.values()];
  }, [presenceEntries, me]);

  const cardPresence = useMemo<CardPresenceIndex>(() => {
    const viewers = new Map<string, Participant[]>();
    const editors = new Map<string, Participant[]>();
    const add = (index: Map<string, Participant[]>, cardId: string | null, user: Participant) => {
      if (cardId === null || user.id === me.id) return;
      const list = index.get(cardId) ?? [];
      if (!list.some((p) => p.id === user.id)) list.push(user);
      index.set(cardId, list);
    };
    for (const { presence } of presenceEntries) {
      add(viewers, presence.openCardId, presence.user);
      add(editors, presence.editingCardId, presence.user);
    }
    return { viewers, editors };
  }, [presenceEntries, me.id]);

  const labelsById = useMemo(() => new Map(board.labels.map((l) => [l.id, l])), [board.labels]);
  const membersById = useMemo(() => new Map(board.members.map((m) => [m.id, m])), [board.members]);
  const context = useMemo<BoardContextValue>(
    () => ({
      doc,
      me,
      mutation: { origin: undo.origin },
      labelsById,
      membersById,
      readOnly,
      openCard: setOpenCard,
      confirm: setConfirmRequest,
    }),
    [doc, me, undo.origin, labelsById, membersById, readOnly, setOpenCard],
  );

  // ---- drag and drop ----
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 5 } }),
    useSensor(KeyboardSensor, { coordinateGetter: boardKeyboardCoordinates }),
  );

  const collisionDetection = useCallback<CollisionDetection>(
    (args) => {
      const wanted = drag?.type ?? 'card';
      const droppableContainers = args.droppableContainers.filter((container) => {
        const item = parseDndId(container.id);
        return wanted === 'column' ? item?.type === 'column' : item !== null;
      });
      if (wanted === 'column') return closestCenter({ ...args, droppableContainers });
      return closestCorners({ ...args, droppableContainers });
    },
    [drag?.type],
  );

  // Read-only: every column and card is a disabled sortable with no grip, so no sensor can start a drag. (The
  // sensors themselves stay: DndContext requires the same number of them on every render.)
  const onDragStart = ({ active }: DragStartEvent) => {
    const item = parseDndId(active.id);
    if (!item) return;
    setDrag(
      item.type === 'card'
        ? { type: 'card', id: item.id, layout: layoutOf(board) }
        : { type: 'column', id: item.id },
    );
  };

  const onDragOver = ({ active, over }: DragOverEvent) => {
    if (drag?.type !== 'card' || !over) return;
    const target = parseDndId(over.id);
    if (!target) return;
    const overColumn = target.type === 'column' ? target.id : null;
    const fromColumn = [...drag.layout].find(([, ids]) => ids.includes(drag.id))?.[0];
    // Only crossing into another column changes the preview; within a column the sortable strategy animates.
    const crossing =
      overColumn !== null
        ? overColumn !== fromColumn
        : !drag.layout.get(fromColumn ?? '')?.includes(target.id);
    if (!crossing) return;
    const translated = active.rect.current.translated;
    const after = translated !== null && translated.top > over.rect.top + over.rect.height / 2;
    const layout = moveInLayout(drag.layout, drag.id, target, after);
    if (layout !== drag.layout) setDrag({ ...drag, layout });
  };

  const onDragEnd = ({ over }: DragEndEvent) => {
    const current = drag;
    setDrag(null);
    // A drag started just before the board turned read-only drops nowhere.
    if (!current || !over || readOnly) return;
    const target = parseDndId(over.id);
    if (!target) return;
    if (current.type === 'column') {
      if (target.type !== 'column' || target.id === current.id) return;
      const index = board.columns.findIndex((c) => c.id === target.id);
      if (index >= 0) moveColumn(doc, current.id, index, context.mutation);
      return;
    }
    const layout = moveInLayout(current.layout, current.id, target);
    const drop = dropTarget(layout, current.id);
    if (drop) moveCard(doc, current.id, drop, context.mutation);
  };

  const columnIds = useMemo(() => board.columns.map((c) => columnDndId(c.id)), [board.columns]);
  const cardsFor = (columnId: string, own: readonly CardSnapshot[]): readonly CardSnapshot[] => {
    if (drag?.type !== 'card') return own;
    const ids = drag.layout.get(columnId);
    if (!ids) return own;
    return ids.flatMap((id) => board.cards.get(id) ?? []);
  };

  return (
    <BoardContext.Provider value={context}>
      <div className={`board-view${openCard ? ' with-panel' : ''}`} data-testid="board-view">
        <div className="board-toolbar">
          {showTitle ? <BoardTitle title={board.title} loading={!board.initialised} /> : null}
          {showAvatars ? <PresenceAvatars people={people} me={me} /> : null}
          <span className="toolbar-spacer" />
          {readOnly ? (
            <p className="board-read-only" role="note" data-testid="board-read-only">
              <Icon name="lock" /> Read-only: you can look, but not change this board.
            </p>
          ) : null}
          {board.archivedCards.length > 0 ? (
            <button type="button" aria-expanded={showArchived} onClick={() => setShowArchived((v) => !v)}>
              Archived ({board.archivedCards.length})
            </button>
          ) : null}
          {readOnly ? null : <UndoButtons undo={undo} />}
        </div>

        {showArchived && board.archivedCards.length > 0 ? (
          <section className="archived-list" aria-label="Archived cards">
            <h3>Archived cards</h3>
            <ul>
              {board.archivedCards.map((card) => (
                <li key={card.id}>
                  <button type="button" className="link-button" onClick={() => setOpenCard(card.id)}>
                    {card.title}
                  </button>
                  {readOnly ? null : (
                    <button
                      type="button"
                      onClick={() => updateCard(doc, card.id, { archived: false }, context.mutation)}
                    >
                      Restore<span className="visually-hidden"> {card.title}</span>
                    </button>
                  )}
                </li>
              ))}
            </ul>
          </section>
        ) : null}

        <div className="board-body">
          <DndContext
            sensors={sensors}
            collisionDetection={collisionDetection}
            onDragStart={onDragStart}
            onDragOver={onDragOver}
            onDragEnd={onDragEnd}
            onDragCancel={() => setDrag(null)}
          >
            <SortableContext items={columnIds} strategy={horizontalListSortingStrategy}>
              <div className="board-columns">
                {board.columns.map((column) => (
                  <ColumnView
                    key={column.id}
                    column={column}
                    cards={cardsFor(column.id, column.cards)}
                    presence={cardPresence}
                    openCardId={openCardId}
                    cardExtras={cardExtras}
                  />
                ))}
                <AddColumnForm
                  onAdd={readOnly ? null : (title) => addColumn(doc, { title }, context.mutation)}
                  hint={
                    board.columns.length > 0
                      ? null
                      : board.initialised
                        ? 'This board has no columns yet.'
                        : 'Waiting for the board to arrive…'
                  }
                />
              </div>
            </SortableContext>
          </DndContext>
          {openCard ? (
            <CardPanel
              key={openCard.id}
              board={board}
              card={openCard}
              viewers={cardPresence.viewers.get(openCard.id) ?? []}
              editors={cardPresence.editors.get(openCard.id) ?? []}
              onClose={() => {
                setOpenCard(null);
                // Back to where the keyboard user was: the card's own button.
                document
                  .querySelector<HTMLElement>(`[data-card-id="${CSS.escape(openCard.id)}"] .card-open`)
                  ?.focus();
              }}
              renderDescription={renderCardPanel}
            />
          ) : null}
        </div>
        {confirmRequest ? (
          <ConfirmDialog request={confirmRequest} onClose={() => setConfirmRequest(null)} />
        ) : null}
      </div>
    </BoardContext.Provider>
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

/** The hint for an empty board, and the "+ Add column" form unless `onAdd` is null (read-only). */
function AddColumnForm({ onAdd, hint }: { onAdd: ((title: string) => void) | null; hint: string | null }) {
  const [open, setOpen] = useState(false);
  const [title, setTitle] = useState('');
  if (onAdd === null) return hint ? <p className="hint add-column">{hint}</p> : null;
  if (!open) {
    return (
      <div className="add-column">
        {hint ? <p className="hint">{hint}</p> : null}
        <button type="button" className="add-column-button" onClick={() => setOpen(true)}>
          + Add column
        </button>
      </div>
    );
  }
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const clean = title.trim();
    if (clean === '') return;
    onAdd(clean);
    setTitle('');
  };
  return (
    <form className="add-column add-column-form" onSubmit={submit}>
      <input
        // biome-ignore lint/a11y/noAutofocus: the user just asked for this field
        autoFocus
        aria-label="New column title"
        placeholder="Column title"
        maxLength={MAX_COLUMN_TITLE_LENGTH}
        value={title}
        onChange={(event) => setTitle(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') setOpen(false);
        }}
      />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={title.trim() === ''}>
          Add column
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function isTextEditing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  const type = (target as HTMLInputElement).type;
  return !['checkbox', 'radio', 'button', 'submit', 'reset', 'color', 'range'].includes(type);
}
