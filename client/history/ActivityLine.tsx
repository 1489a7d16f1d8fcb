import type { ActivityEntry, MemberSnapshot } from '../../shared/board';
import { timeAgo } from '../app/relative-time';
import { describeAction, isUnattributed, type NameOf } from './activity-text';

/** How to name people: by the board's member list ("Someone" for an unknown or missing id). */
export function memberNamer(members: ReadonlyMap<string, MemberSnapshot>): NameOf {
  return (id) => members.get(id)?.name ?? 'Someone';
}

/**
 * One entry: the author's colour and name, what they did, and when (relative, the exact time on hover).
 * With `onOpen`, the entry is a button that opens its card.
 */
export function ActivityLine({
  entry,
  members,
  now,
  onOpen,
}: {
  entry: ActivityEntry;
  members: ReadonlyMap<string, MemberSnapshot>;
  now: number;
  onOpen?: (() => void) | null;
}) {
  const nameOf = memberNamer(members);
  const pieces = describeAction(entry, nameOf);
  const color = members.get(entry.by)?.color ?? 'var(--muted)';
  const body = (
    <>
      <span className="activity-dot" style={{ background: color }} aria-hidden="true" />
      <span className="activity-text">
        {isUnattributed(entry) ? null : <strong className="activity-author">{nameOf(entry.by)} </strong>}
        {pieces.map((piece, i) =>
          typeof piece === 'string' ? (
            // Pieces are fixed per entry: their index is their identity.
            // biome-ignore lint/suspicious/noArrayIndexKey: see above
            <span key={i}>{piece}</span>
          ) : (
            // biome-ignore lint/suspicious/noArrayIndexKey: see above
            <em key={i} className="activity-name">
              {piece.name}
            </em>
          ),
        )}
      </span>
      <time
        className="activity-time"
        dateTime={new Date(entry.at).toISOString()}
        title={new Date(entry.at).toLocaleString()}
      >
        {timeAgo(entry.at, now)}
      </time>
    </>
  );
  return (
    <li className="activity-entry" data-testid="activity-entry" data-kind={entry.kind} data-by={entry.by}>
      {onOpen ? (
        <button type="button" className="activity-open" onClick={onOpen}>
          {body}
          {/* Named by what it shows (WCAG 2.5.3), and what choosing it does. */}
          <span className="visually-hidden">, open the card</span>
        </button>
      ) : (
        <div className="activity-static">{body}</div>
      )}
    </li>
  );
}
