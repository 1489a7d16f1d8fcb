import { type FormEvent, useId, useState } from 'react';
import { MAX_BOARD_TITLE_LENGTH } from '../../shared/board';
import { BOARD_TEMPLATES, DEFAULT_TEMPLATE_ID } from '../../shared/board/templates';
import { Modal } from './Modal';

export interface NewBoardChoice {
  title: string;
  templateId: string;
}

/** Names a new board and picks its template; the board is created with both, never as "Untitled board". */
export function NewBoardDialog({
  onCreate,
  onClose,
}: {
  onCreate: (choice: NewBoardChoice) => void;
  onClose: () => void;
}) {
  const [title, setTitle] = useState('');
  const [templateId, setTemplateId] = useState(DEFAULT_TEMPLATE_ID);
  const nameId = useId();
  const groupName = useId();
  const clean = title.trim();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (clean === '') return;
    onCreate({ title: clean, templateId });
  };
  return (
    <Modal title="New board" onClose={onClose} className="new-board-dialog" testId="new-board-dialog">
      <form onSubmit={submit} className="new-board-form">
        <label htmlFor={nameId}>Board name</label>
        <input
          id={nameId}
          value={title}
          maxLength={MAX_BOARD_TITLE_LENGTH}
          required
          // biome-ignore lint/a11y/noAutofocus: the dialog opens to be filled in; its first field is the name.
          autoFocus
          onChange={(event) => setTitle(event.target.value)}
        />
        <fieldset className="template-choice">
          <legend>Template</legend>
          {BOARD_TEMPLATES.map((template) => (
            <label key={template.id} className="template-option">
              <input
                type="radio"
                name={groupName}
                value={template.id}
                checked={templateId === template.id}
                onChange={() => setTemplateId(template.id)}
              />
              <span className="template-name">{template.name}</span>
              <span className="template-columns">{template.columnTitles.join(' · ')}</span>
            </label>
          ))}
        </fieldset>
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={clean === ''}>
            Create board
          </button>
        </div>
      </form>
    </Modal>
  );
}
