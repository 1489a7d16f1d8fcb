/**
 * Planning poker with secret votes (rules B24–B26 in ../SPEC.md).
 *
 * Layout (a root type of the board document, beside those in ../schema.ts):
 *
 *   pokerRounds  Y.Map<roundId, Y.Map>   config ({ cardId, deck, startedBy, startedAt } as ONE value, never
 *                                        rewritten), `commit:<voterId>` (hex SHA-256 of `<salt>:<value>`),
 *                                        revealed ({ by, at, present: voter ids }), `value:<voterId>`
 *                                        ({ value, salt }), accepted ({ value, by, at })
 *
 * How a vote stays secret until reveal: the voter's browser keeps the value and a random 128-bit salt to
 * itself (client/rituals/poker-secrets.ts) and writes only the commitment, a hash of salt and value: it says
 * that this person voted, and nothing anyone can read back (the salt makes trying every card of the deck
 * useless). Nothing about the value goes into awareness. After the reveal is written, each voter's browser
 * that sees it, and that the reveal lists as present, writes `{ value, salt }`; every replica checks it
 * against the commitment, so nobody can change their vote after seeing the others'.
 */
import { digest } from 'lib0/hash/sha256';
import { encodeUtf8 } from 'lib0/string';
import { getRandomValues } from 'lib0/webcrypto';
import * as Y from 'yjs';
import { isValidId } from '../../room-names';
import { activityRef } from '../activity';
import { cachedRead } from '../cached-read';
import { defaultClock, defaultRandom, newId } from '../ids';
import { BoardInputError, type MutationOptions, newMap, note, run } from '../mutations/common';
import { childMap, roots, stringField } from '../schema';

export const POKER_ROOT = 'pokerRounds';

export const FIBONACCI_DECK: readonly string[] = ['0', '1', '2', '3', '5', '8', '13', '21', '?', '☕'];
export const TSHIRT_DECK: readonly string[] = ['XS', 'S', 'M', 'L', 'XL', 'XXL', '?', '☕'];
export const MAX_DECK_SIZE = 20;
export const MAX_CARD_VALUE_LENGTH = 20;
/** The card key of an accepted estimate (a deck value, as text). */
export const ESTIMATE_KEY = 'estimate';

const COMMIT = 'commit:';
const VALUE = 'value:';

function pokerRounds(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap(POKER_ROOT);
}

