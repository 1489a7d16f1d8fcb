import { useState } from 'react';
import { timeAgo } from '../../app/relative-time';
import type { Loaded } from './use-versions';
import { problemText, type VersionList, type VersionProblem } from './version-source';

/** A problem said plainly, as an alert: offline it is "needs the server", not a spinner. */
export function VersionProblemNote({ problem, onRetry }: { problem: VersionProblem; onRetry?: () => void }) {
  return (
    <div className="versions-problem" role="alert" data-testid="versions-problem" data-problem={problem.kind}>
      <p>{problemText(problem)}</p>
      {onRetry && problem.kind !== 'denied' && problem.kind !== 'missing' ? (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

/**
 * Versions listed at first, and added by each "Show older": every change of the last day is a version, so a
 * busy board has thousands.
 */
const PAGE = 100;

/** The date and time of a version, in full ("3 Dec 2026, 14:00:05"). */
/** What the last restore did ("back to the version of …", "Nothing to restore."), announced politely. */
export function RestoreOutcome({ text }: { text: string | null }) {
  return text ? (
    <p className="history-note" role="status">
      {text}
    </p>
  ) : null;
}

export function versionLabel(time: number): string {
  return new Date(time).toLocaleString(undefined, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  });
}

/**
 * The versions of a room, newest first, as a list of buttons; the chosen one is pressed. From memory
 * (offline), it says so.
 */
export function VersionPicker({
  list,
  chosen,
  onChoose,
  onRetry,
}: {
  list: Loaded<VersionList>;
  chosen: number | null;
  onChoose: (time: number) => void;
  onRetry: () => void;
}) {
  const [shown, setShown] = useState(PAGE);
  if (list.state === 'loading') return <p className="history-note">Asking the server for versions…</p>;
  if (list.state === 'problem') return <VersionProblemNote problem={list.problem} onRetry={onRetry} />;
  const { versions, now, fromMemory } = list.value;
  return (
    <div className="version-picker">
      {fromMemory ? (
        <p className="history-note" role="note">
          Offline: these are the versions this tab fetched before.
        </p>
      ) : null}
      {versions.length === 0 ? (
        <p className="history-empty">The server keeps no versions of this yet.</p>
      ) : (
        <ol className="version-list" aria-label="Versions, newest first">
          {versions.slice(0, shown).map((version) => (
            <li key={version.time}>
              <button
                type="button"
                className="version-choice"
                aria-pressed={chosen === version.time}
                data-testid="version-choice"
                data-time={version.time}
                onClick={() => onChoose(version.time)}
              >
                <time dateTime={new Date(version.time).toISOString()}>{versionLabel(version.time)}</time>
                <span className="version-ago">{timeAgo(version.time, Math.max(now, version.time))}</span>
              </button>
            </li>
          ))}
        </ol>
      )}
      {versions.length > shown ? (
        <button type="button" onClick={() => setShown((n) => n + PAGE)}>
          Show older ({versions.length - shown} more)
        </button>
      ) : null}
    </div>
  );
}
