import { type FormEvent, useId, useRef, useState } from 'react';
import { MAX_SHARE_NAME_LENGTH, type ShareAnswer, type ShareRole } from '../../shared/share-links';
import { Modal } from './Modal';
import { boardLink, LINK_LIFETIMES, type MintShareLink } from './share-api';
import { tokenExpiry, tokenRole } from './share-token';

export interface ShareDialogProps {
  boardId: string;
  boardTitle: string;
  /**
   * The token this browser opened the board with (a server with auth), or null (a server without auth: the
   * plain link opens the board for anyone).
   */
  ownToken: string | null;
  /** The app's origin, e.g. `https://trellis.example.org`. */
  origin: string;
  mint: MintShareLink;
  /** Puts text on the clipboard; rejects when the browser refuses. */
  copy: (text: string) => Promise<void>;
  onClose: () => void;
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** Copy the board's link; on a server with auth, have the server sign a view or edit link for it. */
export function ShareDialog({
  boardId,
  boardTitle,
  ownToken,
  origin,
  mint,
  copy,
  onClose,
}: ShareDialogProps) {
  const [notice, setNotice] = useState('');
  const plain = boardLink(origin, boardId);
  const copyText = async (text: string, what: string, field: HTMLInputElement | null) => {
    try {
      await copy(text);
      setNotice(`${what} copied.`);
    } catch {
      // Clipboard refused (permissions, an insecure origin): leave the text selected for Ctrl/Cmd+C.
      field?.focus();
      field?.select();
      setNotice('Copying was refused by the browser: the link is selected, press Ctrl+C or ⌘C.');
    }
  };
  const plainRef = useRef<HTMLInputElement>(null);
  const plainId = useId();
  return (
    <Modal title={`Share “${boardTitle || 'Untitled board'}”`} onClose={onClose} className="share-dialog">
      <section className="share-section">
        <label htmlFor={plainId}>Link to this board</label>
        <p className="share-hint">
          {ownToken === null
            ? 'Anyone with this link can open and edit the board.'
            : 'Opens the board for people who already have access. To invite someone, create a link below.'}
        </p>
        <div className="copy-row">
          <input id={plainId} ref={plainRef} readOnly value={plain} onFocus={(e) => e.target.select()} />
          <button type="button" onClick={() => void copyText(plain, 'Link', plainRef.current)}>
            Copy link
          </button>
        </div>
      </section>
      {ownToken === null ? null : (
        <MintSection
          boardId={boardId}
          ownToken={ownToken}
          origin={origin}
          mint={mint}
          onCopy={(text, field) => void copyText(text, 'New link', field)}
          onMinted={() => setNotice('')}
        />
      )}
      <p className="share-notice" role="status">
        {notice}
      </p>
    </Modal>
  );
}

function MintSection({
  boardId,
  ownToken,
  origin,
  mint,
  onCopy,
  onMinted,
}: {
  boardId: string;
  ownToken: string;
  origin: string;
  mint: MintShareLink;
  onCopy: (text: string, field: HTMLInputElement | null) => void;
  onMinted: () => void;
}) {
  // The token's own claims, read as hints to shape the form; the server decides.
  const ownRole = tokenRole(ownToken);
  const ownExpiry = tokenExpiry(ownToken);
  const canWrite = ownRole === 'write' || ownRole === 'admin';
  const [role, setRole] = useState<ShareRole>('read');
  const [lifetime, setLifetime] = useState(1);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ShareAnswer | null>(null);
  const linkRef = useRef<HTMLInputElement>(null);
  const ids = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    const answer = await mint(boardId, ownToken, {
      role,
      expiresInSeconds: LINK_LIFETIMES[lifetime]?.seconds ?? null,
      ...(name.trim() ? { name: name.trim() } : {}),
    });
    setBusy(false);
    setResult(answer);
    onMinted();
  };

  const minted = result?.ok ? boardLink(origin, boardId, result.token) : null;
  return (
    <section className="share-section" aria-labelledby={`${ids}-heading`}>
      <h3 id={`${ids}-heading`}>Invite with a new link</h3>
      <form className="share-form" onSubmit={(event) => void submit(event)}>
        <fieldset>
          <legend>Access</legend>
          <label>
            <input
              type="radio"
              name={`${ids}-role`}
              checked={role === 'read'}
              onChange={() => setRole('read')}
            />{' '}
            Can view
          </label>
          <label>
            <input
              type="radio"
              name={`${ids}-role`}
              checked={role === 'write'}
              disabled={!canWrite}
              aria-describedby={canWrite ? undefined : `${ids}-read-only`}
              onChange={() => setRole('write')}
            />{' '}
            Can edit
          </label>
          {canWrite ? null : (
            <p id={`${ids}-read-only`} className="share-hint">
              Your link only views this board, so the links you make can only view it too.
            </p>
          )}
        </fieldset>
        <label htmlFor={`${ids}-expiry`}>Expires after</label>
        <select
          id={`${ids}-expiry`}
          value={lifetime}
          onChange={(event) => setLifetime(Number(event.target.value))}
          aria-describedby={ownExpiry === null ? undefined : `${ids}-own-expiry`}
        >
          {LINK_LIFETIMES.map((option, index) => (
            <option key={option.label} value={index}>
              {option.label}
            </option>
          ))}
        </select>
        {ownExpiry === null ? null : (
          <p id={`${ids}-own-expiry`} className="share-hint">
            Links you make expire by {dateTime.format(ownExpiry)} at the latest, when yours does.
          </p>
        )}
        <label htmlFor={`${ids}-name`}>For (optional)</label>
        <input
          id={`${ids}-name`}
          value={name}
          maxLength={MAX_SHARE_NAME_LENGTH}
          placeholder="Who the link is for"
          onChange={(event) => setName(event.target.value)}
        />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Creating link…' : 'Create link'}
        </button>
      </form>
      {result && !result.ok ? (
        <p className="error" role="alert">
          Could not create a link: {result.reason}
        </p>
      ) : null}
      {result?.ok && minted ? (
        <div className="share-minted">
          <label htmlFor={`${ids}-minted`}>New {result.role === 'read' ? 'view' : 'edit'} link</label>
          <div className="copy-row">
            <input
              id={`${ids}-minted`}
              ref={linkRef}
              readOnly
              value={minted}
              onFocus={(e) => e.target.select()}
            />
            <button type="button" onClick={() => onCopy(minted, linkRef.current)}>
              Copy new link
            </button>
          </div>
          <p className="share-hint">
            {result.role === 'read' ? 'Can view' : 'Can edit'} ·{' '}
            {result.expiresAt === null ? 'never expires' : `expires ${dateTime.format(result.expiresAt)}`}
            {result.shortened ? ' (shortened to your own link’s expiry)' : ''}
          </p>
        </div>
      ) : null}
    </section>
  );
}
