/**
 * Dot voting on a board's cards (rules B20–B23 in ../SPEC.md).
 *
 * Layout (root types of the board document, beside those in ../schema.ts):
 *
 *   votingRounds  Y.Map<roundId, Y.Map>   config ({ budget, perCard, hidden, startedBy, startedAt } as ONE
 *                                         value, never rewritten), ended ({ by, at }, absent while open)
 *   dotVotes      Y.Map<string, cardId>   key `<roundId>/<voterId>/<slot>`, slot an integer in [0, budget)
 *
 * Why slots: a voter's votes in a round are one key per slot, and a round has `budget` slots per voter, so no
 * merge of any number of tabs can hold more than `budget` votes for one voter: two tabs filling the same slot
 * concurrently resolve last-writer-wins to one card (the other tab's vote comes back to its voter as an unused
 * vote), never to two. Different voters never share a key, so two people voting at once never lose a vote.
 * The per-card limit cannot be made structural as well (two tabs may put the same card in two different
 * slots), so it is applied when reading: a voter's slots are read in slot order and a slot counts only while
 * that voter has fewer than `perCard` counted votes on its card (B21). Every replica reads the same keys the
 * same way, so every replica shows the same tally.
 */
import * as Y from 'yjs';
import { isValidId } from '../../room-names';
import { cachedRead } from '../cached-read';
import { defaultClock, defaultRandom, newId } from '../ids';
import { moveCard } from '../mutations/cards';
import { BoardInputError, type MutationOptions, newMap, note, run } from '../mutations/common';
import { childMap, roots } from '../schema';

export const VOTING_ROOT = { rounds: 'votingRounds', votes: 'dotVotes' } as const;

export const DEFAULT_VOTE_BUDGET = 5;
export const DEFAULT_VOTES_PER_CARD = 3;
export const MAX_VOTE_BUDGET = 50;

/**
 * Origin of starting and ending a round, whatever the caller passes: the voting maps are outside the board's
 * undo manager (B10), so a round's start or end cannot be undone, and neither may its feed entry be on its
 * own (B14.3).
 */
const ROUND_ORIGIN = 'trellis:dot-voting-round';

export interface VotingRoundConfig {
  /** Votes per person. */
  readonly budget: number;
  /** How many of them one person may put on one card. */
  readonly perCard: number;
  /** Counts are shown only once the round ended (each voter still sees their own votes). */
  readonly hidden: boolean;
}

export interface VotingRoundSnapshot extends VotingRoundConfig {
  readonly id: string;
  readonly startedBy: string;
  readonly startedAt: number;
  readonly ended: { readonly by: string; readonly at: number } | null;
  /** Counted votes per card id (cards that no longer exist are left out). */
  readonly tally: ReadonlyMap<string, number>;
  /** Counted votes per voter id, per card id. */
  readonly byVoter: ReadonlyMap<string, ReadonlyMap<string, number>>;
}

// The card key that marks a card in the trash (see schema.ts): its votes stop counting, as for a deleted card.
const TRASHED_KEY = 'trashed';

function isLiveCard(doc: Y.Doc, cardId: string): boolean {
  const card = childMap(roots(doc).cards as Y.Map<unknown>, cardId);
  return card !== null && card.get(TRASHED_KEY) === undefined;
}

function votingRoots(doc: Y.Doc): { rounds: Y.Map<Y.Map<unknown>>; votes: Y.Map<unknown> } {
  return { rounds: doc.getMap(VOTING_ROOT.rounds), votes: doc.getMap(VOTING_ROOT.votes) };
}

function voteKey(roundId: string, voterId: string, slot: number): string {
  return `${roundId}/${voterId}/${slot}`;
}

