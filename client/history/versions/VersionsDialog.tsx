import { type ReactNode, useState } from 'react';
import { Modal } from '../../app/Modal';
import { useVersionDoc, useVersionList, type VersionDoc } from './use-versions';
import { VersionPicker, VersionProblemNote } from './VersionPicker';
import type { VersionSource } from './version-source';
import './versions.css';

/**
 * A room's versions in a dialog: the server's list on one side, the chosen version on the other (loading, a
 * problem such as "needs the server", or what `render` shows of it). The board, card and description
 * dialogs differ only in what they render.
 */
export function VersionsDialog({
  title,
  testId,
  room,
  source,
  what,
  note,
  onClose,
  render,
}: {
  title: string;
  testId: string;
  room: string;
  source: VersionSource;
  /** What a version shows, for the prompt: "the board", "the card", "the description". */
  what: string;
  /** Above the list (e.g. that a read-only viewer cannot restore). */
  note?: ReactNode;
  onClose: () => void;
  render: (version: VersionDoc) => ReactNode;
}) {
  const { list, reload } = useVersionList(source, room);
  const [chosen, setChosen] = useState<number | null>(null);
  const version = useVersionDoc(source, room, chosen);
  return (
    <Modal title={title} onClose={onClose} className="versions-dialog" testId={testId}>
      {note}
      <div className="versions-layout">
        <VersionPicker list={list} chosen={chosen} onChoose={setChosen} onRetry={reload} />
        <div className="version-view">
          {version === null ? (
            <p className="history-note">Choose a version to see {what} as it was.</p>
          ) : version.state === 'loading' ? (
            <p className="history-note">Loading the version…</p>
          ) : version.state === 'problem' ? (
            <VersionProblemNote problem={version.problem} />
          ) : (
            render(version.value)
          )}
        </div>
      </div>
    </Modal>
  );
}
