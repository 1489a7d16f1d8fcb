import { useCallback, useEffect, useMemo, useState } from 'react';
import { initBoard } from '../../shared/board';
import { boardTemplate } from '../../shared/board/templates';
import type { BoardPresence, Participant } from '../../shared/presence';
import { boardRoom } from '../../shared/room-names';
import { BoardView, useBoard } from '../board';
import { localToday } from '../board/format';
import { useDescriptionSlots } from '../description';
import { useHistorySlots, useTrashExpiry } from '../history';
import { useRitualSlots } from '../rituals/slots';
import { VotingBar } from '../rituals/VotingBar';
import { useBoardSearchIndexing } from '../search/browser';
import {
  boardToken,
  type DocHandle,
  defaultServerUrl,
  retryNow,
  type SyncStatus,
  useDescriptionsWaiting,
  useDocument,
  useSyncStatus,
} from '../sync';
import { AppIcon } from './AppIcon';
import { useChangeRecord } from './board-activity';
import { type CardFilter, cardMatcher, filterFromSearch, searchWithFilter } from './card-filter';
import { FilterBar } from './FilterBar';
import { loadRecentBoards, rememberBoard } from './recent-boards';
import { CARD_PARAM, replaceSearch, useSearch } from './routing';
import { ShareDialog } from './ShareDialog';
import { StatusBar } from './StatusBar';
import { httpMintShareLink } from './share-api';
import { isReadOnlyToken } from './share-token';
import { WideOnly } from './WideOnly';

/** One board: its document opened and synced, our presence announced, the status always shown. */
export function BoardPage({ boardId, me }: { boardId: string; me: Participant }) {
  const handle = useDocument(boardRoom(boardId));
  const status = useSyncStatus(handle);
  // The server's answer decides; a read token's own claim makes the board read-only before that (and offline).
  // Re-read every render (one small localStorage entry): a new link for this board replaces the token.
  const readOnly = status.readOnly || isReadOnlyToken(boardToken(boardId));

  useEffect(() => {
    if (handle === null) return;
    announcePresence(handle, me);
  }, [handle, me]);

  useEffect(() => {
    if (handle === null) return;
    let cancelled = false;
    rememberBoard(boardId, { openedAt: Date.now() });
    void handle.whenLocalLoaded().then(() => {
      if (cancelled) return;
      const entry = loadRecentBoards().find((board) => board.id === boardId);
      // Only the browser that created the board initialises it, once its local copy has loaded.
      if (entry?.needsInit) {
        initBoard(handle.doc, {
          title: entry.title || 'Untitled board',
          createdBy: me.id,
          columnTitles: boardTemplate(entry.template).columnTitles,
        });
        rememberBoard(boardId, { needsInit: false });
      }
    });
    return () => {
      cancelled = true;
    };
  }, [handle, boardId, me]);

  return (
    <section className="board-page" data-testid="board-page" data-board-id={boardId}>
      <div className="board-page-bar">
        <BoardStatusBar boardId={boardId} status={status} />
        <ShareButton boardId={boardId} />
      </div>
      {/* The view writes (noteMember…) on mount: only after the local copy loaded, or it writes blind. */}
      {handle === null || !status.localLoaded ? (
        <p className="loading">Opening board…</p>
      ) : (
        <LoadedBoard boardId={boardId} handle={handle} me={me} readOnly={readOnly} />
      )}
    </section>
  );
}

/**
 * The status bar, with the board's descriptions waiting to sync. Its own component: that count changes twice
 * per keystroke in a description (waiting, then stored), which must re-render only the status bar, not the
 * page and the board under it.
 */
function BoardStatusBar({ boardId, status }: { boardId: string; status: SyncStatus }) {
  // "Saved" covers the board's descriptions too, open or not.
  const cardsWaiting = useDescriptionsWaiting(boardId);
  return <StatusBar status={status} cardsWaiting={cardsWaiting} onRetry={retryNow} />;
}

