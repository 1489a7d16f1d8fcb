/**
 * My planning-poker votes, kept in this browser only until the round is revealed (shared/board SPEC B25):
 * the board document gets a salted commitment, never the value. localStorage, so a reload or a second tab of
 * the same browser still knows the vote and can publish it at the reveal. The last few picks of a round are
 * kept, not only the last: two tabs picking at once each write a commitment, the document keeps one of them
 * (last-writer-wins), and the pick that matches it is the one to publish.
 */
import { pokerCommitment } from '../../shared/board/rituals/poker';
import { readJson, writeJson } from '../app/local-store';

export interface PokerSecret {
  value: string;
  salt: string;
}

const key = (roundId: string, voterId: string) => `trellis.poker.${roundId}.${voterId}`;

const KEPT_PICKS = 8;

function parseOne(value: unknown): PokerSecret | null {
  if (typeof value !== 'object' || value === null) return null;
  const { value: v, salt } = value as Record<string, unknown>;
  return typeof v === 'string' && typeof salt === 'string' ? { value: v, salt } : null;
}

function parse(value: unknown): PokerSecret[] | null {
  if (!Array.isArray(value)) return null;
  return value.flatMap((entry) => parseOne(entry) ?? []);
}

/**
 * My pick in a round: the one matching `commitment` (the document's) when given, else the latest; null if
 * this browser made none (or none that matches).
 */
export function loadPokerSecret(
  roundId: string,
  voterId: string,
  commitment?: string | null,
): PokerSecret | null {
  const picks = readJson(key(roundId, voterId), parse) ?? [];
  if (commitment === undefined) return picks[picks.length - 1] ?? null;
  return picks.find((pick) => pokerCommitment(pick.value, pick.salt) === commitment) ?? null;
}

export function savePokerSecret(roundId: string, voterId: string, secret: PokerSecret): void {
  const picks = readJson(key(roundId, voterId), parse) ?? [];
  writeJson(key(roundId, voterId), [...picks, secret].slice(-KEPT_PICKS));
}

export function forgetPokerSecret(roundId: string, voterId: string): void {
  try {
    window.localStorage.removeItem(key(roundId, voterId));
  } catch {
    // Storage unavailable: nothing was kept.
  }
}