function isWhole(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

function readConfig(value: unknown): (VotingRoundConfig & { startedBy: string; startedAt: number }) | null {
  if (typeof value !== 'object' || value === null) return null;
  const { budget, perCard, hidden, startedBy, startedAt } = value as Record<string, unknown>;
  if (!isWhole(budget, 1, MAX_VOTE_BUDGET) || !isWhole(perCard, 1, MAX_VOTE_BUDGET)) return null;
  return {
    budget,
    perCard: Math.min(perCard, budget),
    hidden: hidden === true,
    startedBy: typeof startedBy === 'string' ? startedBy : '',
    startedAt: typeof startedAt === 'number' && Number.isFinite(startedAt) ? startedAt : 0,
  };
}

function readEnded(value: unknown): { by: string; at: number } | null {
  if (typeof value !== 'object' || value === null) return null;
  const { by, at } = value as Record<string, unknown>;
  return { by: typeof by === 'string' ? by : '', at: typeof at === 'number' ? at : 0 };
}

export interface StartVotingInput extends Partial<VotingRoundConfig> {
  /** Member id of the facilitator. */
  startedBy: string;
}

/**
 * Starts a round (B20): it becomes the board's current round. Records its feed entry (B14.1), by
 * `opts.actor` or else `startedBy`. Returns its id.
 */
export function startVotingRound(doc: Y.Doc, input: StartVotingInput, opts?: MutationOptions): string {
  const budget = input.budget ?? DEFAULT_VOTE_BUDGET;
  const perCard = input.perCard ?? Math.min(DEFAULT_VOTES_PER_CARD, budget);
  if (!isWhole(budget, 1, MAX_VOTE_BUDGET)) {
    throw new BoardInputError(`votes per person must be a whole number from 1 to ${MAX_VOTE_BUDGET}`);
  }
  if (!isWhole(perCard, 1, budget)) {
    throw new BoardInputError('votes per card must be a whole number from 1 to the votes per person');
  }
  const random = opts?.random ?? defaultRandom;
  const clock = opts?.clock ?? defaultClock;
  const id = newId(random);
  run(doc, { ...opts, origin: ROUND_ORIGIN }, () => {
    const startedAt = clock();
    const config = { budget, perCard, hidden: input.hidden ?? false, startedBy: input.startedBy, startedAt };
    votingRoots(doc).rounds.set(id, newMap({ config }));
    note(
      doc,
      { ...opts, actor: opts?.actor ?? input.startedBy, clock: () => startedAt },
      { kind: 'board.votingStarted', round: id },
    );
  });
  return id;
}

/**
 * Ends a round (B22) and records its feed entry (B14.1), by `opts.actor` or else `by`. Returns false (and
 * records nothing) if it is unknown or already ended.
 */
export function endVotingRound(doc: Y.Doc, roundId: string, by: string, opts?: MutationOptions): boolean {
  const clock = opts?.clock ?? defaultClock;
  return run(doc, { ...opts, origin: ROUND_ORIGIN }, () => {
    const round = childMap(votingRoots(doc).rounds as Y.Map<unknown>, roundId);
    if (!round || round.has('ended')) return false;
    const at = clock();
    round.set('ended', { by, at });
    note(
      doc,
      { ...opts, actor: opts?.actor ?? by, clock: () => at },
      { kind: 'board.votingEnded', round: roundId },
    );
    return true;
  });
}

export interface VoteInput {
  roundId: string;
  voterId: string;
  cardId: string;
}

/**
 * Puts one of the voter's votes on a card (B21): into the voter's lowest slot that holds no counted vote.
 * Votes record no feed entry: there are many, and who voted for what is not the feed's to tell.
 * Returns false (and writes nothing) when the round is unknown or ended as this replica sees it (B22), the
 * voter has no votes left or already has `perCard` on this card, or the card does not exist.
 */
export function castVote(doc: Y.Doc, input: VoteInput, opts?: MutationOptions): boolean {
  checkVoteIds(input);
  let cast = false;
  doc.transact(() => {
    const state = openRoundState(doc, input.roundId, input.voterId);
    if (!state || !isLiveCard(doc, input.cardId)) return;
    const { config, counted } = state;
    if ((counted.byCard.get(input.cardId) ?? 0) >= config.perCard) return;
    for (let slot = 0; slot < config.budget; slot++) {
      if (counted.slots.has(slot)) continue;
      votingRoots(doc).votes.set(voteKey(input.roundId, input.voterId, slot), input.cardId);
      cast = true;
      return;
    }
  }, opts?.origin ?? null);
  return cast;
}

/** Takes back one of the voter's votes on a card (their highest slot holding it). False if there is none. */
export function removeVote(doc: Y.Doc, input: VoteInput, opts?: MutationOptions): boolean {
  checkVoteIds(input);
  let removed = false;
  doc.transact(() => {
    const state = openRoundState(doc, input.roundId, input.voterId);
    if (!state) return;
    const slots = [...state.counted.slots.entries()].filter(([, card]) => card === input.cardId);
    const last = slots[slots.length - 1];
    if (!last) return;
    votingRoots(doc).votes.delete(voteKey(input.roundId, input.voterId, last[0]));
    removed = true;
  }, opts?.origin ?? null);
  return removed;
}

function checkVoteIds(input: VoteInput): void {
  for (const id of [input.roundId, input.voterId, input.cardId]) {
    if (!isValidId(id)) throw new BoardInputError(`invalid id ${JSON.stringify(id)}`);
  }
}

function openRoundState(doc: Y.Doc, roundId: string, voterId: string) {
  const round = childMap(votingRoots(doc).rounds as Y.Map<unknown>, roundId);
  if (!round || round.has('ended')) return null;
  const config = readConfig(round.get('config'));
  if (!config) return null;
  const counted = countVoter(slotsOf(doc, roundId).get(voterId) ?? new Map(), config, (id) =>
    isLiveCard(doc, id),
  );
  return { config, counted };
}

/** Every voter's filled slots in a round: voter id → slot → card id (slots in range only). */
function slotsOf(doc: Y.Doc, roundId: string): Map<string, Map<number, string>> {
  const result = new Map<string, Map<number, string>>();
  const prefix = `${roundId}/`;
  votingRoots(doc).votes.forEach((value, key) => {
    if (!key.startsWith(prefix) || typeof value !== 'string') return;
    const rest = key.slice(prefix.length);
    const cut = rest.lastIndexOf('/');
    if (cut <= 0) return;
    const voter = rest.slice(0, cut);
    const slotText = rest.slice(cut + 1);
    if (!/^\d{1,3}$/.test(slotText)) return;
    const slots = result.get(voter) ?? new Map<number, string>();
    result.set(voter, slots);
    slots.set(Number(slotText), value);
  });
  return result;
}

/**
 * B21: the votes that count for one voter: slots below the budget in slot order, each counting while the
 * voter has fewer than `perCard` counted votes on its card, and only for cards that exist.
 */
function countVoter(
  slots: ReadonlyMap<number, string>,
  config: VotingRoundConfig,
  cardExists: (id: string) => boolean,
): { slots: Map<number, string>; byCard: Map<string, number> } {
  const counted = new Map<number, string>();
  const byCard = new Map<string, number>();
  for (const slot of [...slots.keys()].sort((a, b) => a - b)) {
    if (slot >= config.budget) continue;
    const card = slots.get(slot) as string;
    const n = byCard.get(card) ?? 0;
    if (n >= config.perCard || !cardExists(card)) continue;
    byCard.set(card, n + 1);
    counted.set(slot, card);
  }
  return { slots: counted, byCard };
}

/**
 * The board's current round (B20): the one started last (by its `startedAt`, ties by id), or null. A round
 * started concurrently with another supersedes it or is superseded by it the same way on every replica.
 */
export function readCurrentVotingRound(doc: Y.Doc): VotingRoundSnapshot | null {
  return cachedRead(
    doc,
    readCurrentVotingRound,
    (d) => {
      const { rounds, votes } = votingRoots(d);
      return [rounds, votes];
    },
    collectCurrentVotingRound,
  );
}

function collectCurrentVotingRound(doc: Y.Doc): VotingRoundSnapshot | null {
  let best: { id: string; startedAt: number } | null = null;
  votingRoots(doc).rounds.forEach((round, id) => {
    if (!(round instanceof Y.Map)) return;
    const config = readConfig(round.get('config'));
    if (!config) return;
    if (!best || config.startedAt > best.startedAt || (config.startedAt === best.startedAt && id > best.id)) {
      best = { id, startedAt: config.startedAt };
    }
  });
  const chosen = best as { id: string } | null;
  return chosen ? readVotingRound(doc, chosen.id) : null;
}

export function readVotingRound(doc: Y.Doc, roundId: string): VotingRoundSnapshot | null {
  const round = childMap(votingRoots(doc).rounds as Y.Map<unknown>, roundId);
  if (!round) return null;
  const config = readConfig(round.get('config'));
  if (!config) return null;
  const tally = new Map<string, number>();
  const byVoter = new Map<string, ReadonlyMap<string, number>>();
  for (const [voter, slots] of slotsOf(doc, roundId)) {
    const { byCard } = countVoter(slots, config, (id) => isLiveCard(doc, id));
    if (byCard.size === 0) continue;
    byVoter.set(voter, byCard);
    for (const [card, n] of byCard) tally.set(card, (tally.get(card) ?? 0) + n);
  }
  return { id: roundId, ...config, ended: readEnded(round.get('ended')), tally, byVoter };
}

/** Votes the voter has left in a round. */
export function votesLeft(round: VotingRoundSnapshot, voterId: string): number {
  let used = 0;
  for (const n of round.byVoter.get(voterId)?.values() ?? []) used += n;
  return Math.max(0, round.budget - used);
}

/**
 * Sorts a column by a round's tally, most votes first (ties keep their current order), as moves (B2) in one
 * transaction. Returns whether anything moved.
 */
export function sortColumnByVotes(
  doc: Y.Doc,
  columnId: string,
  cardIdsInOrder: readonly string[],
  tally: ReadonlyMap<string, number>,
  opts?: MutationOptions,
): boolean {
  const sorted = cardIdsInOrder
    .map((id, index) => ({ id, index, votes: tally.get(id) ?? 0 }))
    .sort((a, b) => b.votes - a.votes || a.index - b.index);
  let moved = false;
  doc.transact(() => {
    sorted.forEach(({ id }, index) => {
      moved = moveCard(doc, id, { columnId, index }, opts) || moved;
    });
  }, opts?.origin ?? null);
  return moved;
}
