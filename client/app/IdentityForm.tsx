import { type FormEvent, useId, useState } from 'react';
import type { Participant } from '../../shared/presence';
import { MAX_NAME_LENGTH, PARTICIPANT_COLORS, saveIdentity } from './identity';

/** First visit (or a rename): a display name and a colour, kept in this browser. No accounts. */
export function IdentityForm({
  current,
  joining = null,
  onSaved,
}: {
  current: Participant | null;
  /** First visit from a board link: the board's name once known (from this browser or the server). */
  joining?: { title: string | null } | null;
  onSaved: (participant: Participant) => void;
}) {
  const [name, setName] = useState(current?.name ?? '');
  const [color, setColor] = useState(current?.color ?? PARTICIPANT_COLORS[0] ?? '#1971c2');
  const nameId = useId();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim() === '') return;
    onSaved(saveIdentity(name, color));
  };
  return (
    <form className="identity-form" onSubmit={submit}>
      <h2>
        {current
          ? 'Your name and colour'
          : joining
            ? joining.title
              ? `Join “${joining.title}”`
              : 'Join a shared board'
            : 'Welcome to Trellis'}
      </h2>
      {current === null && joining ? (
        <p className="joining">
          {joining.title
            ? `You are joining the board “${joining.title}” on Trellis.`
            : 'You are joining a board someone shared with you; its name shows here once it has loaded.'}
        </p>
      ) : null}
      {current ? null : <p>Pick a name and a colour so others on a board can see who is who.</p>}
      <label htmlFor={nameId}>Display name</label>
      <input
        id={nameId}
        value={name}
        maxLength={MAX_NAME_LENGTH}
        onChange={(event) => setName(event.target.value)}
        // biome-ignore lint/a11y/noAutofocus: the form is the only thing on screen on first visit
        autoFocus
        required
      />
      <fieldset className="color-choices">
        <legend>Colour</legend>
        {PARTICIPANT_COLORS.map((choice) => (
          <label key={choice} className="color-choice" style={{ backgroundColor: choice }} title={choice}>
            <input
              type="radio"
              name="color"
              value={choice}
              checked={color === choice}
              onChange={() => setColor(choice)}
              aria-label={`colour ${choice}`}
            />
          </label>
        ))}
      </fieldset>
      <button type="submit" disabled={name.trim() === ''}>
        {current ? 'Save' : 'Continue'}
      </button>
    </form>
  );
}
