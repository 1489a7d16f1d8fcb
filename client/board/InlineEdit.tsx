import { type KeyboardEvent, useEffect, useRef, useState } from 'react';

interface InlineEditProps {
  value: string;
  /** Accessible name of the text field. */
  label: string;
  maxLength: number;
  onCommit: (value: string) => void;
  onDone: () => void;
  multiline?: boolean;
  className?: string;
}

/**
 * A text field that commits on Enter or blur and cancels on Escape. An empty value is not committed (every
 * board title must be non-empty).
 */
export function InlineEdit({
  value,
  label,
  maxLength,
  onCommit,
  onDone,
  multiline,
  className,
}: InlineEditProps) {
  const [draft, setDraft] = useState(value);
  const ref = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const finished = useRef(false);
  useEffect(() => {
    ref.current?.focus();
    ref.current?.select();
  }, []);
  const finish = (commit: boolean) => {
    if (finished.current) return;
    finished.current = true;
    const clean = draft.trim();
    if (commit && clean !== '' && clean !== value) onCommit(clean);
    onDone();
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      finish(true);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      finish(false);
    }
  };
  const props = {
    ref,
    className: `inline-edit ${className ?? ''}`,
    'aria-label': label,
    value: draft,
    maxLength,
    onChange: (event: { target: { value: string } }) => setDraft(event.target.value),
    onKeyDown,
    onBlur: () => finish(true),
  };
  return multiline ? <textarea rows={2} {...props} /> : <input type="text" {...props} />;
}
