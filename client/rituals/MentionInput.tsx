import { type KeyboardEvent, useId, useLayoutEffect, useRef, useState } from 'react';

export interface Mentionable {
  id: string;
  name: string;
}

/** The `@query` being typed right before the caret, or null. */
function mentionQuery(text: string, caret: number): { start: number; query: string } | null {
  const match = /(^|\s)@([^\s@]{0,40})$/.exec(text.slice(0, caret));
  if (!match) return null;
  return { start: caret - (match[2]?.length ?? 0) - 1, query: match[2] ?? '' };
}

/**
 * A comment's text field with @mention autocomplete from the board's members: typing `@` and a few letters
 * lists the matching members; arrows choose, Enter or Tab (or a click) inserts `@Name`. `onMention` reports
 * each member chosen, so the comment records who is mentioned by id, not by a name someone could share.
 */
export function MentionInput({
  label,
  value,
  onChange,
  onMention,
  onSubmit,
  members,
}: {
  label: string;
  value: string;
  onChange: (text: string) => void;
  onMention: (memberId: string) => void;
  /** Ctrl/Cmd+Enter. */
  onSubmit: () => void;
  members: readonly Mentionable[];
}) {
  const ref = useRef<HTMLTextAreaElement>(null);
  const [caret, setCaret] = useState(0);
  // Where the caret goes once the inserted mention is in the field: set in the commit that puts it there,
  // before the browser handles another key (a frame later, a fast typist's next keys would land elsewhere).
  const caretAfterCommit = useRef<number | null>(null);
  useLayoutEffect(() => {
    const at = caretAfterCommit.current;
    if (at === null) return;
    caretAfterCommit.current = null;
    ref.current?.setSelectionRange(at, at);
  });
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState(false);
  const listId = useId();
  const fieldId = useId();
  const query = dismissed ? null : mentionQuery(value, caret);
  const matches = query
    ? members.filter((m) => m.name.toLowerCase().includes(query.query.toLowerCase())).slice(0, 8)
    : [];
  const open = matches.length > 0;

  const choose = (member: Mentionable) => {
    if (!query) return;
    const before = value.slice(0, query.start);
    const after = value.slice(caret);
    const inserted = `@${member.name} `;
    onChange(before + inserted + after);
    onMention(member.id);
    const at = before.length + inserted.length;
    setCaret(at);
    caretAfterCommit.current = at;
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (open) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const step = event.key === 'ArrowDown' ? 1 : -1;
        setActive((i) => (i + step + matches.length) % matches.length);
        return;
      }
      if (event.key === 'Enter' || event.key === 'Tab') {
        event.preventDefault();
        const member = matches[Math.min(active, matches.length - 1)];
        if (member) choose(member);
        return;
      }
      if (event.key === 'Escape') {
        event.preventDefault();
        event.stopPropagation();
        setDismissed(true);
        return;
      }
    }
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      onSubmit();
    }
  };

  return (
    <div className="mention-input">
      <label htmlFor={fieldId}>{label}</label>
      <textarea
        id={fieldId}
        ref={ref}
        value={value}
        rows={3}
        role="combobox"
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={open ? `${listId}-${Math.min(active, matches.length - 1)}` : undefined}
        onChange={(event) => {
          onChange(event.target.value);
          setCaret(event.target.selectionStart);
          setActive(0);
          setDismissed(false);
        }}
        onSelect={(event) => setCaret(event.currentTarget.selectionStart)}
        onKeyDown={onKeyDown}
      />
      <div id={listId} role="listbox" className="mention-options" aria-label="Members" hidden={!open}>
        {matches.map((member, i) => (
          <div
            key={member.id}
            id={`${listId}-${i}`}
            role="option"
            tabIndex={-1}
            aria-selected={i === Math.min(active, matches.length - 1)}
            onMouseDown={(event) => {
              // Keep the focus in the text field.
              event.preventDefault();
              choose(member);
            }}
          >
            {member.name}
          </div>
        ))}
      </div>
    </div>
  );
}
