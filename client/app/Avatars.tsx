import type { Awareness } from 'y-protocols/awareness';
import { type Participant, readBoardPresence } from '../../shared/presence';
import { useAwarenessStates } from '../sync';

export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? `${words[0]?.[0] ?? ''}${words[1]?.[0] ?? ''}` : name.trim().slice(0, 2);
  return letters.toUpperCase() || '?';
}

/** Everyone on the board now, one avatar per participant (a person may have several tabs open). */
export function Avatars({ awareness, me }: { awareness: Awareness; me: Participant }) {
  const states = useAwarenessStates(awareness);
  const people = new Map<string, Participant>();
  people.set(me.id, me);
  for (const state of states.values()) {
    const presence = readBoardPresence(state);
    if (presence && !people.has(presence.user.id)) people.set(presence.user.id, presence.user);
  }
  return (
    <ul className="avatars" aria-label="People on this board">
      {[...people.values()].map((person) => (
        <li
          key={person.id}
          className="avatar"
          data-testid="avatar"
          data-participant={person.id}
          style={{ backgroundColor: person.color }}
          title={person.id === me.id ? `${person.name} (you)` : person.name}
          aria-label={person.id === me.id ? `${person.name} (you)` : person.name}
        >
          {initials(person.name)}
        </li>
      ))}
    </ul>
  );
}
