import { useMemo, useState } from 'react';
import type * as Y from 'yjs';
import {
  type BoardSnapshot,
  type CardSnapshot,
  readBoard,
  restoreCardToVersion,
} from '../../../shared/board';
import { boardRoom } from '../../../shared/room-names';
import { useBoard } from '../../board';
import { useBoardContext } from '../../board/context';
import { RestoreOutcome, versionLabel } from './VersionPicker';
import { VersionsDialog } from './VersionsDialog';
import type { VersionSource } from './version-source';

/**
 * One card across the board's versions (B16.1): its fields at the chosen version beside now's, those that
 * differ marked, and for writers "Restore card" (B16.2): a new change, undone by the board's Undo.
 */
export function CardVersionsPanel({
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
  const now = useBoard(doc);
  const title = now.cards.get(cardId)?.title ?? '';
  return (
    <VersionsDialog
      title={`Versions of ${title || 'the card'}`}
      testId="card-versions"
      room={boardRoom(boardId)}
      source={source}
      what="the card"
      onClose={onClose}
      render={(version) => (
        <CardAtVersion
          key={version.time}
          cardId={cardId}
          version={version.doc}
          time={version.time}
          now={now}
        />
      )}
    />
  );
}

interface Field {
  readonly name: string;
  readonly before: string;
  readonly after: string;
}

/** The card's fields as a person reads them, in a version's board or now's. */
function fieldsOf(board: BoardSnapshot, card: CardSnapshot | undefined): Record<string, string> {
  if (!card)
    return { Title: '', Column: '', 'Due date': '', Labels: '', Assignees: '', State: 'not on the board' };
  const labels = new Map(board.labels.map((label) => [label.id, label.name]));
  const members = new Map(board.members.map((member) => [member.id, member.name]));
  return {
    Title: card.title,
    Column: board.columns.find((column) => column.id === card.columnId)?.title ?? '',
    'Due date': card.due ?? 'none',
    Labels: card.labels.map((id) => labels.get(id) ?? '').join(', ') || 'none',
    Assignees: card.assignees.map((id) => members.get(id) ?? 'someone').join(', ') || 'none',
    State: card.archived ? 'archived' : 'on the board',
  };
}

function CardAtVersion({
  cardId,
  version,
  time,
  now,
}: {
  cardId: string;
  version: Y.Doc;
  time: number;
  now: BoardSnapshot;
}) {
  const { doc, mutation, readOnly } = useBoardContext();
  const then = useMemo(() => readBoard(version), [version]);
  const [done, setDone] = useState<string | null>(null);
  const label = versionLabel(time);
  const thenCard = then.cards.get(cardId);
  const fields: Field[] = useMemo(() => {
    const before = fieldsOf(then, thenCard);
    const after = fieldsOf(now, now.cards.get(cardId));
    return Object.keys(before).map((name) => ({
      name,
      before: before[name] ?? '',
      after: after[name] ?? '',
    }));
  }, [then, thenCard, now, cardId]);
  const changed = fields.some((field) => field.before !== field.after);
  const restore = () => {
    const restored = restoreCardToVersion(doc, version, cardId, time, mutation);
    setDone(
      restored ? `The card is back to the version of ${label}. Undo takes it back.` : 'Nothing to restore.',
    );
  };
  if (!thenCard) {
    return <p className="history-note">The card was not on the board at {label}.</p>;
  }
  return (
    <section className="card-at-version" aria-label={`The card at ${label}`} data-testid="card-at-version">
      <header className="version-header">
        <h3>
          {thenCard.title} <span className="version-when">at {label}</span>
        </h3>
        {readOnly || !changed ? null : (
          <button type="button" onClick={restore}>
            Restore card
          </button>
        )}
        <RestoreOutcome text={done} />
      </header>
      <table className="version-fields">
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Then</th>
            <th scope="col">Now</th>
          </tr>
        </thead>
        <tbody>
          {fields.map((field) => (
            <tr key={field.name} data-changed={field.before !== field.after}>
              <th scope="row">{field.name}</th>
              <td>{field.before}</td>
              <td>{field.after}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