function LoadedBoard({
  boardId,
  handle,
  me,
  readOnly,
}: {
  boardId: string;
  handle: DocHandle;
  me: Participant;
  /** A read-only share link: the server drops our writes, so the UI offers no editing. */
  readOnly: boolean;
}) {
  const board = useBoard(handle.doc);
  // The home page lists boards by their last seen title.
  useEffect(() => {
    if (!board.initialised) return;
    rememberBoard(boardId, { title: board.title });
    document.title = `${board.title || 'Untitled board'} · Trellis`;
    return () => {
      document.title = 'Trellis';
    };
  }, [board.initialised, board.title, boardId]);
  const slots = useDescriptionSlots({ boardId, doc: handle.doc, awareness: handle.awareness, me, readOnly });
  const rituals = useRitualSlots(slots, {
    boardId,
    doc: handle.doc,
    awareness: handle.awareness,
    me,
    readOnly,
  });
  // The card panel's own activity and versions, the Activity, Versions and Trash buttons; what expired
  // leaves the trash.
  const history = useHistorySlots(rituals, { boardId });
  useTrashExpiry(handle, readOnly);
  useChangeRecord(boardId, handle, me);
  useBoardSearchIndexing(boardId, handle.doc);

  // The filter and the open card live in the URL, so a link shows what this page shows.
  const search = useSearch();
  const filter = useMemo(() => filterFromSearch(search), [search]);
  const today = localToday();
  const matcher = useMemo(
    () => cardMatcher(filter, { labels: board.labels, members: board.members }, today),
    [filter, board.labels, board.members, today],
  );
  const counts = useMemo(() => {
    let total = 0;
    let shown = 0;
    for (const column of board.columns) {
      total += column.cards.length;
      shown += matcher ? column.cards.filter(matcher).length : column.cards.length;
    }
    return { total, shown };
  }, [board.columns, matcher]);
  const onFilterChange = useCallback(
    (next: CardFilter) => replaceSearch(searchWithFilter(window.location.search, next)),
    [],
  );
  const openCardId = new URLSearchParams(search).get(CARD_PARAM);
  const onOpenCard = useCallback((cardId: string | null) => {
    const params = new URLSearchParams(window.location.search);
    if (cardId === null) params.delete(CARD_PARAM);
    else params.set(CARD_PARAM, cardId);
    replaceSearch(params.toString());
  }, []);
  return (
    <>
      <FilterBar
        filter={filter}
        labels={board.labels}
        members={board.members}
        onChange={onFilterChange}
        shown={counts.shown}
        total={counts.total}
      />
      <VotingBar doc={handle.doc} me={me} readOnly={readOnly} columns={board.columns} />
      <BoardView
        doc={handle.doc}
        awareness={handle.awareness}
        me={me}
        readOnly={readOnly}
        cardFilter={matcher}
        openCardId={openCardId}
        onOpenCard={onOpenCard}
        {...slots}
        {...rituals}
        {...history}
      />
    </>
  );
}

const copyToClipboard = (text: string): Promise<void> =>
  navigator.clipboard ? navigator.clipboard.writeText(text) : Promise.reject(new Error('no clipboard'));

/** Opens the share dialog: the board's link, and on a server with auth, new view or edit links. */
function ShareButton({ boardId }: { boardId: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className="share-button"
        onClick={() => setOpen(true)}
        aria-haspopup="dialog"
        title="Share"
      >
        <AppIcon name="share" /> <WideOnly>Share</WideOnly>
      </button>
      {open ? (
        <ShareDialog
          boardId={boardId}
          boardTitle={loadRecentBoards().find((board) => board.id === boardId)?.title ?? ''}
          ownToken={boardToken(boardId)}
          origin={window.location.origin}
          mint={httpMintShareLink(syncServerUrl())}
          copy={copyToClipboard}
          onClose={() => setOpen(false)}
        />
      ) : null}
    </>
  );
}

/** Where the sync server is (it also answers share requests): as client/sync connects. */
function syncServerUrl(): string {
  const configured = import.meta.env.VITE_SYNC_URL as string | undefined;
  return configured || defaultServerUrl(window.location);
}

/** Our presence from the start, before the board view adds which card we have open. */
function announcePresence(handle: DocHandle, me: Participant): void {
  const previous = handle.awareness.getLocalState() as Partial<BoardPresence> | null;
  const presence: BoardPresence = {
    user: me,
    openCardId: previous?.openCardId ?? null,
    editingCardId: previous?.editingCardId ?? null,
  };
  handle.awareness.setLocalState(presence);
}
