import { useEffect, useMemo, useState } from 'react';
import * as Y from 'yjs';
import { recordDescriptionRestore } from '../../../shared/board';
import { descriptionRoom } from '../../../shared/room-names';
import { useBoardContext } from '../../board/context';
import { RestoreError, restoreDescription } from './description-restore';
import { descriptionText, diffText, type TextPart } from './description-text';
import { RestoreOutcome, versionLabel } from './VersionPicker';
import { VersionsDialog } from './VersionsDialog';
import type { VersionSource } from './version-source';

/**
 * A card description's versions (B16.1): the server's list, and the chosen one's text read-only with what
 * differs now marked (a word diff): text only in the version (restoring brings it back) and text written
 * since (restoring removes it). Writers can restore it (B16.4): one change to the live description, one
 * step of the editor's undo, and an entry in the board's feed.
 */
export function DescriptionVersionsPanel({
  boardId,
  cardId,
  cardTitle,
  description,
  source,
  onClose,
}: {
  boardId: string;
  cardId: string;
  cardTitle: string;
  /** The live description document (the page's synced copy), or null while it opens. */
  description: Y.Doc | null;
  source: VersionSource;
  onClose: () => void;
}) {
  return (
    <VersionsDialog
      title={`Versions of the description of ${cardTitle}`}
      testId="description-versions"
      room={descriptionRoom(boardId, cardId)}
      source={source}
      what="the description"
      onClose={onClose}
      render={(version) => (
        <DescriptionAtVersion
          key={version.time}
          cardId={cardId}
          version={version.doc}
          time={version.time}
          live={description}
        />
      )}
    />
  );
}

/** The live description's text, following its changes. */
function useLiveText(doc: Y.Doc | null): string | null {
  const [text, setText] = useState(() => (doc ? descriptionText(doc) : null));
  useEffect(() => {
    if (!doc) return;
    const update = () => setText(descriptionText(doc));
    update();
    doc.on('update', update);
    return () => doc.off('update', update);
  }, [doc]);
  return text;
}

function DescriptionAtVersion({
  cardId,
  version,
  time,
  live,
}: {
  cardId: string;
  version: Y.Doc;
  time: number;
  live: Y.Doc | null;
}) {
  const { doc: board, mutation, readOnly } = useBoardContext();
  const thenText = useMemo(() => descriptionText(version), [version]);
  const nowText = useLiveText(live);
  const parts = useMemo(() => (nowText === null ? null : diffText(thenText, nowText)), [thenText, nowText]);
  const [done, setDone] = useState<string | null>(null);
  const label = versionLabel(time);
  const restore = () => {
    if (!live) return;
    try {
      if (!restoreDescription(live, Y.encodeStateAsUpdate(version))) {
        setDone('The description is already as it was then.');
        return;
      }
      recordDescriptionRestore(board, cardId, time, mutation);
      setDone(`The description is back to the version of ${label}. Undo in the editor takes it back.`);
    } catch (error) {
      if (!(error instanceof RestoreError)) throw error;
      setDone('This version could not be restored; nothing was changed.');
    }
  };
  const changed = parts?.some((part) => part.side !== 'both') ?? false;
  return (
    <section className="description-at-version" aria-label={`The description at ${label}`}>
      <header className="version-header">
        <h3>
          Description <span className="version-when">at {label}</span>
        </h3>
        <p className="history-note" data-testid="version-summary">
          {parts === null
            ? 'Opening the description…'
            : changed
              ? 'Highlighted: text restoring brings back. Struck through: text written since, which restoring removes.'
              : 'The text has not changed since.'}
        </p>
        {readOnly || !changed ? null : (
          <button type="button" onClick={restore} disabled={live === null}>
            Restore this description
          </button>
        )}
        <RestoreOutcome text={done} />
      </header>
      <div className="version-text" data-testid="version-text">
        {thenText === '' && !changed ? <p className="history-empty">The description was empty.</p> : null}
        {keyed(parts ?? [{ text: thenText, side: 'both' }]).map(({ key, text, side }) =>
          side === 'both' ? (
            <span key={key}>{text}</span>
          ) : side === 'then' ? (
            <mark key={key} className="diff-then" data-diff="then">
              {text}
            </mark>
          ) : (
            <del key={key} className="diff-now" data-diff="now">
              {text}
            </del>
          ),
        )}
      </div>
    </section>
  );
}

/** Each part with a key: its side and where it starts (the parts of a diff never reorder). */
function keyed(parts: readonly TextPart[]): (TextPart & { key: string })[] {
  let offset = 0;
  return parts.map((part) => {
    const key = `${part.side}@${offset}`;
    offset += part.text.length;
    return { ...part, key };
  });
}
