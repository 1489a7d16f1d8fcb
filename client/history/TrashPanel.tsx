import { useId, useState } from 'react';
import {
  type BoardSnapshot,
  MAX_TRASH_RETENTION_DAYS,
  purgeCard,
  purgeColumn,
  restoreCard,
  restoreColumn,
  setTrashRetention,
  type TrashItem,
} from '../../shared/board';
import { Modal } from '../app/Modal';
import { timeAgo } from '../app/relative-time';
import { useBoardContext } from '../board/context';

const RETENTION_CHOICES = [1, 7, 30, 90, 365];

/**
 * The board's trash in a dialog (B15): deleted columns with their cards and deleted cards, newest first, who
 * deleted them and when. Restore puts one back where it was (one undoable step); Purge removes it for good,
 * its description too, after a second click. Read-only viewers see the trash but neither button.
 */
export function TrashPanel({ board, onClose }: { board: BoardSnapshot; onClose: () => void }) {
  const { readOnly } = useBoardContext();
  return (
    <Modal title="Trash" onClose={onClose} className="history-dialog" testId="trash-panel">
      <Retention days={board.trashRetentionDays} readOnly={readOnly} />
      {readOnly ? (
        <p className="history-note" role="note">
          Read-only: you can see what is in the trash, but not restore or purge it.
        </p>
      ) : null}
      {board.trash.length === 0 ? (
        <p className="history-empty">The trash is empty.</p>
      ) : (
        <ul className="trash-list" aria-label="Deleted cards and columns, newest first">
          {board.trash.map((item) => (
            <TrashRow key={`${item.kind}:${item.id}`} item={item} />
          ))}
        </ul>
      )}
    </Modal>
  );
}

function TrashRow({ item }: { item: TrashItem }) {
  const { doc, mutation, readOnly, membersById } = useBoardContext();
  const [confirming, setConfirming] = useState(false);
  const title = item.kind === 'card' ? item.card.title : item.title;
  const who = membersById.get(item.deletedBy)?.name ?? 'Someone';
  const restore = () =>
    item.kind === 'card' ? restoreCard(doc, item.id, mutation) : restoreColumn(doc, item.id, mutation);
  const purge = () =>
    item.kind === 'card' ? purgeCard(doc, item.id, mutation) : purgeColumn(doc, item.id, mutation);
  return (
    <li className="trash-item" data-testid="trash-item" data-kind={item.kind} data-id={item.id}>
      <div className="trash-what">
        <strong className="trash-title">{title || 'untitled'}</strong>
        <span className="trash-kind">
          {item.kind === 'card'
            ? item.columnTitle
              ? ` card from ${item.columnTitle}`
              : ' card'
            : ` column${item.cards.length > 0 ? ` with ${item.cards.length} card${item.cards.length === 1 ? '' : 's'}` : ''}`}
        </span>
        {item.kind === 'column' && item.cards.length > 0 ? (
          <ul className="trash-cards">
            {item.cards.map((card) => (
              <li key={card.id}>{card.title || 'untitled'}</li>
            ))}
          </ul>
        ) : null}
        <span className="trash-when">
          Deleted by {who}{' '}
          <time
            dateTime={new Date(item.deletedAt).toISOString()}
            title={new Date(item.deletedAt).toLocaleString()}
          >
            {timeAgo(item.deletedAt)}
          </time>
        </span>
      </div>
      {readOnly ? null : (
        <div className="trash-actions">
          <button type="button" onClick={restore} aria-label={`Restore ${title || 'untitled'}`}>
            Restore
          </button>
          {confirming ? (
            <>
              <button
                type="button"
                className="danger"
                onClick={purge}
                aria-label={`Purge ${title || 'untitled'} for good`}
              >
                Purge for good
              </button>
              <button type="button" onClick={() => setConfirming(false)}>
                Keep
              </button>
            </>
          ) : (
            <button
              type="button"
              onClick={() => setConfirming(true)}
              aria-label={`Purge ${title || 'untitled'}`}
            >
              Purge…
            </button>
          )}
        </div>
      )}
    </li>
  );
}

/** How long deleted things stay in the trash; writers can change it for the whole board. */
function Retention({ days, readOnly }: { days: number; readOnly: boolean }) {
  const { doc, mutation } = useBoardContext();
  const id = useId();
  const choices = RETENTION_CHOICES.includes(days)
    ? RETENTION_CHOICES
    : [...RETENTION_CHOICES, days].sort((a, b) => a - b);
  if (readOnly) {
    return <p className="history-note">Deleted things are purged after {days} days.</p>;
  }
  return (
    <p className="history-note">
      <label htmlFor={id}>Deleted things are purged after </label>
      <select
        id={id}
        value={days}
        onChange={(event) => setTrashRetention(doc, Number(event.target.value), mutation)}
      >
        {choices
          .filter((n) => n <= MAX_TRASH_RETENTION_DAYS)
          .map((n) => (
            <option key={n} value={n}>
              {n} {n === 1 ? 'day' : 'days'}
            </option>
          ))}
      </select>
    </p>
  );
}
