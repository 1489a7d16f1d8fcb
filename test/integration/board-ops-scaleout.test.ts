/**
 * Per-board operations when scaled out (S12.2, S12.3): two instances in this process on one real
 * Redis and one real PostgreSQL; the operator acts through one, clients sit on the other.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../../shared/protocol';
import { waitForAsync, waitUntil } from '../support/wait';
import { TEST_SECRET, token, tryUpgrade, whenProviderClosed } from './auth-support';
import { cli } from './support/cli';
import { cleanup, connectClient, startTestServer, type TestServer, whenSynced } from './support/harness';
import { type ScaleOutServices, startScaleOutServices } from './support/scaleout-services';

let services: ScaleOutServices;

beforeAll(async () => {
  services = await startScaleOutServices();
}, 60_000);
afterEach(cleanup);
afterAll(async () => {
  await services?.stop();
});

function instance(): Promise<TestServer> {
  return startTestServer({
    redisUrl: services.redis.url,
    databaseUrl: services.postgres.url,
    trimGraceMs: 0,
    authSecret: TEST_SECRET,
  });
}

describe('per-board operations, scaled out', () => {
  it('[S12.3] a revocation made through one instance closes sockets on another within seconds, refuses the token there, and survives a restart (PostgreSQL)', async () => {
    const [a, b] = await Promise.all([instance(), instance()]);
    const old = await token({ boards: ['so-rv'] });
    const client = connectClient(b.wsUrl, 'board.so-rv', { params: { token: old } });
    await whenSynced(client);
    const closed = whenProviderClosed(client.provider);

    // No --server: a scaled-out instance's data directory holds no LevelDB, only where it listens.
    const result = await cli(['revoke', 'so-rv', '--data-dir', a.dataDir]);
    expect(result, result.stderr).toMatchObject({ code: 0 });
    expect(await closed).toEqual({ code: CloseCode.tokenRevoked, reason: 'token revoked' });
    expect(await tryUpgrade(`${b.wsUrl}/board.so-rv?token=${old}`)).toMatchObject({ status: 401 });

    const fresh = await token({ boards: ['so-rv'] });
    const opened = await tryUpgrade(`${b.wsUrl}/board.so-rv?token=${fresh}`);
    expect(opened.kind).toBe('open');
    if (opened.kind === 'open') opened.ws.close();

    await b.close();
    const restarted = await instance();
    expect(await tryUpgrade(`${restarted.wsUrl}/board.so-rv?token=${old}`)).toMatchObject({ status: 401 });
  });

  it('[S12.2] a delete made through one instance closes the board on another (4410), which stores nothing of it again; a fresh load anywhere is empty', async () => {
    const [a, b] = await Promise.all([instance(), instance()]);
    const write = await token({ boards: ['so-del'] });
    const board = connectClient(b.wsUrl, 'board.so-del', { params: { token: write } });
    const description = connectClient(b.wsUrl, 'board.so-del.card.c1', { params: { token: write } });
    const watcher = connectClient(a.wsUrl, 'board.so-del', { params: { token: write } });
    await Promise.all([whenSynced(board), whenSynced(description), whenSynced(watcher)]);
    board.text.insert(0, 'board content');
    description.text.insert(0, 'description content');
    await waitUntil(() => watcher.text.toString() === 'board content', 'instance a has the content');
    await waitForAsync(
      async () => (await a.store.list()).filter((r) => r.room.startsWith('board.so-del')).length === 2,
      'both rooms stored',
    );
    const boardClosed = whenProviderClosed(board.provider);
    const descriptionClosed = whenProviderClosed(description.provider);

    const result = await cli(['delete', 'so-del', '--server', a.url, '--data-dir', a.dataDir]);
    expect(result, result.stderr).toMatchObject({ code: 0 });
    const deleted = { code: CloseCode.deleted, reason: 'the board was deleted' };
    expect(await boardClosed).toEqual(deleted);
    expect(await descriptionClosed).toEqual(deleted);
    expect(b.core.rooms.get('board.so-del')).toBeUndefined();
    // Instance b unloads nothing back into the store when it stops.
    await b.close();
    expect((await a.store.list()).filter((r) => r.room.startsWith('board.so-del'))).toEqual([]);
    const fresh = connectClient(a.wsUrl, 'board.so-del', { params: { token: write } });
    await whenSynced(fresh);
    expect(fresh.text.toString()).toBe('');
  });
});
