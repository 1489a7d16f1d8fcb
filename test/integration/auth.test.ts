import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CloseCode } from '../../shared/protocol';
import { readAdminCredential } from '../../sync-server/admin/local-files';
import { privateSignKey, signToken } from '../../sync-server/auth/tokens';
import { waitUntil } from '../support/wait';
import { TEST_SECRET, token, tryUpgrade, whenProviderClosed } from './auth-support';
import { cleanup, connectClient, startTestServer, whenSynced } from './support/harness';
import { recordingLogger } from './support/raw-socket';

const dirs: string[] = [];
afterEach(async () => {
  await cleanup();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'trellis-auth-'));
  dirs.push(dir);
  return dir;
}

async function securedServer(extra: Parameters<typeof startTestServer>[0] = {}) {
  const logger = recordingLogger();
  const server = await startTestServer({ authSecret: TEST_SECRET, ...extra }, { logger });
  return { server, logger };
}

function refusalLogged(logger: ReturnType<typeof recordingLogger>, status: number, reason: string): boolean {
  return logger.entries.some(
    (e) =>
      e.msg === 'upgrade refused' &&
      (e.obj as { status?: number }).status === status &&
      String((e.obj as { reason?: string }).reason).includes(reason),
  );
}

describe('access control at the upgrade', () => {
  it('refuses a connection without a token with 401 and logs why, before loading anything', async () => {
    const { server, logger } = await securedServer();
    const outcome = await tryUpgrade(`${server.wsUrl}/board.A`);
    expect(outcome).toMatchObject({ kind: 'refused', status: 401, body: 'missing token' });
    expect(refusalLogged(logger, 401, 'missing token')).toBe(true);
    expect(server.core.rooms.size).toBe(0);
  });

  it('refuses an expired token with 401', async () => {
    const { server, logger } = await securedServer();
    const expired = await token({
      boards: ['A'],
      now: Math.floor(Date.now() / 1000) - 7200,
      expiresInSeconds: 60,
    });
    const outcome = await tryUpgrade(`${server.wsUrl}/board.A?token=${expired}`);
    expect(outcome).toMatchObject({ kind: 'refused', status: 401, body: 'token expired' });
    expect(refusalLogged(logger, 401, 'token expired')).toBe(true);
  });

  it('refuses a token signed with another secret, and a forged one, with 401', async () => {
    const { server, logger } = await securedServer();
    const foreign = await signToken(
      { alg: 'HS256', key: new TextEncoder().encode('another-secret-0123456789-0123456789') },
      { boards: ['A'], role: 'write', expiresInSeconds: 60 },
    );
    expect(await tryUpgrade(`${server.wsUrl}/board.A?token=${foreign}`)).toMatchObject({
      kind: 'refused',
      status: 401,
    });
    // A read token whose payload was rewritten to `write` keeps its old signature.
    const read = await token({ boards: ['A'], role: 'read' });
    const [header, payload, signature] = read.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, role: 'write' })).toString('base64url')}.${signature}`;
    expect(await tryUpgrade(`${server.wsUrl}/board.A?token=${forged}`)).toMatchObject({
      kind: 'refused',
      status: 401,
    });
    expect(refusalLogged(logger, 401, 'invalid token')).toBe(true);
  });

  it('a write token for board A cannot open board B or its descriptions (403), but opens A and its descriptions', async () => {
    const { server, logger } = await securedServer();
    const forA = await token({ boards: ['A'], name: 'Ann' });
    for (const room of ['board.B', 'board.B.card.c1', 'board.AB', 'lobby']) {
      const outcome = await tryUpgrade(`${server.wsUrl}/${room}?token=${forA}`);
      expect(outcome, room).toMatchObject({ kind: 'refused', status: 403 });
    }
    expect(refusalLogged(logger, 403, 'token (Ann) is not valid for this board')).toBe(true);
    expect(server.core.rooms.size).toBe(0);

    const board = connectClient(server.wsUrl, 'board.A', { params: { token: forA } });
    const description = connectClient(server.wsUrl, 'board.A.card.c1', { params: { token: forA } });
    await Promise.all([whenSynced(board), whenSynced(description)]);
  });

  it('a token for several boards opens each of them', async () => {
    const { server } = await securedServer();
    const both = await token({ boards: ['A', 'B'] });
    const a = connectClient(server.wsUrl, 'board.A', { params: { token: both } });
    const b = connectClient(server.wsUrl, 'board.B.card.x', { params: { token: both } });
    await Promise.all([whenSynced(a), whenSynced(b)]);
  });

  it('verifies ES256 tokens with a configured public key', async () => {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const publicPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const privatePem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const server = await startTestServer({ authPublicKey: publicPem });
    const good = await signToken(privateSignKey(privatePem), {
      boards: ['A'],
      role: 'write',
      expiresInSeconds: 60,
    });
    const client = connectClient(server.wsUrl, 'board.A', { params: { token: good } });
    await whenSynced(client);
    const hs = await token({ boards: ['A'] });
    expect(await tryUpgrade(`${server.wsUrl}/board.A?token=${hs}`)).toMatchObject({
      kind: 'refused',
      status: 401,
    });
  });

  it('without a secret the server runs open', async () => {
    const server = await startTestServer();
    const client = connectClient(server.wsUrl, 'board.A');
    await whenSynced(client);
  });
});

describe("GET /access/<room> (browsers cannot see a refused upgrade's status)", () => {
  it('answers what the upgrade would: 401, 403, or the role', async () => {
    const { server } = await securedServer();
    const access = async (room: string, t?: string) => {
      const response = await fetch(`${server.url}/access/${room}${t ? `?token=${t}` : ''}`);
      return {
        status: response.status,
        body: (await response.json()) as { ok: boolean; expiresAt?: number },
      };
    };
    expect(await access('board.A')).toEqual({ status: 401, body: { ok: false, reason: 'missing token' } });
    const read = await token({ boards: ['A'], role: 'read', expiresInSeconds: 60 });
    expect(await access('board.B', read)).toMatchObject({ status: 403, body: { ok: false } });
    const allowed = await access('board.A.card.c1', read);
    expect(allowed).toMatchObject({ status: 200, body: { ok: true, role: 'read' } });
    expect(allowed.body.expiresAt).toBeGreaterThan(Date.now());
    expect((await access('..bad')).status).toBe(400);
  });
});

describe('read-only sharing', () => {
  it('a reader gets the board and live edits, shows its presence, but its edits reach nobody and are never stored (checked after a restart)', async () => {
    const dataDir = await tempDir();
    const { server } = await securedServer({ dataDir });
    const writeToken = await token({ boards: ['A'], role: 'write' });
    const readToken = await token({ boards: ['A'], role: 'read' });
    const writer = connectClient(server.wsUrl, 'board.A', { params: { token: writeToken } });
    await whenSynced(writer);
    writer.text.insert(0, 'from writer;');
    const reader = connectClient(server.wsUrl, 'board.A', { params: { token: readToken } });
    await whenSynced(reader);
    await waitUntil(() => reader.text.toString() === 'from writer;', 'the reader has the board');

    // Presence flows both ways.
    reader.provider.awareness.setLocalStateField('user', { name: 'reader' });
    await waitUntil(
      () => [...writer.provider.awareness.getStates().values()].some((s) => s.user?.name === 'reader'),
      "the writer sees the reader's presence",
    );

    reader.text.insert(0, 'from reader;');
    reader.doc.getMap('m').set('k', 'reader');
    // A later writer edit reaching the reader proves the reader's frames were processed before it.
    writer.text.insert(writer.text.length, 'later;');
    await waitUntil(() => reader.text.toString().includes('later;'), 'the reader receives live edits');
    const late = connectClient(server.wsUrl, 'board.A', { params: { token: writeToken } });
    await whenSynced(late);
    await waitUntil(() => late.text.toString() === 'from writer;later;', 'a new writer has the stored board');
    expect(writer.text.toString()).toBe('from writer;later;');
    expect(writer.doc.getMap('m').size).toBe(0);
    expect(late.doc.getMap('m').size).toBe(0);

    await server.close();
    const restarted = await startTestServer({ authSecret: TEST_SECRET, dataDir });
    const fresh = connectClient(restarted.wsUrl, 'board.A', { params: { token: writeToken } });
    await whenSynced(fresh);
    expect(fresh.text.toString()).toBe('from writer;later;');
    expect(fresh.doc.getMap('m').size).toBe(0);
    const stored = await restarted.store.load('board.A');
    const storedDoc = new Y.Doc();
    for (const update of stored.updates) Y.applyUpdate(storedDoc, update);
    expect(storedDoc.getText('t').toString()).toBe('from writer;later;');
  });
});

describe('tokens expiring while connected', () => {
  it('the connection is closed with 4401 at expiry and the provider does not reconnect', async () => {
    const { server, logger } = await securedServer();
    const exp = Math.floor(Date.now() / 1000) + 2;
    const shortLived = await token({ boards: ['A'], expiresInSeconds: exp - Math.floor(Date.now() / 1000) });
    const client = connectClient(server.wsUrl, 'board.A', { params: { token: shortLived } });
    await whenSynced(client);
    const closed = await whenProviderClosed(client.provider, 10_000);
    expect(closed).toEqual({ code: CloseCode.tokenExpired, reason: 'token expired' });
    expect(Date.now()).toBeGreaterThanOrEqual(exp * 1000 - 50);
    expect(logger.entries.some((e) => e.msg === 'token expired while connected: closing')).toBe(true);
    // 4400–4499 stop the stock provider's retries: it stays disconnected.
    expect(client.provider.shouldConnect).toBe(false);
    expect(server.core.connectionCount).toBe(0);
    // Reconnecting with the same token is refused at the upgrade.
    expect(await tryUpgrade(`${server.wsUrl}/board.A?token=${shortLived}`)).toMatchObject({
      kind: 'refused',
      status: 401,
    });
  });
});

describe('admin endpoints', () => {
  it('on an open server answer direct loopback clients with the admin credential only, not what a local proxy forwards', async () => {
    const server = await startTestServer();
    const authorization = `Bearer ${await readAdminCredential(server.dataDir)}`;
    expect((await fetch(`${server.url}/admin/rooms`)).status).toBe(401);
    expect((await fetch(`${server.url}/admin/rooms`, { headers: { authorization } })).status).toBe(200);
    const proxied = await fetch(`${server.url}/admin/rooms`, {
      headers: { authorization, 'x-forwarded-for': '203.0.113.9' },
    });
    expect(proxied.status).toBe(403);
  });

  it('with auth configured, also accept the admin credential of the data directory', async () => {
    const { server } = await securedServer();
    const authorization = `Bearer ${await readAdminCredential(server.dataDir)}`;
    expect((await fetch(`${server.url}/admin/rooms`, { headers: { authorization } })).status).toBe(200);
  });

  it('need an admin token when auth is configured', async () => {
    const { server } = await securedServer();
    expect((await fetch(`${server.url}/admin/rooms`)).status).toBe(401);
    const write = await token({ boards: ['*'], role: 'write' });
    const refused = await fetch(`${server.url}/admin/rooms`, {
      headers: { authorization: `Bearer ${write}` },
    });
    expect(refused.status).toBe(401);
    const admin = await token({ boards: ['*'], role: 'admin' });
    const ok = await fetch(`${server.url}/admin/rooms`, { headers: { authorization: `Bearer ${admin}` } });
    expect(ok.status).toBe(200);
  });
});