/** The commitment a voter publishes for a value: hex SHA-256 of `<salt>:<value>`. */
export function pokerCommitment(value: string, salt: string): string {
  const bytes = digest(encodeUtf8(`${salt}:${value}`));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A fresh salt: 128 random bits as hex, from the platform's cryptographic random source. */
export function newPokerSalt(): string {
  const bytes = getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A deck as written: trimmed values, blanks and repeats dropped; an error if nothing usable is left. */
export function cleanDeck(values: readonly string[]): string[] {
  const deck = [...new Set(values.map((v) => v.trim()).filter((v) => v !== ''))];
  if (deck.length < 2) throw new BoardInputError('a deck needs at least two different cards');
  if (deck.length > MAX_DECK_SIZE) throw new BoardInputError(`a deck has at most ${MAX_DECK_SIZE} cards`);
  if (deck.some((v) => v.length > MAX_CARD_VALUE_LENGTH)) {
    throw new BoardInputError(`a card value has at most ${MAX_CARD_VALUE_LENGTH} characters`);
  }
  return deck;
}

export interface StartPokerInput {
  cardId: string;
  deck: readonly string[];
  startedBy: string;
}

/** Starts an estimation round on a card (B24); it becomes the card's current round. Returns its id. */
export function startPokerRound(doc: Y.Doc, input: StartPokerInput, opts?: MutationOptions): string {
  const deck = cleanDeck(input.deck);
  const random = opts?.random ?? defaultRandom;
  const clock = opts?.clock ?? defaultClock;
  const id = newId(random);
  doc.transact(() => {
    const config = { cardId: input.cardId, deck, startedBy: input.startedBy, startedAt: clock() };
    pokerRounds(doc).set(id, newMap({ config }));
  }, opts?.origin ?? null);
  return id;
}

function openRound(doc: Y.Doc, roundId: string): Y.Map<unknown> | null {
  const round = childMap(pokerRounds(doc) as Y.Map<unknown>, roundId);
  return round && readConfig(round.get('config')) ? round : null;
}

/**
 * Records that a voter voted (B25): only the commitment, never the value. Refused (false) once this replica
 * sees the round revealed.
 */
export function commitPokerVote(
  doc: Y.Doc,
  input: { roundId: string; voterId: string; commitment: string },
  opts?: MutationOptions,
): boolean {
  if (!isValidId(input.voterId)) throw new BoardInputError('invalid voter id');
  if (!/^[0-9a-f]{64}$/.test(input.commitment)) throw new BoardInputError('a commitment is a hex SHA-256');
  let done = false;
  doc.transact(() => {
    const round = openRound(doc, input.roundId);
    if (!round || round.has('revealed')) return;
    round.set(COMMIT + input.voterId, input.commitment);
    done = true;
  }, opts?.origin ?? null);
  return done;
}

/**
 * Reveals a round (B26), once: `present` are the voters connected now (the revealer's view of the board's
 * presence). Only their values will be shown; a voter who is not connected shows as "no vote".
 */
export function revealPokerRound(
  doc: Y.Doc,
  roundId: string,
  by: string,
  present: readonly string[],
  opts?: MutationOptions,
): boolean {
  const clock = opts?.clock ?? defaultClock;
  let done = false;
  doc.transact(() => {
    const round = openRound(doc, roundId);
    if (!round || round.has('revealed')) return;
    round.set('revealed', { by, at: clock(), present: [...new Set(present)].filter(isValidId).sort() });
    done = true;
  }, opts?.origin ?? null);
  return done;
}

/**
 * Publishes a voter's value after the reveal (B26). Written only when this replica sees the round revealed,
 * the voter listed as present, and the value matching the voter's commitment; returns whether it wrote.
 */
export function publishPokerVote(
  doc: Y.Doc,
  input: { roundId: string; voterId: string; value: string; salt: string },
  opts?: MutationOptions,
): boolean {
  let done = false;
  doc.transact(() => {
    const round = openRound(doc, input.roundId);
    const revealed = round ? readRevealed(round.get('revealed')) : null;
    if (!round || !revealed?.present.includes(input.voterId)) return;
    if (round.has(VALUE + input.voterId)) return;
    if (round.get(COMMIT + input.voterId) !== pokerCommitment(input.value, input.salt)) return;
    round.set(VALUE + input.voterId, { value: input.value, salt: input.salt });
    done = true;
  }, opts?.origin ?? null);
  return done;
}

/**
 * Accepts a value as the card's estimate: writes the card field `estimate` and marks the round accepted. A
 * changed estimate records its feed entry with the one it replaced (B14.1), by `opts.actor` or else `by`;
 * starting, voting and revealing record none. Runs under `opts.origin`: the estimate is a card field, so
 * board undo takes it back together with its entry (B14.3).
 */
export function acceptPokerEstimate(
  doc: Y.Doc,
  input: { roundId: string; value: string; by: string },
  opts?: MutationOptions,
): boolean {
  const clock = opts?.clock ?? defaultClock;
  return run(doc, opts, (r) => {
    const round = openRound(doc, input.roundId);
    const config = round ? readConfig(round.get('config')) : null;
    if (!round || !config?.deck.includes(input.value)) return false;
    const card = childMap(r.cards as Y.Map<unknown>, config.cardId);
    if (!card) return false;
    const at = clock();
    const previous = card.get(ESTIMATE_KEY);
    const from = typeof previous === 'string' && previous !== '' ? previous : null;
    card.set(ESTIMATE_KEY, input.value);
    round.set('accepted', { value: input.value, by: input.by, at });
    if (from !== input.value) {
      note(
        doc,
        { ...opts, actor: opts?.actor ?? input.by, clock: () => at },
        {
          kind: 'card.estimated',
          card: activityRef(config.cardId, stringField(card, 'title')),
          // Deck values are short (B24); a peer's longer one is cut, as titles are.
          value: input.value.slice(0, MAX_CARD_VALUE_LENGTH),
          from: from?.slice(0, MAX_CARD_VALUE_LENGTH) ?? null,
        },
      );
    }
    return true;
  });
}

interface PokerConfig {
  cardId: string;
  deck: string[];
  startedBy: string;
  startedAt: number;
}

function readConfig(value: unknown): PokerConfig | null {
  if (typeof value !== 'object' || value === null) return null;
  const { cardId, deck, startedBy, startedAt } = value as Record<string, unknown>;
  if (typeof cardId !== 'string' || !Array.isArray(deck)) return null;
  const values = deck.filter((v): v is string => typeof v === 'string');
  if (values.length < 2) return null;
  return {
    cardId,
    deck: values,
    startedBy: typeof startedBy === 'string' ? startedBy : '',
    startedAt: typeof startedAt === 'number' ? startedAt : 0,
  };
}

function readRevealed(value: unknown): { by: string; at: number; present: string[] } | null {
  if (typeof value !== 'object' || value === null) return null;
  const { by, at, present } = value as Record<string, unknown>;
  return {
    by: typeof by === 'string' ? by : '',
    at: typeof at === 'number' ? at : 0,
    present: Array.isArray(present) ? present.filter((p): p is string => typeof p === 'string') : [],
  };
}

/** The commitment the document holds for a voter in a round (the last written, when two tabs voted). */
export function pokerCommitmentOf(doc: Y.Doc, roundId: string, voterId: string): string | null {
  const round = childMap(pokerRounds(doc) as Y.Map<unknown>, roundId);
  const value = round?.get(COMMIT + voterId);
  return typeof value === 'string' ? value : null;
}

/** Rounds revealed with this voter present, a commitment of theirs and no value published yet (B26). */
export function roundsAwaitingValue(doc: Y.Doc, voterId: string): string[] {
  const waiting: string[] = [];
  pokerRounds(doc).forEach((round, id) => {
    if (!(round instanceof Y.Map)) return;
    const revealed = readRevealed(round.get('revealed'));
    if (!revealed?.present.includes(voterId)) return;
    if (round.has(COMMIT + voterId) && !round.has(VALUE + voterId)) waiting.push(id);
  });
  return waiting;
}

export interface PokerRoundSnapshot {
  readonly id: string;
  readonly cardId: string;
  readonly deck: readonly string[];
  readonly startedBy: string;
  readonly startedAt: number;
  /** Ids of everyone who voted (has a commitment), sorted. */
  readonly voted: readonly string[];
  readonly revealed: { readonly by: string; readonly at: number; readonly present: readonly string[] } | null;
  /**
   * After the reveal, every voter's value: the published value when it matches the commitment, null ("no
   * vote") for a voter absent at the reveal or whose value has not arrived (yet) or does not match.
   */
  readonly values: ReadonlyMap<string, string | null>;
  readonly accepted: { readonly value: string; readonly by: string } | null;
}

/** A card's current estimation round: the one started last (by `startedAt`, ties by id), or null. */
export function readCardPokerRound(doc: Y.Doc, cardId: string): PokerRoundSnapshot | null {
  let best: { id: string; round: Y.Map<unknown>; config: PokerConfig } | null = null;
  pokerRounds(doc).forEach((round, id) => {
    if (!(round instanceof Y.Map)) return;
    const config = readConfig(round.get('config'));
    if (!config || config.cardId !== cardId) return;
    if (
      !best ||
      config.startedAt > best.config.startedAt ||
      (config.startedAt === best.config.startedAt && id > best.id)
    ) {
      best = { id, round, config };
    }
  });
  if (!best) return null;
  const { id, round, config } = best as { id: string; round: Y.Map<unknown>; config: PokerConfig };
  const voted: string[] = [];
  const commitments = new Map<string, string>();
  round.forEach((value, key) => {
    if (key.startsWith(COMMIT) && typeof value === 'string') {
      voted.push(key.slice(COMMIT.length));
      commitments.set(key.slice(COMMIT.length), value);
    }
  });
  voted.sort();
  const revealed = readRevealed(round.get('revealed'));
  const values = new Map<string, string | null>();
  if (revealed) {
    for (const voter of voted) {
      const published = round.get(VALUE + voter) as { value?: unknown; salt?: unknown } | undefined;
      const ok =
        revealed.present.includes(voter) &&
        typeof published?.value === 'string' &&
        typeof published.salt === 'string' &&
        pokerCommitment(published.value, published.salt) === commitments.get(voter);
      values.set(voter, ok ? (published?.value as string) : null);
    }
  }
  const acceptedRaw = round.get('accepted') as { value?: unknown; by?: unknown } | undefined;
  const accepted =
    typeof acceptedRaw?.value === 'string'
      ? { value: acceptedRaw.value, by: typeof acceptedRaw.by === 'string' ? acceptedRaw.by : '' }
      : null;
  return { id, ...config, voted, revealed, values, accepted };
}

/**
 * Every card's accepted estimate (cards without one are left out). Kept per document until a card is added,
 * replaced or removed or an estimate changes, so reading it after every board change (the column sums do)
 * costs nothing when other things changed.
 */
export function readEstimates(doc: Y.Doc): ReadonlyMap<string, string> {
  return cachedRead(
    doc,
    readEstimates,
    (d) => [roots(d).cards],
    collectEstimates,
    // A card added, replaced or removed, or an estimate set.
    (event, cards) =>
      event.target === cards || (event as Y.YMapEvent<unknown>).keysChanged?.has(ESTIMATE_KEY),
  );
}

function collectEstimates(doc: Y.Doc): ReadonlyMap<string, string> {
  const estimates = new Map<string, string>();
  roots(doc).cards.forEach((card, id) => {
    if (!(card instanceof Y.Map)) return;
    const value = card.get(ESTIMATE_KEY);
    if (typeof value === 'string' && value !== '') estimates.set(id, value);
  });
  return estimates;
}

export interface PokerResult {
  /** How many chose each value, in deck order (values nobody chose are left out). */
  readonly distribution: readonly { readonly value: string; readonly count: number }[];
  /**
   * The median vote (the lower middle for an even count): of the numbers when there are any (? and ☕ left
   * out), otherwise by deck order.
   */
  readonly median: string | null;
  /** The share of votes on the most chosen value, 0–1. */
  readonly agreement: number;
  /** Everyone who voted chose the same value. */
  readonly consensus: boolean;
  /** How many showed "no vote". */
  readonly noVote: number;
}

/** The summary of a revealed round (B26). */
export function pokerResult(round: PokerRoundSnapshot): PokerResult {
  const chosen = [...round.values.values()].filter((v): v is string => v !== null);
  const counts = new Map<string, number>();
  for (const value of chosen) counts.set(value, (counts.get(value) ?? 0) + 1);
  const distribution = round.deck
    .filter((v) => counts.has(v))
    .map((value) => ({ value, count: counts.get(value) ?? 0 }));
  const numeric = chosen.filter((v) => Number.isFinite(Number(v)));
  const pool =
    numeric.length > 0
      ? numeric.slice().sort((a, b) => Number(a) - Number(b))
      : chosen.slice().sort((a, b) => round.deck.indexOf(a) - round.deck.indexOf(b));
  const median = pool.length > 0 ? (pool[Math.floor((pool.length - 1) / 2)] ?? null) : null;
  const top = Math.max(0, ...counts.values());
  return {
    distribution,
    median,
    agreement: chosen.length > 0 ? top / chosen.length : 0,
    consensus: chosen.length > 0 && counts.size === 1,
    noVote: round.values.size - chosen.length,
  };
}

/** The sum of the numeric estimates among these cards (? and ☕ and sizes do not add up), or null if none. */
export function sumEstimates(
  cardIds: readonly string[],
  estimates: ReadonlyMap<string, string>,
): number | null {
  let sum: number | null = null;
  for (const id of cardIds) {
    const n = Number(estimates.get(id));
    if (estimates.has(id) && Number.isFinite(n)) sum = (sum ?? 0) + n;
  }
  return sum;
}
