import { type FormEvent, useRef, useState } from 'react';
import { MAX_COLUMN_TITLE_LENGTH } from '../../shared/board';

/** The hint for an empty board, and the "+ Add column" form unless `onAdd` is null (read-only). */
export function AddColumnForm({
  onAdd,
  hint,
}: {
  onAdd: ((title: string) => void) | null;
  hint: string | null;
}) {
  const [open, setOpen] = useState(false);
  const [title, setTitle] = useState('');
  const formRef = useRef<HTMLFormElement>(null);
  if (onAdd === null) return hint ? <p className="hint add-column">{hint}</p> : null;
  if (!open) {
    return (
      <div className="add-column">
        {hint ? <p className="hint">{hint}</p> : null}
        <button type="button" className="add-column-button" onClick={() => setOpen(true)}>
          + Add column
        </button>
      </div>
    );
  }
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const clean = title.trim();
    if (clean === '') return;
    onAdd(clean);
    setTitle('');
    // The new column renders at the end of the row, left of this form: scroll the row to its end once it has.
    requestAnimationFrame(() => {
      const row = formRef.current?.closest<HTMLElement>('.board-columns');
      row?.scrollTo?.({ left: row.scrollWidth, behavior: 'smooth' });
    });
  };
  return (
    <form ref={formRef} className="add-column add-column-form" onSubmit={submit}>
      <input
        // biome-ignore lint/a11y/noAutofocus: the user just asked for this field
        autoFocus
        aria-label="New column title"
        placeholder="Column title"
        maxLength={MAX_COLUMN_TITLE_LENGTH}
        value={title}
        onChange={(event) => setTitle(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') setOpen(false);
        }}
      />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={title.trim() === ''}>
          Add column
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
