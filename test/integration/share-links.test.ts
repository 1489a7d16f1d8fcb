import { generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { ShareAnswer } from '../../shared/share-links';
import { secretKey, signToken, verifyToken } from '../../sync-server/auth/tokens';
import { TEST_SECRET, token, tryUpgrade } from './auth-support';
import { cleanup, startTestServer } from './support/harness';
import { recordingLogger } from './support/raw-socket';

afterEach(cleanup);

const nowSeconds = () => Math.floor(Date.now() / 1000);

async function mint(
  baseUrl: string,
  boardId: string,
  bearer: string | null,
  body: unknown,
): Promise<{ status: number; answer: ShareAnswer }> {
  const response = await fetch(`${baseUrl}/share/${boardId}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(bearer === null ? {} : { authorization: `Bearer ${bearer}` }),
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, answer: (await response.json()) as ShareAnswer };
}

async function claimsOf(minted: string) {
  const result = await verifyToken(secretKey(TEST_SECRET), minted);
  if (!result.ok) throw new Error(`minted token does not verify: ${result.reason}`);
  return result.claims;
}

describe('share links minted by the server (POST /share/<boardId>)', () => {
  it('a write token mints read and write links for its board, opening that board only', async () => {
    const logger = recordingLogger();
    const server = await startTestServer({ authSecret: TEST_SECRET }, { logger });
    const own = await token({ boards: ['A', 'B'], role: 'write', name: 'Ann', expiresInSeconds: 7 * 86_400 });

    const read = await mint(server.url, 'A', own, { role: 'read', expiresInSeconds: 86_400, name: 'Bob' });
    expect(read.status).toBe(200);
    if (!read.answer.ok) throw new Error(read.answer.reason);
    expect(read.answer).toMatchObject({ role: 'read', shortened: false });
    const readClaims = await claimsOf(read.answer.token);
    expect(readClaims).toMatchObject({ boards: ['A'], role: 'read', name: 'Bob' });
    expect(readClaims.exp).toBeGreaterThanOrEqual(nowSeconds() + 86_400 - 5);
    expect(read.answer.expiresAt).toBe((readClaims.exp ?? 0) * 1000);

    const write = await mint(server.url, 'A', own, { role: 'write', expiresInSeconds: 3600 });
    if (!write.answer.ok) throw new Error(write.answer.reason);
    expect(await claimsOf(write.answer.token)).toMatchObject({ boards: ['A'], role: 'write' });

    // The minted link opens its board and nothing else, even though the caller's token opens B too.
    const opened = await tryUpgrade(`${server.wsUrl}/board.A?token=${write.answer.token}`);
    expect(opened.kind).toBe('open');
    if (opened.kind === 'open') opened.ws.close();
    expect(await tryUpgrade(`${server.wsUrl}/board.B?token=${write.answer.token}`)).toMatchObject({
      kind: 'refused',
      status: 403,
    });
    expect(logger.entries.some((entry) => entry.msg === 'share link minted')).toBe(true);
  });

  it('never outlives the token it was made from: a longer or unlimited lifetime is cut to its expiry', async () => {
    const server = await startTestServer({ authSecret: TEST_SECRET });
    const own = await token({ boards: ['A'], role: 'write', expiresInSeconds: 3600 });
    const ownExp = (await claimsOf(own)).exp ?? 0;

    for (const expiresInSeconds of [30 * 86_400, null]) {
      const longer = await mint(server.url, 'A', own, { role: 'read', expiresInSeconds });
      if (!longer.answer.ok) throw new Error(longer.answer.reason);
      expect(longer.answer.shortened).toBe(true);
      expect((await claimsOf(longer.answer.token)).exp).toBe(ownExp);
      expect(longer.answer.expiresAt).toBe(ownExp * 1000);
    }
    // A shorter lifetime is kept as asked.
    const shorter = await mint(server.url, 'A', own, { role: 'read', expiresInSeconds: 600 });
    if (!shorter.answer.ok) throw new Error(shorter.answer.reason);
    expect(shorter.answer.shortened).toBe(false);
    expect((await claimsOf(shorter.answer.token)).exp).toBeLessThan(ownExp);

    // A token without expiry may mint a link without expiry.
    const forever = await token({ boards: ['A'], role: 'write', expiresInSeconds: null });
    const unlimited = await mint(server.url, 'A', forever, { role: 'write', expiresInSeconds: null });
    if (!unlimited.answer.ok) throw new Error(unlimited.answer.reason);
    expect(unlimited.answer.expiresAt).toBeNull();
    expect((await claimsOf(unlimited.answer.token)).exp).toBeUndefined();
  });

  it('a read token mints read links only; a token of another board gets 403', async () => {
    const server = await startTestServer({ authSecret: TEST_SECRET });
    const reader = await token({ boards: ['A'], role: 'read' });
    const asWrite = await mint(server.url, 'A', reader, { role: 'write', expiresInSeconds: 3600 });
    expect(asWrite).toMatchObject({
      status: 403,
      answer: { ok: false, reason: expect.stringMatching(/read/) },
    });
    const asRead = await mint(server.url, 'A', reader, { role: 'read', expiresInSeconds: 3600 });
    expect(asRead.status).toBe(200);

    const other = await token({ boards: ['B'], role: 'write' });
    expect((await mint(server.url, 'A', other, { role: 'read', expiresInSeconds: 60 })).status).toBe(403);
  });

  it('a missing, forged or expired token gets 401 and no link', async () => {
    const server = await startTestServer({ authSecret: TEST_SECRET });
    const body = { role: 'read', expiresInSeconds: 60 };
    expect((await mint(server.url, 'A', null, body)).status).toBe(401);

    const own = await token({ boards: ['A'], role: 'write' });
    const [header, payload] = own.split('.');
    // The same claims under another signature, and a payload raised to admin under the real signature.
    const forgedSignature = `${header}.${payload}.${'A'.repeat(43)}`;
    const raised = Buffer.from(JSON.stringify({ boards: ['*'], role: 'admin', aud: 'trellis' })).toString(
      'base64url',
    );
    const forgedPayload = `${header}.${raised}.${own.split('.')[2]}`;
    const otherKey = await signToken(secretKey('some-other-secret-0123456789-0123456789'), {
      boards: ['A'],
      role: 'write',
      expiresInSeconds: 3600,
    });
    for (const forged of [forgedSignature, forgedPayload, otherKey, 'not-a-jwt']) {
      const answer = await mint(server.url, 'A', forged, body);
      expect(answer.status).toBe(401);
      expect(answer.answer.ok).toBe(false);
    }

    const expired = await token({
      boards: ['A'],
      role: 'write',
      now: nowSeconds() - 7200,
      expiresInSeconds: 60,
    });
    expect(await mint(server.url, 'A', expired, body)).toMatchObject({
      status: 401,
      answer: { ok: false, reason: 'token expired' },
    });
  });

  it('refuses bad requests with 400 and anything but POST with 405', async () => {
    const server = await startTestServer({ authSecret: TEST_SECRET });
    const own = await token({ boards: ['A'], role: 'write' });
    expect((await mint(server.url, 'A', own, 'not json')).status).toBe(400);
    expect((await mint(server.url, 'A', own, { role: 'admin', expiresInSeconds: 60 })).status).toBe(400);
    expect((await mint(server.url, 'A', own, { role: 'read', expiresInSeconds: -1 })).status).toBe(400);
    expect(
      (await mint(server.url, 'A', own, { role: 'read', expiresInSeconds: 60, name: 'x'.repeat(81) })).status,
    ).toBe(400);
    expect(
      (await mint(server.url, 'A', own, { role: 'read', expiresInSeconds: 'x'.repeat(5000) })).status,
    ).toBe(400);
    expect((await mint(server.url, 'a.b', own, { role: 'read', expiresInSeconds: 60 })).status).toBe(400);
    expect((await fetch(`${server.url}/share/A`)).status).toBe(405);
  });

  it('without auth there is nothing to mint (404); with a public key only, nothing to sign with (501)', async () => {
    const open = await startTestServer();
    expect((await mint(open.url, 'A', null, { role: 'read', expiresInSeconds: 60 })).status).toBe(404);

    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const verifying = await startTestServer({
      authPublicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    });
    // Its tokens are signed elsewhere (the CLI holds the private key): a valid one learns why, a forged one gets 401.
    const valid = await signToken(
      { alg: 'EdDSA', key: privateKey },
      { boards: ['A'], role: 'write', expiresInSeconds: 3600 },
    );
    const body = { role: 'read', expiresInSeconds: 60 };
    expect(await mint(verifying.url, 'A', valid, body)).toMatchObject({
      status: 501,
      answer: { ok: false, reason: expect.stringMatching(/trellis-server token/) },
    });
    expect((await mint(verifying.url, 'A', 'not-a-jwt', body)).status).toBe(401);
  });
});
