import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { isLoopbackHost, tokenAllowsRoom } from '../../../sync-server/auth/authorizer';
import {
  parseDuration,
  privateSignKey,
  publicVerifyKey,
  secretKey,
  signToken,
  TokenKeyError,
  verifyToken,
} from '../../../sync-server/auth/tokens';

const SECRET = 'test-secret-0123456789-0123456789-abcdef';
const NOW = 1_800_000_000;

describe('tokens', () => {
  it('a signed token verifies and carries its boards, role, name and expiry', async () => {
    const key = secretKey(SECRET);
    const token = await signToken(key, {
      boards: ['b1'],
      role: 'read',
      name: 'Ann',
      expiresInSeconds: 60,
      now: NOW,
    });
    const result = await verifyToken(key, token, NOW + 30);
    expect(result).toEqual({
      ok: true,
      claims: { boards: ['b1'], role: 'read', name: 'Ann', exp: NOW + 60, generation: NOW * 1000 },
    });
  });

  it('[S12.3] a token carries its generation in milliseconds; without `gen` it comes from `iat`, else 0', async () => {
    const key = secretKey(SECRET);
    const minted = await signToken(key, {
      boards: ['b1'],
      role: 'read',
      expiresInSeconds: null,
      nowMs: 1_234_567,
    });
    expect(await verifyToken(key, minted)).toMatchObject({ ok: true, claims: { generation: 1_234_567 } });
    const iatOnly = await new SignJWT({ boards: ['b1'], role: 'read' })
      .setProtectedHeader({ alg: 'HS256' })
      .setAudience('trellis')
      .setIssuedAt(NOW)
      .sign(key.key as Uint8Array);
    expect(await verifyToken(key, iatOnly, NOW)).toMatchObject({ claims: { generation: NOW * 1000 } });
    const neither = await new SignJWT({ boards: ['b1'], role: 'read' })
      .setProtectedHeader({ alg: 'HS256' })
      .setAudience('trellis')
      .sign(key.key as Uint8Array);
    expect(await verifyToken(key, neither)).toMatchObject({ claims: { generation: 0 } });
  });

  it('an expired token is refused as expired', async () => {
    const key = secretKey(SECRET);
    const token = await signToken(key, { boards: ['b1'], role: 'write', expiresInSeconds: 60, now: NOW });
    expect(await verifyToken(key, token, NOW + 61)).toMatchObject({ ok: false, kind: 'expired' });
  });

  it('a token that never expires has no exp claim', async () => {
    const key = secretKey(SECRET);
    const token = await signToken(key, { boards: ['b1'], role: 'write', expiresInSeconds: null, now: NOW });
    const result = await verifyToken(key, token, NOW + 10 * 365 * 86_400);
    expect(result.ok && result.claims.exp).toBe(undefined);
  });

  it('a token signed with another secret, a tampered token and garbage are invalid', async () => {
    const key = secretKey(SECRET);
    const other = await signToken(secretKey(`${SECRET}-other`), {
      boards: ['b1'],
      role: 'write',
      expiresInSeconds: 60,
    });
    expect(await verifyToken(key, other)).toMatchObject({ ok: false, kind: 'invalid' });
    const good = await signToken(key, { boards: ['b1'], role: 'read', expiresInSeconds: 60 });
    const [header, , signature] = good.split('.');
    const forgedPayload = Buffer.from(
      JSON.stringify({ boards: ['b1'], role: 'write', aud: 'trellis' }),
    ).toString('base64url');
    expect(await verifyToken(key, `${header}.${forgedPayload}.${signature}`)).toMatchObject({ ok: false });
    expect(await verifyToken(key, 'not-a-jwt')).toMatchObject({ ok: false, kind: 'invalid' });
  });

  it('a token for another audience or without the claims is invalid', async () => {
    const key = secretKey(SECRET);
    const foreign = await new SignJWT({ boards: ['b1'], role: 'write' })
      .setProtectedHeader({ alg: 'HS256' })
      .setAudience('someone-else')
      .sign(key.key);
    expect(await verifyToken(key, foreign)).toMatchObject({ ok: false, kind: 'invalid' });
    const noRole = await new SignJWT({ boards: ['b1'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setAudience('trellis')
      .sign(key.key);
    expect(await verifyToken(key, noRole)).toMatchObject({
      ok: false,
      reason: 'token has no valid role claim',
    });
  });

  it('an HS256 token cannot pass for an asymmetric one (algorithm pinned by the key)', async () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const hs = await new SignJWT({ boards: ['b1'], role: 'write' })
      .setProtectedHeader({ alg: 'HS256' })
      .setAudience('trellis')
      .sign(new TextEncoder().encode(pem));
    expect(await verifyToken(publicVerifyKey(pem), hs)).toMatchObject({ ok: false, kind: 'invalid' });
  });

  for (const [type, options, alg] of [
    ['ec', { namedCurve: 'P-256' }, 'ES256'],
    ['ed25519', {}, 'EdDSA'],
    ['rsa', { modulusLength: 2048 }, 'RS256'],
  ] as const) {
    it(`a ${alg} private key signs what its public key verifies`, async () => {
      const pair = generateKeyPairSync(type as 'ec', options as { namedCurve: string });
      const privatePem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      const publicPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
      const signKey = privateSignKey(privatePem);
      expect(signKey.alg).toBe(alg);
      const token = await signToken(signKey, { boards: ['b1'], role: 'write', expiresInSeconds: 60 });
      expect(await verifyToken(publicVerifyKey(publicPem), token)).toMatchObject({ ok: true });
    });
  }

  it('reads keys from PEM files (mounted secrets)', async () => {
    const pair = generateKeyPairSync('ed25519');
    const dir = mkdtempSync(join(tmpdir(), 'trellis-keys-'));
    try {
      writeFileSync(join(dir, 'public.pem'), pair.publicKey.export({ type: 'spki', format: 'pem' }));
      writeFileSync(join(dir, 'private.pem'), pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
      const token = await signToken(privateSignKey(join(dir, 'private.pem')), {
        boards: ['b1'],
        role: 'read',
        expiresInSeconds: 60,
      });
      expect(await verifyToken(publicVerifyKey(join(dir, 'public.pem')), token)).toMatchObject({ ok: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a short secret and a key that is neither PEM nor a file', () => {
    expect(() => secretKey('short')).toThrow(TokenKeyError);
    expect(() => publicVerifyKey('/no/such/key.pem')).toThrow(TokenKeyError);
  });

  it('parses lifetimes', () => {
    expect(parseDuration('30m')).toBe(1800);
    expect(parseDuration('7d')).toBe(7 * 86_400);
    expect(parseDuration('2w')).toBe(14 * 86_400);
    expect(parseDuration('never')).toBe(null);
    expect(() => parseDuration('7 days')).toThrow();
    expect(() => parseDuration('0d')).toThrow();
  });
});

describe('which rooms a token opens', () => {
  const claims = { boards: ['A'], role: 'write' as const };
  it('its boards and their card descriptions, nothing else', () => {
    expect(tokenAllowsRoom(claims, 'board.A')).toBe(true);
    expect(tokenAllowsRoom(claims, 'board.A.card.c1')).toBe(true);
    expect(tokenAllowsRoom(claims, 'board.B')).toBe(false);
    expect(tokenAllowsRoom(claims, 'board.B.card.c1')).toBe(false);
    expect(tokenAllowsRoom(claims, 'board.AB')).toBe(false);
    expect(tokenAllowsRoom(claims, 'A')).toBe(false);
    expect(tokenAllowsRoom(claims, 'board.A.other')).toBe(false);
  });
  it('every room with boards ["*"]', () => {
    expect(tokenAllowsRoom({ boards: ['*'], role: 'read' }, 'anything')).toBe(true);
  });
});

describe('open-server warning', () => {
  it('is only for addresses beyond this machine', () => {
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('::1')).toBe(true);
    expect(isLoopbackHost('localhost')).toBe(true);
    expect(isLoopbackHost('0.0.0.0')).toBe(false);
    expect(isLoopbackHost('::')).toBe(false);
    expect(isLoopbackHost('192.168.1.5')).toBe(false);
  });
});
