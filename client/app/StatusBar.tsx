import type { ConnectionState, SyncStatus } from '../sync';

const CONNECTION_LABELS: Record<ConnectionState, string> = {
  online: 'Online',
  connecting: 'Connecting…',
  offline: 'Offline',
  denied: 'Access denied',
};

export function savedLabel(status: SyncStatus): string {
  if (status.saved) return 'Saved';
  const count = status.pending === 1 ? '1 change' : `${status.pending} changes`;
  // A read-only link's edits are dropped by the server: they are not waiting, they will not go.
  return status.readOnly ? `${count} not saved (read only)` : `${count} waiting`;
}

/** Always visible: whether we talk to the server, and whether everything is stored there. */
export function StatusBar({ status }: { status: SyncStatus }) {
  return (
    // Only the connection is a live region: the pending count changes on every keystroke.
    <div className="status-bar">
      <span className={`status-dot status-${status.connection}`} aria-hidden="true" />
      <span role="status" data-testid="sync-connection" data-state={status.connection}>
        {CONNECTION_LABELS[status.connection]}
      </span>
      <span className="status-sep" aria-hidden="true">
        ·
      </span>
      {status.readOnly ? (
        <span className="status-badge" data-testid="sync-read-only">
          Read only
        </span>
      ) : null}
      <span
        data-testid="sync-saved"
        data-saved={status.saved ? 'true' : 'false'}
        data-pending={status.pending}
      >
        {savedLabel(status)}
      </span>
    </div>
  );
}
