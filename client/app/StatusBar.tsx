import { useEffect, useState } from 'react';
import type { ConnectionState, SyncStatus } from '../sync';
import { AppIcon, type AppIconName } from './AppIcon';
import { WideOnly } from './WideOnly';

const CONNECTION_LABELS: Record<ConnectionState, string> = {
  online: 'Online',
  connecting: 'Connecting…',
  offline: 'You are offline',
  unreachable: 'Server unreachable',
  denied: 'Access denied',
};

/** What a phone shows instead: the bar stays one row there, so the board under it never moves. */
const SHORT_CONNECTION_LABELS: Record<ConnectionState, string> = {
  online: 'Online',
  connecting: 'Connecting…',
  offline: 'Offline',
  unreachable: 'Unreachable',
  denied: 'Denied',
};

/** How a badge is drawn: green, amber or red, each with its own icon (colour is never the only cue). */
export type Tone = 'ok' | 'warn' | 'bad' | 'neutral';

const CONNECTION_LOOK: Record<ConnectionState, { tone: Tone; icon: AppIconName }> = {
  online: { tone: 'ok', icon: 'check' },
  connecting: { tone: 'warn', icon: 'sync' },
  offline: { tone: 'bad', icon: 'offline' },
  unreachable: { tone: 'bad', icon: 'alert' },
  denied: { tone: 'bad', icon: 'lock' },
};

const TONE_RANK: Record<Tone, number> = { neutral: 0, ok: 0, warn: 1, bad: 2 };

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** Whether the board and every one of its descriptions are stored on the server. */
export function isAllSaved(status: SyncStatus, cardsWaiting: number): boolean {
  return status.saved && cardsWaiting === 0;
}

/**
 * What is not yet stored on the server, in a person's terms: the board's changes one per edit (a new card,
 * a rename), and descriptions one per card, whether the card is open or not.
 */
export function savedLabel(status: SyncStatus, cardsWaiting = 0): string {
  if (isAllSaved(status, cardsWaiting)) return 'Saved';
  const changes = status.saved ? 0 : status.pending;
  // A read-only link's edits are dropped by the server: they are not waiting, they will not go.
  if (status.readOnly)
    return changes > 0 ? `${plural(changes, 'change')} not saved (read only)` : 'Not saved';
  if (cardsWaiting === 0) return changes > 0 ? `${plural(changes, 'change')} waiting` : 'Waiting to sync';
  const cards = plural(cardsWaiting, 'card');
  return changes > 0
    ? `${plural(changes, 'change')} and ${cards} waiting to sync`
    : `${cards} waiting to sync`;
}

/** savedLabel in a few words, for a phone: "Saved", "3 waiting", "Not saved". */
export function shortSavedLabel(status: SyncStatus, cardsWaiting = 0): string {
  if (isAllSaved(status, cardsWaiting)) return 'Saved';
  if (status.readOnly) return 'Not saved';
  const waiting = (status.saved ? 0 : status.pending) + cardsWaiting;
  return waiting > 0 ? `${waiting} waiting` : 'Waiting';
}

/** ", retrying in 3 s" while a retry is scheduled; ", retrying…" while it is under way. */
export function retryLabel(retryAt: number | null, now: number): string {
  if (retryAt === null) return ', retrying…';
  return `, retrying in ${Math.max(1, Math.ceil((retryAt - now) / 1_000))} s`;
}

/** Re-renders every second while `active`, for a countdown. */
function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

/**
 * Always visible: whether we talk to the server (no network at all is told apart from a server that does not
 * answer), and whether everything of the board, descriptions included, is stored there.
 */
export function StatusBar({
  status,
  cardsWaiting = 0,
  onRetry,
}: {
  status: SyncStatus;
  /** The board's descriptions with changes the server has not stored (open or not). */
  cardsWaiting?: number;
  /** "Retry now" while the server is unreachable. */
  onRetry?: () => void;
}) {
  const unreachable = status.connection === 'unreachable';
  const now = useNow(unreachable && status.retryAt !== null);
  const saved = isAllSaved(status, cardsWaiting);
  const connection = CONNECTION_LOOK[status.connection];
  // A read-only link's edits are not waiting for anything: no warning colour for them.
  const savedTone: Tone = saved ? 'ok' : status.readOnly ? 'neutral' : 'warn';
  // The bar takes the colour of its worst badge, so a problem shows across the page, not in a corner.
  const barTone = TONE_RANK[connection.tone] >= TONE_RANK[savedTone] ? connection.tone : savedTone;
  return (
    // Only the connection is a live region: the count and the countdown change too often to announce.
    // biome-ignore lint/a11y/useSemanticElements: a fieldset is for form controls; this groups two read-outs
    <div className="status-bar" role="group" aria-label="Connection and saving" data-tone={barTone}>
      <span className="status-badge-pill" data-tone={connection.tone}>
        <AppIcon name={connection.icon} />
        <span>
          <WideOnly short={SHORT_CONNECTION_LABELS[status.connection]}>
            <span role="status" data-testid="sync-connection" data-state={status.connection}>
              {CONNECTION_LABELS[status.connection]}
            </span>
            {unreachable ? <span data-testid="sync-retry">{retryLabel(status.retryAt, now)}</span> : null}
          </WideOnly>
        </span>
      </span>
      {unreachable && onRetry ? (
        <button type="button" className="status-retry" onClick={onRetry} title="Retry now">
          <WideOnly short={<AppIcon name="sync" />}>Retry now</WideOnly>
        </button>
      ) : null}
      {status.readOnly ? (
        <span className="status-badge-pill" data-tone="neutral">
          <AppIcon name="lock" />
          <span data-testid="sync-read-only">Read only</span>
        </span>
      ) : null}
      <span className="status-badge-pill" data-tone={savedTone}>
        <AppIcon name={saved ? 'check' : 'clock'} />
        <span>
          <WideOnly short={shortSavedLabel(status, cardsWaiting)}>
            <span
              data-testid="sync-saved"
              data-saved={saved ? 'true' : 'false'}
              data-pending={status.pending}
              data-cards-waiting={cardsWaiting}
            >
              {savedLabel(status, cardsWaiting)}
            </span>
          </WideOnly>
        </span>
      </span>
    </div>
  );
}
