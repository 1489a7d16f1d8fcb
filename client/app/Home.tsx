import { type FormEvent, useId, useState } from 'react';
import { newId } from '../../shared/board';
import { type NewBoardChoice, NewBoardDialog } from './NewBoardDialog';
import {
  forgetBoard,
  loadRecentBoards,
  parseBoardLink,
  type RecentBoard,
  rememberBoard,
} from './recent-boards';
import { timeAgo } from './relative-time';
import { boardPath, navigate } from './routing';

/** The boards opened in this browser, a button to create one, and a field to open one by link. */
export function Home() {
  const [boards, setBoards] = useState(loadRecentBoards);
  const [link, setLink] = useState('');
  const [linkError, setLinkError] = useState<string | null>(null);
  const linkId = useId();
  const listId = useId();
  // The last board taken off the list, until another is: its entry, to put back with Undo.
  const [removed, setRemoved] = useState<RecentBoard | null>(null);

  const [creating, setCreating] = useState(false);
  const create = ({ title, templateId }: NewBoardChoice) => {
    const id = newId();
    rememberBoard(id, { title, needsInit: true, template: templateId });
    navigate(boardPath(id));
  };
  const open = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseBoardLink(link);
    if (parsed === null) {
      setLinkError('That is not a board link: paste a link like https://…/b/abc123 or a board id.');
      return;
    }
    navigate(
      parsed.token
        ? `${boardPath(parsed.boardId)}?token=${encodeURIComponent(parsed.token)}`
        : boardPath(parsed.boardId),
    );
  };

  return (
    <section className="home">
      <div className="home-actions">
        <button type="button" className="primary" onClick={() => setCreating(true)} aria-haspopup="dialog">
          New board
        </button>
        {creating ? <NewBoardDialog onCreate={create} onClose={() => setCreating(false)} /> : null}
        <form className="open-link" onSubmit={open}>
          <label htmlFor={linkId}>Open a board by link</label>
          <input
            id={linkId}
            value={link}
            placeholder="https://…/b/…"
            onChange={(event) => {
              setLink(event.target.value);
              setLinkError(null);
            }}
          />
          <button type="submit">Open</button>
          {linkError ? (
            <p className="error" role="alert">
              {linkError}
            </p>
          ) : null}
        </form>
      </div>
      <h2 id={listId}>Your boards</h2>
      <p className="status-line" role="status">
        {removed ? (
          <>
            Removed “{removed.title || 'Untitled board'}” from this list.{' '}
            <button
              type="button"
              className="link-button"
              onClick={() => {
                const { id, ...fields } = removed;
                rememberBoard(id, fields);
                setBoards(loadRecentBoards());
                setRemoved(null);
              }}
            >
              Undo
            </button>
          </>
        ) : null}
      </p>
      {boards.length === 0 ? (
        <p className="empty">No boards yet. Create one, or open a link someone shared with you.</p>
      ) : (
        <ul className="board-list" aria-labelledby={listId}>
          {boards.map((board) => {
            const title = board.title || 'Untitled board';
            return (
              <li key={board.id}>
                <div className="board-list-main">
                  <a
                    href={boardPath(board.id)}
                    onClick={(event) => {
                      if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
                      event.preventDefault();
                      navigate(boardPath(board.id));
                    }}
                  >
                    {title}
                  </a>
                  <span className="board-list-meta">
                    {board.openedAt > 0 ? <span>Opened {timeAgo(board.openedAt)}</span> : null}
                    {board.changedAt !== undefined ? (
                      <span>
                        Changed {timeAgo(board.changedAt)}
                        {board.changedBy ? ` by ${board.changedBy}` : ''}
                      </span>
                    ) : null}
                  </span>
                </div>
                <button
                  type="button"
                  className="link-button"
                  aria-label={`Remove ${title} from this list`}
                  onClick={() => {
                    forgetBoard(board.id);
                    setBoards(loadRecentBoards());
                    setRemoved(board);
                  }}
                >
                  Remove
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
