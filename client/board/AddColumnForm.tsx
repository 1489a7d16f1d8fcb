import { type FormEvent, useState } from 'react';
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
  };
  return (
    <form className="add-column add-column-form" onSubmit={submit}>
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
