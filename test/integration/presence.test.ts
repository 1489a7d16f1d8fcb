/**
 * Presence nobody can forge or inflate: a client id's presence belongs to the connection that first
 * announced it for as long as that connection lives; states and ids per connection are bounded.
 */
import * as encoding from 'lib0/encoding';
import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode } from '../../shared/protocol';
import { waitUntil } from '../support/wait';
import { cleanup, connectClient, startTestServer, whenSynced } from './support/harness';
import { openRawSocket, openStallableSocket, recordingLogger, whenClosed } from './support/raw-socket';

afterEach(cleanup);

/** An awareness frame announcing each `[clientId, clock, state]`. */
function awarenessFrame(...entries: Array<[number, number, unknown]>): Uint8Array {
  const update = encoding.createEncoder();
  encoding.writeVarUint(update, entries.length);
  for (const [clientId, clock, state] of entries) {
    encoding.writeVarUint(update, clientId);
    encoding.writeVarUint(update, clock);
    encoding.writeVarString(update, JSON.stringify(state));
  }
  const frame = encoding.createEncoder();
  encoding.writeVarUint(frame, 1);
  encoding.writeVarUint8Array(frame, encoding.toUint8Array(update));
  return encoding.toUint8Array(frame);
}

const nameOf = (states: Map<number, Record<string, unknown>>, id: number) => states.get(id)?.name;

describe('presence ownership', () => {
  it('[S5.5] another connection cannot overwrite a live participant’s presence, whatever clock it sends', async () => {
    const logger = recordingLogger();
    const server = await startTestServer({}, { logger });
    const alice = connectClient(server.wsUrl, 'board.presence');
    const watcher = connectClient(server.wsUrl, 'board.presence');
    alice.provider.awareness.setLocalState({ name: 'alice' });
    await Promise.all([whenSynced(alice), whenSynced(watcher)]);
    const id = alice.doc.clientID;
    await waitUntil(
      () => nameOf(watcher.provider.awareness.getStates(), id) === 'alice',
      'watcher sees alice',
    );

    const attacker = await openRawSocket(server.wsUrl, 'board.presence');
    const clock = (alice.provider.awareness.meta.get(id)?.clock ?? 0) + 100;
    attacker.ws.send(awarenessFrame([id, clock, { name: 'mallory' }]));
    // Its own presence, sent after the forgery: once the watcher has it, the forgery was handled.
    attacker.ws.send(awarenessFrame([424242, 1, { name: 'attacker' }]));
    await waitUntil(() => watcher.provider.awareness.getStates().has(424242), 'watcher sees the attacker');

    expect(nameOf(watcher.provider.awareness.getStates(), id)).toBe('alice');
    expect(alice.provider.awareness.getLocalState()).toEqual({ name: 'alice' });
    expect(nameOf(server.core.rooms.get('board.presence')!.awareness.getStates(), id)).toBe('alice');
    expect(logger.entries.some((e) => e.level === 'warn' && /owned by another connection/.test(e.msg))).toBe(
      true,
    );
  });

  it('[S5.5] a client whose old socket went silent gets its presence back on a new socket within a second', async () => {
    const server = await startTestServer({ heartbeatMs: 60_000 });
    const watcher = connectClient(server.wsUrl, 'board.stale');
    await whenSynced(watcher);
    const old = await openStallableSocket(server.port, 'board.stale');
    old.send(awarenessFrame([777, 1, { name: 'before' }]));
    await waitUntil(
      () => nameOf(watcher.provider.awareness.getStates(), 777) === 'before',
      'watcher sees 777',
    );
    // A network change: the old socket reads nothing any more (not even pings), and the client
    // re-announces itself on a new socket long before the heartbeat would notice.
    old.stall();
    const fresh = await openRawSocket(server.wsUrl, 'board.stale');
    const sent = Date.now();
    fresh.ws.send(awarenessFrame([777, 2, { name: 'after' }]));
    await waitUntil(
      () => nameOf(watcher.provider.awareness.getStates(), 777) === 'after',
      'watcher sees the re-announcement',
      3_000,
    );
    expect(Date.now() - sent).toBeLessThan(1_000);
    old.destroy();
  });
});

describe('presence limits', () => {
  it('[S5.6] a state above the size limit closes its connection with 4414 and reaches nobody', async () => {
    const server = await startTestServer();
    const watcher = connectClient(server.wsUrl, 'board.big');
    await whenSynced(watcher);
    const big = await openRawSocket(server.wsUrl, 'board.big');
    const closed = whenClosed(big.ws);
    big.ws.send(awarenessFrame([5150, 1, { name: 'x'.repeat(9 * 1024) }]));
    expect((await closed).code).toBe(CloseCode.presenceTooLarge);
    const small = await openRawSocket(server.wsUrl, 'board.big');
    small.ws.send(awarenessFrame([6160, 1, { name: 'small' }]));
    await waitUntil(() => watcher.provider.awareness.getStates().has(6160), 'watcher sees the small one');
    expect(watcher.provider.awareness.getStates().has(5150)).toBe(false);
  });

  it('[S5.6] one connection announces at most four client ids; the rest are dropped', async () => {
    const server = await startTestServer();
    const watcher = connectClient(server.wsUrl, 'board.many');
    await whenSynced(watcher);
    const many = await openRawSocket(server.wsUrl, 'board.many');
    const ids = [9001, 9002, 9003, 9004, 9005, 9006];
    many.ws.send(awarenessFrame(...ids.map((id): [number, number, unknown] => [id, 1, { name: `n${id}` }])));
    // A sync step 1 after it: its reply means the server has handled the awareness frame before it.
    many.ws.send(new Uint8Array([0, 0, 1, 0]));
    await waitUntil(() => many.frames.some((f) => f[0] === 0 && f[1] === 1), 'the server answered');
    const room = server.core.rooms.get('board.many')!;
    expect(ids.filter((id) => room.awareness.getStates().has(id))).toEqual(ids.slice(0, 4));
    await waitUntil(
      () => ids.slice(0, 4).every((id) => watcher.provider.awareness.getStates().has(id)),
      'watcher sees the first four',
    );
    expect(ids.filter((id) => watcher.provider.awareness.getStates().has(id))).toEqual(ids.slice(0, 4));
  });
});
