import { type FormEvent, type ReactNode, useEffect, useId, useRef, useState } from 'react';
import {
  addLabel,
  type BoardSnapshot,
  type CardSnapshot,
  deleteCard,
  deleteLabel,
  LABEL_COLORS,
  MAX_CARD_TITLE_LENGTH,
  MAX_LABEL_NAME_LENGTH,
  moveCard,
  updateCard,
  updateLabel,
} from '../../shared/board';
import type { Participant } from '../../shared/presence';
import { useBoardContext } from './context';
import { formatTime, initials, textOn } from './format';
import { Icon } from './Icon';
import { InlineEdit } from './InlineEdit';

export interface CardPanelProps {
  board: BoardSnapshot;
  card: CardSnapshot;
  viewers: readonly Participant[];
  editors: readonly Participant[];
  onClose: () => void;
  /** The description editor's slot. */
  renderDescription?: (cardId: string) => ReactNode;
}

/**
 * The side panel of an open card: every field of the card, and the description editor's slot. On a read-only
 * board the fields are shown but disabled, and there is no renaming, archiving or deleting.
 */
export function CardPanel({ board, card, viewers, editors, onClose, renderDescription }: CardPanelProps) {
  const { doc, mutation, confirm, membersById, readOnly } = useBoardContext();
  const [editingTitle, setEditingTitle] = useState(false);
  const panelRef = useRef<HTMLElement>(null);
  const ids = useId();
  const update = (patch: Parameters<typeof updateCard>[2]) => updateCard(doc, card.id, patch, mutation);

  useEffect(() => {
    panelRef.current?.focus({ preventScroll: true });
  }, []);

  const column = board.columns.find((c) => c.id === card.columnId);
  const creator = membersById.get(card.createdBy)?.name ?? 'someone';
  const toggle = (list: readonly string[], id: string, on: boolean) =>
    on ? [...list.filter((x) => x !== id), id] : list.filter((x) => x !== id);
  const others = [...new Map([...editors, ...viewers].map((p) => [p.id, p])).values()];

  return (
    <aside
      ref={panelRef}
      className="card-panel"
      role="dialog"
      aria-label={`Card: ${card.title}`}
      data-testid="card-panel"
      tabIndex={-1}
      onKeyDown={(event) => {
        if (event.key === 'Escape' && !event.defaultPrevented) {
          event.stopPropagation();
          onClose();
        }
      }}
    >
      <header className="card-panel-header">
        {readOnly ? (
          <h2 className="card-panel-title">{card.title}</h2>
        ) : editingTitle ? (
          <InlineEdit
            value={card.title}
            label="Card title"
            multiline
            maxLength={MAX_CARD_TITLE_LENGTH}
            onCommit={(title) => update({ title })}
            onDone={() => setEditingTitle(false)}
            className="card-panel-title-edit"
          />
        ) : (
          <h2 className="card-panel-title">
            <button
              type="button"
              className="title-button"
              onClick={() => setEditingTitle(true)}
              title="Rename"
            >
              {card.title}
              <span className="visually-hidden"> (rename)</span>
            </button>
          </h2>
        )}
        <button type="button" className="icon-button" onClick={onClose} aria-label="Close card">
          <Icon name="close" />
        </button>
      </header>

      <p className="card-panel-sub">
        {card.archived ? <strong className="archived-badge">Archived · </strong> : null}
        in <strong>{column?.title ?? 'a column being synced'}</strong> · added by {creator},{' '}
        {formatTime(card.createdAt)}
      </p>
      {others.length > 0 ? (
        <p className="card-panel-presence">
          {others.map((p) => (
            <span key={p.id} className="presence-chip" style={{ borderColor: p.color }}>
              {initials(p.name)} {p.name} {editors.some((e) => e.id === p.id) ? 'is editing' : 'is here'}
            </span>
          ))}
        </p>
      ) : null}

      <div className="card-panel-fields">
        <label className="field">
          <span>Column</span>
          <select
            value={card.columnId}
            disabled={readOnly}
            onChange={(event) =>
              moveCard(
                doc,
                card.id,
                { columnId: event.target.value, index: Number.MAX_SAFE_INTEGER },
                mutation,
              )
            }
          >
            {board.columns
              .filter((c) => !c.placeholder)
              .map((c) => (
                <option key={c.id} value={c.id}>
                  {c.title}
                </option>
              ))}
          </select>
        </label>

        <label className="field">
          <span>Due date</span>
          <span className="due-field">
            <input
              type="date"
              value={card.due ?? ''}
              disabled={readOnly}
              onChange={(event) => update({ due: event.target.value === '' ? null : event.target.value })}
            />
            {card.due && !readOnly ? (
              <button type="button" onClick={() => update({ due: null })}>
                Clear<span className="visually-hidden"> due date</span>
              </button>
            ) : null}
          </span>
        </label>

        <fieldset className="field">
          <legend>Labels</legend>
          {board.labels.length === 0 ? <p className="hint">No labels yet.</p> : null}
          <ul className="check-list">
            {board.labels.map((label) => (
              <li key={label.id}>
                <label>
                  <input
                    type="checkbox"
                    checked={card.labels.includes(label.id)}
                    disabled={readOnly}
                    onChange={(event) =>
                      update({ labels: toggle(card.labels, label.id, event.target.checked) })
                    }
                  />
                  <span
                    className="label-chip"
                    style={{ backgroundColor: label.color, color: textOn(label.color) }}
                  >
                    {label.name}
                  </span>
                </label>
              </li>
            ))}
          </ul>
          {readOnly ? null : <LabelManager board={board} idPrefix={ids} />}
        </fieldset>

        <fieldset className="field">
          <legend>Assignees</legend>
          {board.members.length === 0 ? <p className="hint">Nobody has opened this board yet.</p> : null}
          <ul className="check-list">
            {board.members.map((member) => (
              <li key={member.id}>
                <label>
                  <input
                    type="checkbox"
                    checked={card.assignees.includes(member.id)}
                    disabled={readOnly}
                    onChange={(event) =>
                      update({ assignees: toggle(card.assignees, member.id, event.target.checked) })
                    }
                  />
                  <span className="member-dot" style={{ backgroundColor: member.color }} aria-hidden="true" />
                  {member.name}
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
      </div>

      <section className="card-description" aria-label="Description" data-testid="card-description-slot">
        <h3>Description</h3>
        {renderDescription ? renderDescription(card.id) : <p className="hint">No description editor.</p>}
      </section>

      {readOnly ? null : (
        <footer className="card-panel-actions">
          <button type="button" onClick={() => update({ archived: !card.archived })}>
            {card.archived ? 'Unarchive card' : 'Archive card'}
          </button>
          <button
            type="button"
            className="danger"
            onClick={() =>
              confirm({
                title: `Delete card “${card.title}”?`,
                message: "It goes to the board's trash, where anyone who can edit the board can restore it.",
                confirmLabel: 'Delete card',
                onConfirm: () => {
                  deleteCard(doc, card.id, mutation);
                  onClose();
                },
              })
            }
          >
            Delete card
          </button>
        </footer>
      )}
    </aside>
  );
}

function LabelManager({ board, idPrefix }: { board: BoardSnapshot; idPrefix: string }) {
  const { doc, mutation, confirm } = useBoardContext();
  const [name, setName] = useState('');
  const [color, setColor] = useState(LABEL_COLORS[0] ?? '#1c7ed6');
  const [renaming, setRenaming] = useState<string | null>(null);
  const add = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim() === '') return;
    addLabel(doc, { name, color }, mutation);
    setName('');
  };
  return (
    <details className="label-manager">
      <summary>Edit labels</summary>
      <ul className="label-edit-list">
        {board.labels.map((label) => (
          <li key={label.id}>
            {renaming === label.id ? (
              <InlineEdit
                value={label.name}
                label="Label name"
                maxLength={MAX_LABEL_NAME_LENGTH}
                onCommit={(newName) => updateLabel(doc, label.id, { name: newName }, mutation)}
                onDone={() => setRenaming(null)}
              />
            ) : (
              <span
                className="label-chip"
                style={{ backgroundColor: label.color, color: textOn(label.color) }}
              >
                {label.name}
              </span>
            )}
            <select
              aria-label={`Colour of label ${label.name}`}
              value={label.color}
              onChange={(event) => updateLabel(doc, label.id, { color: event.target.value }, mutation)}
            >
              {[...new Set([label.color, ...LABEL_COLORS])].map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
            <button
              type="button"
              onClick={() => setRenaming(label.id)}
              aria-label={`Rename label ${label.name}`}
            >
              <Icon name="pencil" />
            </button>
            <button
              type="button"
              onClick={() =>
                confirm({
                  title: `Delete label “${label.name}”?`,
                  message: 'It is removed from every card on this board.',
                  confirmLabel: 'Delete label',
                  onConfirm: () => deleteLabel(doc, label.id, mutation),
                })
              }
              aria-label={`Delete label ${label.name}`}
            >
              <Icon name="trash" />
            </button>
          </li>
        ))}
      </ul>
      <form className="label-add" onSubmit={add}>
        <input
          aria-label="New label name"
          placeholder="New label"
          maxLength={MAX_LABEL_NAME_LENGTH}
          value={name}
          onChange={(event) => setName(event.target.value)}
        />
        <fieldset className="swatches">
          <legend className="visually-hidden">New label colour</legend>
          {LABEL_COLORS.map((c) => (
            <label key={c} className="swatch" style={{ backgroundColor: c }}>
              <input
                type="radio"
                name={`${idPrefix}-label-colour`}
                value={c}
                checked={color === c}
                onChange={() => setColor(c)}
                aria-label={`colour ${c}`}
              />
            </label>
          ))}
        </fieldset>
        <button type="submit" disabled={name.trim() === ''}>
          Add label
        </button>
      </form>
    </details>
  );
}
