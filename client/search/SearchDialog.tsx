import { type KeyboardEvent, useEffect, useId, useMemo, useRef, useState } from 'react';
import { Modal } from '../app/Modal';
import { cardPath } from '../app/routing';
import type { SearchIndexer } from './indexer';
import type { SearchHit } from './search-index';

export interface SearchDialogProps {
  indexer: SearchIndexer;
  /** Brings the index up to date with this browser's documents (called when the dialog opens). */
  catchUp: () => Promise<void>;
  /** Opens a result: its board, with the card's panel open. */
  onOpen: (hit: SearchHit) => void;
  onClose: () => void;
}

/**
 * Ctrl/Cmd+K: every card and description this browser holds, searched locally (offline too). Results show the
 * card, its board and column, and where the words matched; Enter or a click opens the card.
 */
export function SearchDialog({ indexer, catchUp, onOpen, onClose }: SearchDialogProps) {
  const [text, setText] = useState('');
  const [updating, setUpdating] = useState(true);
  const ids = useId();
  const listRef = useRef<HTMLOListElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  // After the dialog has opened (its effect runs first and focuses its first control): the field, to type in.
  useEffect(() => inputRef.current?.focus(), []);
  // Re-query when the index changes (a catch-up finished, a board changed) as well as per keystroke.
  const [tick, setTick] = useState(0);
  useEffect(() => indexer.onChange(() => setTick((n) => n + 1)), [indexer]);
  useEffect(() => {
    let cancelled = false;
    void catchUp().finally(() => {
      if (!cancelled) setUpdating(false);
    });
    return () => {
      cancelled = true;
    };
  }, [catchUp]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: tick stands for the index's content changing
  const hits = useMemo(() => indexer.index.query(text), [indexer, text, tick]);

  const focusResult = (index: number) => {
    const links = listRef.current?.querySelectorAll<HTMLAnchorElement>('a');
    links?.[Math.max(0, Math.min(index, links.length - 1))]?.focus();
  };
  const onListKey = (event: KeyboardEvent<HTMLOListElement>) => {
    const links = [...(listRef.current?.querySelectorAll<HTMLAnchorElement>('a') ?? [])];
    const at = links.indexOf(document.activeElement as HTMLAnchorElement);
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      focusResult(at + 1);
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      if (at <= 0) document.getElementById(`${ids}-input`)?.focus();
      else focusResult(at - 1);
    }
  };

  const query = text.trim();
  return (
    <Modal title="Search" onClose={onClose} className="search-dialog" testId="search-dialog">
      <label htmlFor={`${ids}-input`} className="search-label">
        Search every board and description in this browser
      </label>
      <input
        id={`${ids}-input`}
        type="search"
        ref={inputRef}
        value={text}
        placeholder="Card title, words of a description…"
        aria-describedby={`${ids}-count`}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown') {
            event.preventDefault();
            focusResult(0);
          } else if (event.key === 'Enter' && hits[0]) {
            event.preventDefault();
            onOpen(hits[0]);
          }
        }}
      />
      <p id={`${ids}-count`} className="search-count" role="status">
        {query === ''
          ? updating
            ? 'Updating the index…'
            : `${indexer.index.size} ${indexer.index.size === 1 ? 'card' : 'cards'} searchable, offline too.`
          : hits.length === 0
            ? updating
              ? 'No results yet; still updating the index…'
              : 'No results.'
            : `${hits.length} ${hits.length === 1 ? 'result' : 'results'}`}
      </p>
      {hits.length > 0 ? (
        <ol className="search-results" aria-label="Results" ref={listRef} onKeyDown={onListKey}>
          {hits.map((hit) => (
            <li key={hit.card.key}>
              <a
                href={cardPath(hit.card.boardId, hit.card.cardId)}
                onClick={(event) => {
                  if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
                  event.preventDefault();
                  onOpen(hit);
                }}
                aria-describedby={`${ids}-${hit.card.key}-where`}
              >
                {hit.card.title || 'Untitled card'}
              </a>
              <span className="search-where" id={`${ids}-${hit.card.key}-where`}>
                {hit.card.boardTitle} · {hit.card.columnTitle || 'no column'}
                {hit.card.archived ? ' · archived' : ''}
              </span>
              <span className="search-snippet">
                {hit.snippet.before}
                <mark>{hit.snippet.match}</mark>
                {hit.snippet.after}
              </span>
            </li>
          ))}
        </ol>
      ) : null}
    </Modal>
  );
}
