/**
 * My planning-poker votes, kept in this browser only until the round is revealed (shared/board SPEC B25):
 * the board document gets a salted commitment, never the value. localStorage, so a reload or a second tab of
 * the same browser still knows the vote and can publish it at the reveal.
 */
import { readJson, writeJson } from '../app/local-store';

export interface PokerSecret {
  value: string;
  salt: string;
}

const key = (roundId: string, voterId: string) => `trellis.poker.${roundId}.${voterId}`;

function parse(value: unknown): PokerSecret | null {
  if (typeof value !== 'object' || value === null) return null;
  const { value: v, salt } = value as Record<string, unknown>;
  return typeof v === 'string' && typeof salt === 'string' ? { value: v, salt } : null;
}

export function loadPokerSecret(roundId: string, voterId: string): PokerSecret | null {
  return readJson(key(roundId, voterId), parse);
}

export function savePokerSecret(roundId: string, voterId: string, secret: PokerSecret): void {
  writeJson(key(roundId, voterId), secret);
}

export function forgetPokerSecret(roundId: string, voterId: string): void {
  try {
    window.localStorage.removeItem(key(roundId, voterId));
  } catch {
    // Storage unavailable: nothing was kept.
  }
}
