/**
 * Access tokens: compact JWTs that name the boards they open and a role. The server verifies them
 * with an HS256 secret or an asymmetric public key (ES256, RS256 or EdDSA); `trellis-server token`
 * signs them with the secret or the matching private key.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { errors, jwtVerify, SignJWT } from 'jose';

export const Role = { read: 'read', write: 'write', admin: 'admin' } as const;
export type Role = (typeof Role)[keyof typeof Role];

/** Every token is minted for this audience, so a JWT made for another service sharing the key is refused. */
export const TOKEN_AUDIENCE = 'trellis';
/** `boards: ['*']` opens every board (and rooms outside the board scheme). */
export const ALL_BOARDS = '*';

export interface TokenClaims {
  boards: string[];
  role: Role;
  /** Who the link was made for; logged, never trusted for access. */
  name?: string;
  /** Expiry in epoch seconds; absent for a token that never expires. */
  exp?: number;
  /**
   * The token's generation: when it was minted, in epoch milliseconds (the `gen` claim; from `iat`
   * for tokens minted without one, 0 with neither). A board's revocation refuses every generation
   * up to it (S12.3).
   */
  generation?: number;
}

export interface VerifyKey {
  alg: 'HS256' | 'ES256' | 'RS256' | 'EdDSA';
  key: KeyObject | Uint8Array;
}

export interface SignKey {
  alg: VerifyKey['alg'];
  key: KeyObject | Uint8Array;
}

/** Below this an HS256 secret can be brute-forced offline from any token. */
export const MIN_SECRET_LENGTH = 32;

export class TokenKeyError extends Error {
  override name = 'TokenKeyError';
}

/** `value` is PEM text or the path of a PEM file (so a key can come from a mounted secret). */
function readPem(value: string, what: string): string {
  if (value.includes('-----BEGIN')) return value;
  try {
    return readFileSync(value, 'utf8');
  } catch (error) {
    throw new TokenKeyError(`${what}: not PEM text and not a readable file (${(error as Error).message})`);
  }
}

function algOf(key: KeyObject, what: string): VerifyKey['alg'] {
  switch (key.asymmetricKeyType) {
    case 'ec':
      if (key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
        throw new TokenKeyError(`${what}: only P-256 EC keys (ES256) are supported`);
      }
      return 'ES256';
    case 'rsa':
      return 'RS256';
    case 'ed25519':
      return 'EdDSA';
    default:
      throw new TokenKeyError(`${what}: unsupported key type ${key.asymmetricKeyType ?? 'unknown'}`);
  }
}

export function secretKey(secret: string): VerifyKey & SignKey {
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new TokenKeyError(`auth secret: use at least ${MIN_SECRET_LENGTH} characters`);
  }
  return { alg: 'HS256', key: new TextEncoder().encode(secret) };
}

export function publicVerifyKey(pemOrPath: string): VerifyKey {
  let key: KeyObject;
  try {
    key = createPublicKey(readPem(pemOrPath, 'auth public key'));
  } catch (error) {
    if (error instanceof TokenKeyError) throw error;
    throw new TokenKeyError(`auth public key: ${(error as Error).message}`);
  }
  return { alg: algOf(key, 'auth public key'), key };
}

export function privateSignKey(pemOrPath: string): SignKey {
  let key: KeyObject;
  try {
    key = createPrivateKey(readPem(pemOrPath, 'auth private key'));
  } catch (error) {
    if (error instanceof TokenKeyError) throw error;
    throw new TokenKeyError(`auth private key: ${(error as Error).message}`);
  }
  return { alg: algOf(key, 'auth private key'), key };
}

export interface SignOptions {
  boards: string[];
  role: Role;
  name?: string;
  /** Lifetime in seconds; null for a token that never expires. */
  expiresInSeconds: number | null;
  /** Epoch seconds (tests). */
  now?: number;
  /** Epoch milliseconds, the token's generation (tests); default now. */
  nowMs?: number;
}

export async function signToken(key: SignKey, options: SignOptions): Promise<string> {
  const nowMs = options.nowMs ?? (options.now !== undefined ? options.now * 1000 : Date.now());
  const now = options.now ?? Math.floor(nowMs / 1000);
  const jwt = new SignJWT({
    boards: options.boards,
    role: options.role,
    ...(options.name ? { name: options.name } : {}),
    // `iat` counts whole seconds: a link minted in the second of a revocation needs finer time.
    gen: nowMs,
  })
    .setProtectedHeader({ alg: key.alg, typ: 'JWT' })
    .setAudience(TOKEN_AUDIENCE)
    .setIssuedAt(now);
  if (options.expiresInSeconds !== null) jwt.setExpirationTime(now + options.expiresInSeconds);
  return jwt.sign(key.key);
}

export type VerifyResult =
  | { ok: true; claims: TokenClaims }
  | { ok: false; kind: 'expired' | 'invalid'; reason: string };

/** Checks signature, audience, expiry and the shape of the claims; never throws. */
export async function verifyToken(key: VerifyKey, token: string, nowSeconds?: number): Promise<VerifyResult> {
  try {
    const { payload } = await jwtVerify(token, key.key, {
      algorithms: [key.alg],
      audience: TOKEN_AUDIENCE,
      ...(nowSeconds !== undefined ? { currentDate: new Date(nowSeconds * 1000) } : {}),
    });
    const { boards, role, name, exp, gen, iat } = payload;
    if (!Array.isArray(boards) || !boards.every((b) => typeof b === 'string')) {
      return { ok: false, kind: 'invalid', reason: 'token has no boards claim' };
    }
    if (role !== Role.read && role !== Role.write && role !== Role.admin) {
      return { ok: false, kind: 'invalid', reason: 'token has no valid role claim' };
    }
    return {
      ok: true,
      claims: {
        boards,
        role,
        ...(typeof name === 'string' ? { name } : {}),
        ...(exp !== undefined ? { exp } : {}),
        generation: typeof gen === 'number' ? gen : typeof iat === 'number' ? iat * 1000 : 0,
      },
    };
  } catch (error) {
    if (error instanceof errors.JWTExpired) return { ok: false, kind: 'expired', reason: 'token expired' };
    if (error instanceof errors.JOSEError) {
      return { ok: false, kind: 'invalid', reason: `invalid token: ${error.code}` };
    }
    return { ok: false, kind: 'invalid', reason: 'invalid token' };
  }
}

/** Parses a lifetime like `30m`, `12h`, `7d`, `2w` or `never` into seconds (null = never). */
export function parseDuration(text: string): number | null {
  if (text === 'never') return null;
  const match = /^(\d+)\s*(s|m|h|d|w)$/.exec(text.trim());
  if (!match) throw new Error(`invalid duration ${JSON.stringify(text)}: use e.g. 30m, 12h, 7d, 2w or never`);
  const unit = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 }[match[2] as 's' | 'm' | 'h' | 'd' | 'w'];
  const seconds = Number(match[1]) * unit;
  if (seconds <= 0) throw new Error('duration must be positive');
  return seconds;
}
