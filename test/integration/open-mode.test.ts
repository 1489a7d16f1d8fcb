/**
 * Open mode (no auth key, what `npm start` runs) must not obey whatever web page the person has
 * open: a page on another site, or one that re-points its own name at 127.0.0.1 (DNS rebinding),
 * can reach a loopback server, so Host, Origin and an admin credential are checked.
 */

import { stat } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { backupEndLine, backupHeaderLine, backupRoomLine } from '../../sync-server/admin/formats';
import { ADMIN_CREDENTIAL_FILE, readAdminCredential } from '../../sync-server/admin/local-files';
import { cleanup, startTestServer } from './support/harness';

afterEach(cleanup);

interface Answer {
  status: number;
  body: string;
}

/** One HTTP request with full control of its headers (fetch may not set Host). */
function send(url: string, method: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Tries a websocket upgrade with the given headers; resolves with the HTTP status or 101. */
function upgradeStatus(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('unexpected-response', (_req, res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('error', (error) => {
      if (ws.readyState !== WebSocket.CLOSED) reject(error);
    });
  });
}

function importBody(room: string, text: string): string {
  const doc = new Y.Doc();
  doc.getText('t').insert(0, text);
  const state = Y.encodeStateAsUpdate(doc);
  return [
    backupHeaderLine(new Date()),
    backupRoomLine({ room, state, entries: 1, bytes: state.byteLength, updatedAt: 0 }),
    backupEndLine(1),
  ].join('');
}

describe('open mode: Host, Origin and the admin credential', () => {
  it('a page on another site cannot import into the boards, even from loopback', async () => {
    const server = await startTestServer();
    const answer = await send(
      `${server.url}/admin/import`,
      'POST',
      { origin: 'https://evil.example', 'content-type': 'text/plain' },
      importBody('board.victim', 'planted'),
    );
    expect(answer.status).toBe(403);
    expect((await server.store.load('board.victim')).updates).toEqual([]);
  });

  it('admin endpoints need the admin credential even on loopback, in the Authorization header only', async () => {
    const server = await startTestServer();
    const credential = await readAdminCredential(server.dataDir);
    expect(credential).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect((await send(`${server.url}/admin/rooms`, 'GET', {})).status).toBe(401);
    const inQuery = await send(`${server.url}/admin/rooms?token=${credential}`, 'GET', {});
    expect(inQuery.status).toBe(401);
    const wrong = await send(`${server.url}/admin/rooms`, 'GET', { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    const right = await send(`${server.url}/admin/rooms`, 'GET', { authorization: `Bearer ${credential}` });
    expect(right.status).toBe(200);
    // Only the operator's account may read it.
    const mode = (await stat(join(server.dataDir, ADMIN_CREDENTIAL_FILE))).mode & 0o777;
    expect(mode.toString(8)).toBe('600');
  });

  it('a rebound host name is refused: no room list, no backup, no page, no websocket', async () => {
    const server = await startTestServer();
    const credential = await readAdminCredential(server.dataDir);
    const rebound = { host: `rebind.evil.example:${server.port}` };
    const authorised = { ...rebound, authorization: `Bearer ${credential}` };
    expect((await send(`${server.url}/admin/rooms`, 'GET', authorised)).status).toBe(421);
    expect((await send(`${server.url}/admin/backup`, 'POST', authorised)).status).toBe(421);
    expect((await send(`${server.url}/healthz`, 'GET', rebound)).status).toBe(421);
    expect(await upgradeStatus(`${server.wsUrl}/board.victim`, rebound)).toBe(421);
    // The names of this machine still work.
    for (const host of [`127.0.0.1:${server.port}`, `localhost:${server.port}`, `[::1]:${server.port}`]) {
      expect((await send(`${server.url}/healthz`, 'GET', { host })).status, host).toBe(200);
    }
  });

  it('a websocket from another origin is refused; same origin, no origin and allowed origins connect', async () => {
    const server = await startTestServer({ allowedOrigins: ['https://board.example.org'] });
    const url = `${server.wsUrl}/board.victim`;
    expect(await upgradeStatus(url, { origin: 'https://evil.example' })).toBe(403);
    expect(await upgradeStatus(url, { origin: 'null' })).toBe(403);
    expect(await upgradeStatus(url, { origin: server.url })).toBe(101);
    expect(await upgradeStatus(url, {})).toBe(101);
    expect(await upgradeStatus(url, { origin: 'https://board.example.org' })).toBe(101);
  });

  it('hosts named by --allowed-hosts and PUBLIC_URL are accepted', async () => {
    const server = await startTestServer({
      allowedHosts: ['trellis.lan'],
      publicUrl: 'https://boards.example.org',
    });
    for (const host of ['trellis.lan', `trellis.lan:${server.port}`, 'boards.example.org']) {
      expect((await send(`${server.url}/healthz`, 'GET', { host })).status, host).toBe(200);
    }
    const origin = { host: 'boards.example.org', origin: 'https://boards.example.org' };
    expect(await upgradeStatus(`${server.wsUrl}/board.ok`, origin)).toBe(101);
  });
});
