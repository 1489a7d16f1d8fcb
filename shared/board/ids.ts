/**
 * Randomness and time are injected into every board mutation so tests and simulations replay
 * exactly from a seed. The defaults are for the app.
 */

/** Returns a float in [0, 1), like `Math.random`. */
export type Random = () => number;
/** Milliseconds since the Unix epoch, like `Date.now`. */
export type Clock = () => number;

export const defaultRandom: Random = Math.random;
export const defaultClock: Clock = Date.now;

const ID_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** 14 base-62 characters ≈ 83 bits: collisions between replicas are not a practical concern. */
export const ID_LENGTH = 14;

/** A new random id, valid for shared/room-names.ts (so a card id can name its description room). */
export function newId(random: Random = defaultRandom): string {
  let id = '';
  for (let i = 0; i < ID_LENGTH; i++) {
    id += ID_ALPHABET[Math.floor(random() * ID_ALPHABET.length) % ID_ALPHABET.length];
  }
  return id;
}

/** A small seeded PRNG (mulberry32) for tests, simulations and benchmarks. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
