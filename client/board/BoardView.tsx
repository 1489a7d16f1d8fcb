import { DndContext } from '@dnd-kit/core';
import { horizontalListSortingStrategy, SortableContext } from '@dnd-kit/sortable';
import { memo, type ReactNode, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import { addColumn, type BoardSnapshot, type CardSnapshot, type ColumnSnapshot } from '../../shared/board';
import type { Participant } from '../../shared/presence';
import { AddColumnForm } from './AddColumnForm';
import { ArchivedCards } from './ArchivedCards';
import { BoardToolbar } from './BoardToolbar';
import { useBoardDnd } from './board-dnd';
import { CardPanel } from './CardPanel';
import { ColumnView } from './Column';
import { ConfirmDialog, type ConfirmRequest } from './ConfirmDialog';
import { BoardContext, type BoardContextValue } from './context';
import { columnDndId } from './dnd';
import { useBoard, useBoardUndo, usePresence } from './hooks';
import { useMemberRecord } from './member-record';
import { useOpenCard, usePublishOpenCard } from './open-card';
import { usePresenceIndex } from './presence-index';
import { type CardPredicate, useShownCards } from './shown-cards';
import { useStableIds } from './stable-ids';
import { useUndoShortcuts } from './undo-shortcuts';
import './board.css';

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
  /**
   * Extra content in each column's header (the column's estimate total). Keep the function stable
   * (useCallback): it is called again whenever the column's snapshot changes.
   */
  columnExtras?: (column: ColumnSnapshot) => ReactNode;
  /** Show the board title (editable) in the toolbar. Default true. */
  showTitle?: boolean;
  /** Show the avatars of everyone on the board in the toolbar. Default true. */
  showAvatars?: boolean;
  /**
   * Nothing can be changed (a read-only share link; pass `SyncStatus.readOnly`): no adding, renaming, deleting,
   * moving or card-field edits, no undo. Viewing, opening cards and presence still work. Default false.
   */
  readOnly?: boolean;
  /**
   * Shows only the cards this lets through (a filter by text, label, assignee or due date); null or undefined
   * shows every card. Keep it stable (useMemo) while the filter is unchanged.
   */
  cardFilter?: CardPredicate;
  /**
   * More toolbar buttons (the activity feed and the trash), rendered inside the view's context with the
   * current board. Keep the function stable (useCallback).
   */
  toolbarExtras?: (board: BoardSnapshot) => ReactNode;
}

/**
 * The collaborative board: columns, cards, drag and drop, the card panel, presence and per-user undo. Each
 * concern is a hook of its own (undo shortcuts, member record, open card, presence index, drag and drop);
 * this component lays them out. Memoised: the page around it re-renders on every sync status change (each
 * keystroke in a description), which must not cost the board anything.
 */
export const BoardView = memo(function BoardView({
  doc,
  awareness,
  me,
  openCardId: controlledOpenCardId,
  onOpenCard,
  renderCardPanel,
  cardExtras,
  columnExtras,
  showTitle = true,
  showAvatars = true,
  readOnly = false,
  cardFilter = null,
  toolbarExtras,
}: BoardViewProps) {
  const board = useBoard(doc);
  const undo = useBoardUndo(doc);
  const presence = usePresenceIndex(usePresence(awareness), me);
  const open = useOpenCard(board, controlledOpenCardId, onOpenCard);
  const [confirmRequest, setConfirmRequest] = useState<ConfirmRequest | null>(null);
  const [showArchived, setShowArchived] = useState(false);
  usePublishOpenCard(awareness, me, open.cardId);
  useMemberRecord(doc, me, readOnly);
  useUndoShortcuts(undo, !readOnly);

  const labelsById = useMemo(() => new Map(board.labels.map((l) => [l.id, l])), [board.labels]);
  const membersById = useMemo(() => new Map(board.members.map((m) => [m.id, m])), [board.members]);
  const context = useMemo<BoardContextValue>(
    () => ({
      doc,
      me,
      // Every intent records who made it in the activity feed (B14.1).
      mutation: { origin: undo.origin, actor: me.id },
      labelsById,
      membersById,
      readOnly,
      openCard: open.setOpenCard,
      confirm: setConfirmRequest,
    }),
    [doc, me, undo.origin, labelsById, membersById, readOnly, open.setOpenCard],
  );
  const dnd = useBoardDnd(board, doc, context.mutation, readOnly);
  const columnIds = useStableIds(board.columns.map((c) => columnDndId(c.id)));
  const columnRow = useFirstColumnInView(board.columns.length);
  const columnNames = useMemo(() => distinctColumnNames(board.columns), [board.columns]);
  const shownFor = useShownCards(board.columns, cardFilter);
  const openCard = open.card;

  return (
    <BoardContext.Provider value={context}>
      <div className={`board-view${openCard ? ' with-panel' : ''}`} data-testid="board-view">
        <BoardToolbar
          title={showTitle ? { text: board.title, loading: !board.initialised } : null}
          people={showAvatars ? presence.people : null}
          archivedCount={board.archivedCards.length}
          showArchived={showArchived}
          onToggleArchived={() => setShowArchived((v) => !v)}
          undo={undo}
          extras={toolbarExtras?.(board)}
        />
        {showArchived && board.archivedCards.length > 0 ? (
          <ArchivedCards cards={board.archivedCards} />
        ) : null}

        <div className="board-body">
          <DndContext {...dnd.context}>
            <SortableContext items={columnIds} strategy={horizontalListSortingStrategy}>
              <div className="board-columns" ref={columnRow}>
                {board.columns.map((column) => (
                  <ColumnView
                    key={column.id}
                    column={column}
                    cards={shownFor(column.id, dnd.cardsFor(column.id, column.cards))}
                    presence={presence.cards}
                    openCardId={open.cardId}
                    cardExtras={cardExtras}
                    columnExtras={columnExtras}
                    name={columnNames.get(column.id)}
                    isDropTarget={dnd.dropColumnId === column.id}
                    activeCardId={dnd.activeCardId}
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
              viewers={presence.cards.viewers.get(openCard.id) ?? []}
              editors={presence.cards.editors.get(openCard.id) ?? []}
              onClose={() => {
                open.setOpenCard(null);
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
});

/**
 * Accessible names of the columns: the title, and where two columns share it, the position too ("To do
 * (column 4 of 4)"), so screen readers get regions with distinct names.
 */
function distinctColumnNames(columns: readonly ColumnSnapshot[]): ReadonlyMap<string, string> {
  const seen = new Map<string, number>();
  for (const column of columns) seen.set(column.title, (seen.get(column.title) ?? 0) + 1);
  return new Map(
    columns.map((column, index) => [
      column.id,
      (seen.get(column.title) ?? 0) > 1
        ? `${column.title} (column ${index + 1} of ${columns.length})`
        : column.title,
    ]),
  );
}

/**
 * Keeps the row of columns at its start when the first columns arrive. A phone's row is a snap scroller,
 * and Chromium re-snaps to the element it was snapped to after a layout change: before the board loads
 * that is "+ Add column", so the row would open scrolled to its end.
 */
function useFirstColumnInView(columnCount: number) {
  const row = useRef<HTMLDivElement>(null);
  const hadColumns = useRef(false);
  useLayoutEffect(() => {
    if (!hadColumns.current && columnCount > 0) row.current?.scrollTo?.({ left: 0 });
    hadColumns.current = columnCount > 0;
  }, [columnCount]);
  return row;
}
