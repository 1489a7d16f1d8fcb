import { useEffect, useMemo, useState } from 'react';
import { readBoard } from '../../../shared/board';
import { descriptionRoom } from '../../../shared/room-names';
import { useBoardContext } from '../../board/context';
import { type DocHandle, useDocument } from '../../sync';
import { CardVersionsPanel } from './CardVersionsPanel';
import { DescriptionVersionsPanel } from './DescriptionVersionsPanel';
import type { VersionSource } from './version-source';

/**
 * The card panel's "Versions of the card" and "Versions of the description" buttons and their dialogs.
 * The description's dialog opens the
 * description's document (the page shares it with the editor) and offers it for restoring once its local
 * copy has loaded: a restore computed against a copy still loading would miss what it holds.
 */
export function CardVersions({
  boardId,
  cardId,
  source,
}: {
  boardId: string;
  cardId: string;
  source: () => VersionSource;
}) {
  const [open, setOpen] = useState<'card' | 'description' | null>(null);
  return (
    <p className="card-versions">
      <button
        type="button"
        aria-haspopup="dialog"
        onClick={() => setOpen('card')}
        data-testid="card-versions-button"
      >
        Versions of the card
      </button>{' '}
      <button
        type="button"
        aria-haspopup="dialog"
        onClick={() => setOpen('description')}
        data-testid="description-versions-button"
      >
        Versions of the description
      </button>
      {open === 'card' ? (
        <CardFieldsDialog boardId={boardId} cardId={cardId} source={source} onClose={() => setOpen(null)} />
      ) : null}
      {open === 'description' ? (
        <CardVersionsDialog boardId={boardId} cardId={cardId} source={source} onClose={() => setOpen(null)} />
      ) : null}
    </p>
  );
}

function CardFieldsDialog({
  boardId,
  cardId,
  source,
  onClose,
}: {
  boardId: string;
  cardId: string;
  source: () => VersionSource;
  onClose: () => void;
}) {
  const versions = useMemo(() => source(), [source]);
  return <CardVersionsPanel boardId={boardId} cardId={cardId} source={versions} onClose={onClose} />;
}

function CardVersionsDialog({
  boardId,
  cardId,
  source,
  onClose,
}: {
  boardId: string;
  cardId: string;
  source: () => VersionSource;
  onClose: () => void;
}) {
  const { doc } = useBoardContext();
  const handle = useDocument(descriptionRoom(boardId, cardId));
  const loaded = useLocalLoaded(handle);
  // Made once per dialog, with the token as it is now (a new link may have replaced it).
  const versions = useMemo(() => source(), [source]);
  const title = useMemo(() => readBoard(doc).cards.get(cardId)?.title ?? '', [doc, cardId]);
  return (
    <DescriptionVersionsPanel
      boardId={boardId}
      cardId={cardId}
      cardTitle={title}
      description={loaded?.doc ?? null}
      source={versions}
      onClose={onClose}
    />
  );
}

function useLocalLoaded(handle: DocHandle | null): DocHandle | null {
  const [loaded, setLoaded] = useState<DocHandle | null>(null);
  useEffect(() => {
    if (handle === null) return;
    let current = true;
    void handle.whenLocalLoaded().then(() => {
      if (current) setLoaded(handle);
    });
    return () => {
      current = false;
    };
  }, [handle]);
  return loaded;
}
