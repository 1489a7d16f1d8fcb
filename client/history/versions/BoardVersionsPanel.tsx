import { useMemo, useState } from 'react';
import type * as Y from 'yjs';
import {
  type BoardSnapshot,
  type CardSnapshot,
  readBoard,
  restoreBoardToVersion,
  restoreCardToVersion,
} from '../../../shared/board';
import { boardRoom } from '../../../shared/room-names';
import { useBoardContext } from '../../board/context';
import { type BoardDiff, type CardChange, diffBoards } from './board-diff';
import { RestoreOutcome, versionLabel } from './VersionPicker';
import { VersionsDialog } from './VersionsDialog';
import type { VersionSource } from './version-source';

/**
 * The board's versions (B16.1): the server's list, and the chosen one rendered read-only with what changed
 * since highlighted: cards removed, moved or changed since, and the cards added since. Writers can restore
 * one card or the whole board (B16.2, B16.3): a new change, undone by the board's Undo.
 */
export function BoardVersionsPanel({
  boardId,
  board,
  source,
  onClose,
}: {
  boardId: string;
  board: BoardSnapshot;
  source: VersionSource;
  onClose: () => void;
}) {
  const { readOnly } = useBoardContext();
  return (
    <VersionsDialog
      title="Versions of the board"
      testId="versions-panel"
      room={boardRoom(boardId)}
      source={source}
      what="the board"
      note={
        readOnly ? (
          <p className="history-note" role="note">
            Read-only: you can look at earlier versions, but not restore them.
          </p>
        ) : null
      }
      onClose={onClose}
      render={(version) => (
        <BoardAtVersion key={version.time} doc={version.doc} time={version.time} now={board} />
      )}
    />
  );
}

const CHANGE_TEXT: Record<Exclude<CardChange, 'same'>, string> = {
  removed: 'removed since',
  moved: 'moved since',
  changed: 'changed since',
};

/** The board as the version has it, read-only, with what differs now marked on each card. */
function BoardAtVersion({ doc, time, now }: { doc: Y.Doc; time: number; now: BoardSnapshot }) {
  const { doc: live, mutation, readOnly } = useBoardContext();
  const then = useMemo(() => readBoard(doc), [doc]);
  const diff = useMemo(() => diffBoards(then, now), [then, now]);
  const [done, setDone] = useState<string | null>(null);
  const label = versionLabel(time);
  const restoreBoard = () => {
    const result = restoreBoardToVersion(live, doc, time, mutation);
    setDone(
      result ? `The board is back to the version of ${label}. Undo takes it back.` : 'Nothing to restore.',
    );
  };
  const restoreCard = (card: CardSnapshot) => {
    const changed = restoreCardToVersion(live, doc, card.id, time, mutation);
    setDone(
      changed ? `${card.title} is back to the version of ${label}.` : `${card.title} cannot be restored.`,
    );
  };
  return (
    <section className="board-at-version" aria-label={`The board at ${label}`} data-testid="board-at-version">
      <header className="version-header">
        <h3>
          {then.title || 'Untitled board'} <span className="version-when">at {label}</span>
        </h3>
        <Summary diff={diff} />
        {readOnly ? null : (
          <button type="button" onClick={restoreBoard}>
            Restore the board to this version
          </button>
        )}
        <RestoreOutcome text={done} />
      </header>
      <div className="version-columns">
        {then.columns.map((column) => (
          <section key={column.id} className="version-column" aria-label={column.title}>
            <h4>{column.title}</h4>
            <ul>
              {column.cards.map((card) => {
                const change = diff.byCard.get(card.id) ?? 'same';
                return (
                  <li
                    key={card.id}
                    className="version-card"
                    data-testid="version-card"
                    data-change={change}
                    data-card-id={card.id}
                  >
                    <span className="version-card-title">{card.title}</span>
                    {change === 'same' ? null : (
                      <span className="version-change">
                        {change === 'moved'
                          ? `now in ${diff.movedTo.get(card.id) ?? 'another column'}`
                          : CHANGE_TEXT[change]}
                      </span>
                    )}
                    {change === 'same' || readOnly ? null : (
                      <button
                        type="button"
                        onClick={() => restoreCard(card)}
                        aria-label={`Restore ${card.title}`}
                      >
                        Restore card
                      </button>
                    )}
                  </li>
                );
              })}
            </ul>
          </section>
        ))}
      </div>
      {diff.added.length > 0 ? (
        <section className="version-added" aria-label="Added since">
          <h4>Added since</h4>
          <ul>
            {diff.added.map((card) => (
              <li
                key={card.id}
                className="version-card"
                data-testid="version-card"
                data-change="added"
                data-card-id={card.id}
              >
                <span className="version-card-title">{card.title}</span>
                <span className="version-change">added since</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </section>
  );
}

function Summary({ diff }: { diff: BoardDiff }) {
  const { added, removed, moved, changed } = diff.counts;
  const parts = [
    added > 0 ? `${added} added` : null,
    removed > 0 ? `${removed} removed` : null,
    moved > 0 ? `${moved} moved` : null,
    changed > 0 ? `${changed} changed` : null,
  ].filter((part) => part !== null);
  return (
    <p className="history-note" data-testid="version-summary">
      {parts.length === 0 ? 'No card has changed since.' : `Since then: ${parts.join(', ')}.`}
    </p>
  );
}
