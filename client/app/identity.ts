import { newId } from '../../shared/board';
import type { Participant } from '../../shared/presence';
import { readJson, writeJson } from './local-store';

const IDENTITY_KEY = 'trellis.identity';
export const MAX_NAME_LENGTH = 40;

/** Colours offered on first visit: distinct, and readable with white initials. */
export const PARTICIPANT_COLORS: readonly string[] = [
  '#d9480f',
  '#2b8a3e',
  '#1971c2',
  '#9c36b5',
  '#c2255c',
  '#0c8599',
  '#5f3dc4',
  '#e67700',
];

function parseParticipant(value: unknown): Participant | null {
  if (typeof value !== 'object' || value === null) return null;
  const { id, name, color } = value as Record<string, unknown>;
  if (typeof id !== 'string' || typeof name !== 'string' || typeof color !== 'string') return null;
  if (name.trim() === '' || !/^#[0-9a-fA-F]{6}$/.test(color)) return null;
  return { id, name, color };
}

/** The participant this browser profile speaks as, or null before the first-visit form. */
export function loadIdentity(): Participant | null {
  return readJson(IDENTITY_KEY, parseParticipant);
}

/** Saves name and colour; the id is generated once and kept across renames. */
export function saveIdentity(name: string, color: string): Participant {
  const existing = loadIdentity();
  const participant: Participant = {
    id: existing?.id ?? newId(),
    name: name.trim().slice(0, MAX_NAME_LENGTH),
    color,
  };
  writeJson(IDENTITY_KEY, participant);
  return participant;
}
