/**
 * The core's side of scale-out, without Redis: a room with a `DocFeed` subscribes after
 * its load from the stored cursor, applies other instances' updates without storing them again,
 * broadcasts them at once, and shares awareness both ways.
 */

import { describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { decodeFrame, encodeAwarenessFrame, encodeSyncUpdate } from '../../../shared/wire';
import { parseConfig } from '../../../sync-server/config';
import type { DocFeed, FeedHandlers } from '../../../sync-server/core/doc-feed';
import type { DocStore, StoredDoc } from '../../../sync-server/core/doc-store';
import { MemoryDocStore } from '../../../sync-server/core/memory-doc-store';
import type { SyncSocket } from '../../../sync-server/core/ports';
import { SyncCore } from '../../../sync-server/core/sync-core';
import { waitUntil } from '../../support/wait';

class FakeFeed implements DocFeed {
  readonly subscriptions = new Map<string, { cursor: string | undefined; handlers: FeedHandlers }>();
  readonly published: Array<{ room: string; update: Uint8Array }> = [];

  subscribe(room: string, cursor: string | undefined, handlers: FeedHandlers): () => void {
    this.subscriptions.set(room, { cursor, handlers });
    return () => this.subscriptions.delete(room);
  }

  publishAwareness(room: string, update: Uint8Array): void {
    this.published.push({ room, update });
  }
}

/** A memory store that reports a cursor, as the Redis store does. */
class CursorStore extends MemoryDocStore {
  override async load(room: string): Promise<StoredDoc> {
    return { ...(await super.load(room)), cursor: '42-0' };
  }
}

function fakeSocket(): SyncSocket & { frames: Uint8Array[] } {
  const frames: Uint8Array[] = [];
  return { frames, bufferedAmount: 0, send: (frame) => frames.push(frame), close() {}, onDrain() {} };
}

function updatesIn(frames: Uint8Array[]): Uint8Array[] {
  return frames.flatMap((frame) => {
    const message = decodeFrame(frame);
    return message.kind === 'update' || message.kind === 'syncStep2' ? [message.update] : [];
  });
}

function textOf(updates: Uint8Array[]): string {
  const doc = new Y.Doc();
  for (const update of updates) Y.applyUpdate(doc, update);
  return doc.getText('t').toString();
}

function edit(doc: Y.Doc, text: string): Uint8Array {
  const before = Y.encodeStateVector(doc);
  doc.getText('t').insert(doc.getText('t').length, text);
  return Y.encodeStateAsUpdate(doc, before);
}

async function open(store: DocStore, feed: FakeFeed) {
  const core = new SyncCore({ store, feed, maxMessagesPerSecond: 0 });
  const socket = fakeSocket();
  const handlers = core.handleConnection(socket, {
    room: 'r',
    readOnly: false,
    durableAck: false,
    remoteAddress: 'test',
  });
  await waitUntil(
    () => feed.subscriptions.has('r') && socket.frames.length > 0,
    'the room loaded and subscribed',
  );
  return { core, socket, handlers, subscription: feed.subscriptions.get('r')! };
}

describe('scale-out in the core (DocFeed)', () => {
  it('a room subscribes after its load, from the cursor the store reported', async () => {
    const feed = new FakeFeed();
    const { core, subscription } = await open(new CursorStore(), feed);
    expect(subscription.cursor).toBe('42-0');
    await core.stop();
    expect(feed.subscriptions.has('r')).toBe(false);
  });

  it('remote updates reach clients at once, even while a local write is being retried, and are never stored again', async () => {
    const store = new MemoryDocStore();
    const feed = new FakeFeed();
    const { core, socket, handlers, subscription } = await open(store, feed);
    // A local write that fails once: it stays in memory and nothing of it goes out until stored.
    store.failNext(1);
    const local = new Y.Doc();
    handlers.handleFrame(encodeSyncUpdate(edit(local, 'local;')));
    const other = new Y.Doc();
    socket.frames.length = 0;
    subscription.handlers.handleRemoteUpdates([edit(other, 'remote;')]);
    expect(textOf(updatesIn(socket.frames))).toBe('remote;');
    await waitUntil(() => store.calls.append === 2, 'the local write was retried');
    await core.rooms.get('r')!.writes.whenDrained();
    const stored = (await store.load('r')).updates;
    expect(textOf(stored)).toBe('local;'); // the remote update is in Redis already, not appended here
    const text = core.rooms.get('r')!.doc.getText('t').toString();
    expect(text).toContain('local;');
    expect(text).toContain('remote;');
    // A remote update the room already has changes nothing and sends nothing.
    socket.frames.length = 0;
    subscription.handlers.handleRemoteUpdates([Y.encodeStateAsUpdate(other)]);
    expect(updatesIn(socket.frames)).toEqual([]);
    await core.stop();
  });

  it('awareness: local changes are published, remote ones applied and relayed, and a query is answered with local clients only', async () => {
    const feed = new FakeFeed();
    const { core, socket, handlers, subscription } = await open(new MemoryDocStore(), feed);
    const mine = new awarenessProtocol.Awareness(new Y.Doc());
    mine.setLocalState({ user: 'local' });
    handlers.handleFrame(
      encodeAwarenessFrame(awarenessProtocol.encodeAwarenessUpdate(mine, [mine.clientID])),
    );
    expect(feed.published).toHaveLength(1);
    const theirs = new awarenessProtocol.Awareness(new Y.Doc());
    theirs.setLocalState({ user: 'remote' });
    socket.frames.length = 0;
    subscription.handlers.handleRemoteAwareness(
      awarenessProtocol.encodeAwarenessUpdate(theirs, [theirs.clientID]),
    );
    await waitUntil(() => socket.frames.length > 0, 'the remote presence is relayed to local clients');
    expect(feed.published).toHaveLength(1); // not echoed back to the other instances
    const answer = subscription.handlers.localAwareness();
    const probe = new awarenessProtocol.Awareness(new Y.Doc());
    awarenessProtocol.applyAwarenessUpdate(probe, answer!, 'test');
    expect([...probe.getStates().keys()].filter((id) => id !== probe.clientID)).toEqual([mine.clientID]);
    mine.destroy();
    theirs.destroy();
    probe.destroy();
    await core.stop();
  });
});

describe('scale-out configuration', () => {
  it('is selected by REDIS_URL and DATABASE_URL together (flags too), with a role and trim grace', () => {
    const env = { REDIS_URL: 'redis://r:6379', DATABASE_URL: 'postgres://p/db', ROLE: 'sync' };
    const parsed = parseConfig([], env);
    expect(parsed).toMatchObject({
      ok: true,
      config: {
        redisUrl: 'redis://r:6379',
        databaseUrl: 'postgres://p/db',
        role: 'sync',
        trimGraceMs: 60_000,
      },
    });
    expect(parseConfig(['--role', 'compactor', '--trim-grace-ms', '0'], env)).toMatchObject({
      ok: true,
      config: { role: 'compactor', trimGraceMs: 0 },
    });
    expect(parseConfig([], {})).toMatchObject({ ok: true, config: { redisUrl: null, databaseUrl: null } });
  });

  it('refuses half a scale-out configuration and unknown roles', () => {
    const half = parseConfig([], { REDIS_URL: 'redis://r:6379' });
    expect(half).toMatchObject({ ok: false });
    expect(JSON.stringify(half)).toContain('set both a Redis URL and a database URL');
    const role = parseConfig(['--role', 'leader'], {});
    expect(JSON.stringify(role)).toContain('expected sync, compactor or both');
  });
});
