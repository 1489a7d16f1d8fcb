import type { Participant } from '../../shared/presence';
import { initials, textOn } from './format';
import { Icon } from './Icon';

/** One avatar per person (deduplicated by user id), the local user first. */
export function PresenceAvatars({ people, me }: { people: readonly Participant[]; me: Participant }) {
  return (
    <ul className="board-avatars" aria-label="People on this board">
      {people.map((person) => {
        const name = person.id === me.id ? `${person.name} (you)` : person.name;
        return (
          <li
            key={person.id}
            className="board-avatar"
            data-testid="presence-avatar"
            data-participant={person.id}
            style={{ backgroundColor: person.color, color: textOn(person.color) }}
            title={name}
            aria-label={name}
          >
            <span aria-hidden="true">{initials(person.name)}</span>
          </li>
        );
      })}
    </ul>
  );
}

/** Who has a card open or is editing its description: small rings on the card. */
export function CardPresence({
  viewers,
  editors,
}: {
  viewers: readonly Participant[];
  editors: readonly Participant[];
}) {
  if (viewers.length === 0 && editors.length === 0) return null;
  const editing = new Set(editors.map((p) => p.id));
  const people = [...editors, ...viewers.filter((p) => !editing.has(p.id))];
  return (
    <ul className="card-presence" aria-label="Who is here">
      {people.map((person) => {
        const isEditing = editing.has(person.id);
        const text = isEditing
          ? `${person.name} is editing the description`
          : `${person.name} has this card open`;
        return (
          <li
            key={person.id}
            className={isEditing ? 'card-presence-marker editing' : 'card-presence-marker'}
            data-testid={isEditing ? 'card-editor' : 'card-viewer'}
            data-participant={person.id}
            style={{
              borderColor: person.color,
              backgroundColor: isEditing ? person.color : undefined,
              color: isEditing ? textOn(person.color) : undefined,
            }}
            title={text}
            aria-label={text}
          >
            {/* Who, on screen: initials, and a pencil while editing (the name is the accessible name). */}
            <span aria-hidden="true" className="card-presence-initials">
              {initials(person.name)}
            </span>
            {isEditing ? (
              <span aria-hidden="true" className="card-presence-pencil">
                <Icon name="pencil" />
              </span>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}
