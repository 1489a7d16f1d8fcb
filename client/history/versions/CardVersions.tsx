import { useMemo, useState } from 'react';
import { descriptionRoom } from '../../../shared/room-names';
import { useBoard } from '../../board';
import { useBoardContext } from '../../board/context';
import { useDocument, useLocalLoaded } from '../../sync';
import { CardVersionsPanel } from './CardVersionsPanel';
import { DescriptionVersionsPanel } from './DescriptionVersionsPanel';
import type { VersionSource } from './version-source';

/**
 * The card panel's "Versions of the card" and "Versions of the description" buttons and their dialogs. The
 * version source is made as a dialog opens, with the token as it is then (a new link may have replaced it).
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
  const versions = useMemo(() => (open === null ? null : source()), [open, source]);
  const close = () => setOpen(null);
  // The dialogs sit beside the buttons' paragraph: a dialog's headings and sections cannot be inside a <p>.
  return (
    <>
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
      </p>
      {open === 'card' && versions ? (
        <CardVersionsPanel boardId={boardId} cardId={cardId} source={versions} onClose={close} />
      ) : null}
      {open === 'description' && versions ? (
        <DescriptionVersionsDialog boardId={boardId} cardId={cardId} source={versions} onClose={close} />
      ) : null}
    </>
  );
}

/**
 * The description's dialog opens the description's document (the page shares it with the editor) and offers
 * it for restoring once its local copy has loaded: a restore computed against a copy still loading would
 * miss what it holds.
 */
function DescriptionVersionsDialog({
  boardId,
  cardId,
  source,
  onClose,
}: {
  boardId: string;
  cardId: string;
  source: VersionSource;
  onClose: () => void;
}) {
  const { doc } = useBoardContext();
  const title = useBoard(doc).cards.get(cardId)?.title ?? '';
  const loaded = useLocalLoaded(useDocument(descriptionRoom(boardId, cardId)));
  return (
    <DescriptionVersionsPanel
      boardId={boardId}
      cardId={cardId}
      cardTitle={title}
      description={loaded?.doc ?? null}
      source={source}
      onClose={onClose}
    />
  );
}
