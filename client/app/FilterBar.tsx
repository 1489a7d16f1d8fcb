import { memo, useId } from 'react';
import type { LabelSnapshot, MemberSnapshot } from '../../shared/board';
import { AppIcon } from './AppIcon';
import { type CardFilter, type DueFilter, isFiltering, NO_FILTER } from './card-filter';

export interface FilterBarProps {
  filter: CardFilter;
  labels: readonly LabelSnapshot[];
  members: readonly MemberSnapshot[];
  onChange: (filter: CardFilter) => void;
  /** Cards shown and cards on the board (not archived), for "3 of 12 cards". */
  shown: number;
  total: number;
}

/** Filter the board by text, label, assignee and due date; the state is in the URL (see card-filter.ts). */
/** Memoised: the page re-renders with every board change, which changes none of this unless counts move. */
export const FilterBar = memo(function FilterBar({
  filter,
  labels,
  members,
  onChange,
  shown,
  total,
}: FilterBarProps) {
  const ids = useId();
  const active = isFiltering(filter);
  const set = (patch: Partial<CardFilter>) => onChange({ ...filter, ...patch });
  return (
    // A form with the search role: the <search> element is not yet mapped by every screen reader or test tool.
    // biome-ignore lint/a11y/useSemanticElements: see above
    <form
      className="filter-bar"
      role="search"
      aria-label="Filter cards"
      onSubmit={(event) => event.preventDefault()}
    >
      <span className="filter-icon">
        <AppIcon name="filter" />
      </span>
      <label className="visually-hidden" htmlFor={`${ids}-text`}>
        Filter cards by text
      </label>
      <input
        id={`${ids}-text`}
        type="search"
        placeholder="Filter cards…"
        value={filter.text}
        onChange={(event) => set({ text: event.target.value })}
        onKeyDown={(event) => {
          if (event.key === 'Escape' && filter.text !== '') {
            event.stopPropagation();
            set({ text: '' });
          }
        }}
      />
      <label htmlFor={`${ids}-label`}>Label</label>
      <select
        id={`${ids}-label`}
        value={filter.labelId ?? ''}
        onChange={(event) => set({ labelId: event.target.value || null })}
      >
        <option value="">Any</option>
        {labels.map((label) => (
          <option key={label.id} value={label.id}>
            {label.name}
          </option>
        ))}
        {/* A shared link may name a label this copy does not have (yet). */}
        {filter.labelId !== null && !labels.some((label) => label.id === filter.labelId) ? (
          <option value={filter.labelId}>Unknown label</option>
        ) : null}
      </select>
      <label htmlFor={`${ids}-assignee`}>Assignee</label>
      <select
        id={`${ids}-assignee`}
        value={filter.assigneeId ?? ''}
        onChange={(event) => set({ assigneeId: event.target.value || null })}
      >
        <option value="">Anyone</option>
        {members.map((member) => (
          <option key={member.id} value={member.id}>
            {member.name}
          </option>
        ))}
        {filter.assigneeId !== null && !members.some((member) => member.id === filter.assigneeId) ? (
          <option value={filter.assigneeId}>Unknown person</option>
        ) : null}
      </select>
      <label htmlFor={`${ids}-due`}>Due</label>
      <select
        id={`${ids}-due`}
        value={filter.due ?? ''}
        onChange={(event) => set({ due: (event.target.value || null) as DueFilter | null })}
      >
        <option value="">Any time</option>
        <option value="overdue">Overdue</option>
        <option value="week">This week</option>
      </select>
      {active ? (
        <>
          <span className="filter-count" role="status">
            {shown} of {total} {total === 1 ? 'card' : 'cards'}
          </span>
          <button type="button" onClick={() => onChange(NO_FILTER)}>
            Clear filter
          </button>
        </>
      ) : null}
    </form>
  );
});
