/**
 * `npm run bench -- --only mux` (or `tsx test/bench/mux.ts [--quick] [--runs N] [--tabs N]`):
 * one socket per tab (`/_mux`, sync-server/SPEC.md S14) against one socket per document, in the
 * same run, against our server (dist/server) as its own process.
 *
 * - A tab with 1 board + 20 descriptions reconnecting (each document holds the stored copy plus one
 *   offline edit): time until every document is synced, sockets per tab, and server RSS per tab
 *   (on a fresh server with the rooms loaded: RSS with `--rss-tabs` such tabs connected, minus RSS
 *   before, divided by their count).
 * - A reconnect storm: `--tabs` tabs × 21 documents connected, the server stopped (SIGTERM) and
 *   started again on its data and port; time from "listening" until every document is synced.
 *
 * Both clients back off the same way between attempts (capped at 1 s). The load generator is this
 * process: its CPU time is printed with the storm.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { MuxRoomProvider } from '../../client/sync/mux-provider';
import { MuxSocket } from '../../client/sync/mux-socket';
import { buildServerBundle } from '../integration/support/build-server';
import { type ServerProcess, spawnServer, stopServer } from '../integration/support/server-process';
import { readMemory } from './proc';

type Mode = 'per-room' | 'mux';
const MODES: Mode[] = ['per-room', 'mux'];
const DESCRIPTIONS = 20;
const BOARDS = 20;
const MAX_BACKOFF_MS = 1_000;

process.setMaxListeners(0);

const roomsOfTab = (tab: number): string[] => {
  const board = `board.bench${tab % BOARDS}`;
  return [board, ...Array.from({ length: DESCRIPTIONS }, (_, i) => `${board}.card.c${i}`)];
};

/** A document's text before the tab went offline: a few KB, as a real description. */
const seedText = (room: string) => `${room}: ${'lorem ipsum dolor sit amet '.repeat(80)}`;

interface Tab {
  docs: Y.Doc[];
  synced(): boolean;
  socketsOpened(): number;
  destroy(): void;
}

let sockets = 0;
class CountingWebSocket extends WebSocket {
  constructor(url: string, protocols?: string | string[]) {
    super(url, protocols);
    sockets++;
  }
}
const WS = CountingWebSocket as unknown as typeof globalThis.WebSocket;

/** A tab whose 21 documents hold the stored text plus one offline edit each. */
function openTab(mode: Mode, wsUrl: string, tab: number, stored: Map<string, Uint8Array>): Tab {
  const rooms = roomsOfTab(tab);
  const docs = rooms.map((room) => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, stored.get(room)!);
    doc.getText('t').insert(0, `tab ${tab} offline; `);
    return doc;
  });
  const before = sockets;
  if (mode === 'per-room') {
    const providers = rooms.map((room, i) => {
      const provider = new WebsocketProvider(wsUrl, room, docs[i]!, {
        WebSocketPolyfill: WS,
        disableBc: true,
        maxBackoffTime: MAX_BACKOFF_MS,
        params: { durable: '1' },
      });
      // Durable acks on both sides, as the page asks for them (the stock provider would log them).
      provider.messageHandlers[100] = () => {};
      return provider;
    });
    return tabOf(providers, () => {});
  }
  const socket = new MuxSocket({
    serverUrl: wsUrl,
    WebSocketImpl: WS,
    maxBackoffMs: MAX_BACKOFF_MS,
    knownMode: 'mux',
  });
  const providers = rooms.map((room, i) => new MuxRoomProvider(socket, room, docs[i]!, { durableAck: true }));
  return tabOf(providers, () => socket.destroy());

  function tabOf(providers: { synced: boolean; destroy(): void }[], closeSockets: () => void): Tab {
    return {
      docs,
      synced: () => providers.every((p) => p.synced),
      socketsOpened: () => sockets - before,
      destroy: () => {
        for (const p of providers) p.destroy();
        closeSockets();
      },
    };
  }
}

async function until(condition: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    // Polling at 2 ms: the figures are tens to thousands of ms.
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** Waits (bounded) until the server holds no connection, so one measurement does not load the next. */
async function drained(server: ServerProcess): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as { connections: number };
    if (health.connections === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Stores every room's seed text through one shared socket; returns each room's stored state. */
async function seed(wsUrl: string, tabs: number): Promise<Map<string, Uint8Array>> {
  const rooms = [...new Set(Array.from({ length: Math.min(tabs, BOARDS) }, (_, t) => roomsOfTab(t)).flat())];
  // A socket holds at most 256 rooms (S14.3): one per board's rooms.
  const socketsUsed: MuxSocket[] = [];
  const stored = new Map<string, Uint8Array>();
  const acked = new Set<string>();
  const providers = rooms.map((room, i) => {
    if (i % 100 === 0)
      socketsUsed.push(new MuxSocket({ serverUrl: wsUrl, WebSocketImpl: WS, knownMode: 'mux' }));
    const socket = socketsUsed.at(-1)!;
    const doc = new Y.Doc();
    const provider = new MuxRoomProvider(socket, room, doc, { durableAck: true });
    provider.on('durable-ack', (vector) => {
      if ((Y.decodeStateVector(vector).get(doc.clientID) ?? 0) > 0) acked.add(room);
    });
    return provider;
  });
  await until(() => providers.every((p) => p.synced), 'seed: synced', 30_000);
  for (const p of providers) p.doc.getText('t').insert(0, seedText(p.room));
  await until(() => acked.size === rooms.length, 'seed: stored', 60_000);
  for (const p of providers) stored.set(p.room, Y.encodeStateAsUpdate(p.doc));
  for (const p of providers) p.destroy();
  for (const socket of socketsUsed) socket.destroy();
  return stored;
}

/** Loads the rooms of the first `boards` boards and keeps them loaded; returns a function that lets go. */
async function keepLoaded(wsUrl: string, boards: number): Promise<() => void> {
  const rooms = [...new Set(Array.from({ length: boards }, (_, t) => roomsOfTab(t)).flat())];
  const socketsUsed: MuxSocket[] = [];
  const providers = rooms.map((room, i) => {
    if (i % 100 === 0)
      socketsUsed.push(new MuxSocket({ serverUrl: wsUrl, WebSocketImpl: WS, knownMode: 'mux' }));
    return new MuxRoomProvider(socketsUsed.at(-1)!, room, new Y.Doc());
  });
  await until(() => providers.every((p) => p.synced), 'rooms loaded', 60_000);
  return () => {
    for (const p of providers) p.destroy();
    for (const socket of socketsUsed) socket.destroy();
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const ms = (value: number) => `${value.toFixed(0)} ms`;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      runs: { type: 'string' },
      tabs: { type: 'string' },
      'rss-tabs': { type: 'string' },
    },
  });
  const quick = values.quick ?? false;
  const runs = Number(values.runs ?? (quick ? 1 : 3));
  const stormTabs = Number(values.tabs ?? (quick ? 20 : 200));
  const rssTabs = Number(values['rss-tabs'] ?? (quick ? 10 : 50));
  buildServerBundle();
  const dataDir = await mkdtemp(join(tmpdir(), 'trellis-bench-mux-'));
  const env = {
    DATA_DIR: dataDir,
    MAX_CONNECTIONS_PER_ADDRESS: '0',
    CONNECT_RATE_PER_ADDRESS: '0',
    MAX_ROOMS: '100000',
  };
  let server = await spawnServer(env);
  const port = new URL(server.url).port;
  try {
    const stored = await seed(server.wsUrl, stormTabs);
    console.log(
      `\n== mux: one socket per tab against one per document (${runs} run(s); storm ${stormTabs} tabs × ${DESCRIPTIONS + 1} documents)`,
    );

    const results: Record<
      Mode,
      { reconnect: number[]; sockets: number; rssPerTab: number[]; storm: number[]; cpu: number[] }
    > = {
      'per-room': { reconnect: [], sockets: 0, rssPerTab: [], storm: [], cpu: [] },
      mux: { reconnect: [], sockets: 0, rssPerTab: [], storm: [], cpu: [] },
    };
    // Warm-up, untimed: the first tab of each kind pays for the JIT on both sides.
    for (const mode of MODES) {
      const tab = openTab(mode, server.wsUrl, 0, stored);
      await until(() => tab.synced(), `${mode}: warm-up`, 30_000);
      tab.destroy();
      await drained(server);
    }
    for (let run = 0; run < runs; run++) {
      for (const mode of MODES) {
        const result = results[mode];
        // One tab reconnecting.
        const started = performance.now();
        const tab = openTab(mode, server.wsUrl, run, stored);
        await until(() => tab.synced(), `${mode}: one tab synced`, 30_000);
        result.reconnect.push(performance.now() - started);
        result.sockets = tab.socketsOpened();
        tab.destroy();
        await drained(server);
        // Server RSS per tab, on a fresh process whose rooms are already loaded (kept so by one
        // shared socket), so the figure is what the tabs' connections cost, not the documents.
        await stopServer(server);
        server = await spawnServer({ ...env, PORT: port });
        const keeper = await keepLoaded(server.wsUrl, Math.min(rssTabs, BOARDS));
        const before = readMemory(server.pid).rssBytes;
        const many = Array.from({ length: rssTabs }, (_, t) => openTab(mode, server.wsUrl, t, stored));
        await until(() => many.every((t) => t.synced()), `${mode}: ${rssTabs} tabs synced`, 120_000);
        result.rssPerTab.push((readMemory(server.pid).rssBytes - before) / rssTabs);
        for (const t of many) t.destroy();
        keeper();
        await drained(server);
        // The reconnect storm: every tab connected, the server restarted on its data.
        const storm = Array.from({ length: stormTabs }, (_, t) => openTab(mode, server.wsUrl, t, stored));
        await until(() => storm.every((t) => t.synced()), `${mode}: storm tabs synced`, 300_000);
        await stopServer(server);
        await until(() => storm.every((t) => !t.synced()), `${mode}: storm tabs dropped`, 30_000);
        server = await spawnServer({ ...env, PORT: port });
        const restarted = performance.now();
        const cpuBefore = process.cpuUsage();
        await until(() => storm.every((t) => t.synced()), `${mode}: storm resynced`, 300_000);
        result.storm.push(performance.now() - restarted);
        const cpu = process.cpuUsage(cpuBefore);
        result.cpu.push((cpu.user + cpu.system) / 1000);
        for (const t of storm) t.destroy();
        await drained(server);
        process.stderr.write(
          `  ${mode} run ${run + 1}/${runs}: tab ${ms(result.reconnect.at(-1)!)}, RSS/tab ${mib(result.rssPerTab.at(-1)!)}, storm ${ms(result.storm.at(-1)!)}\n`,
        );
      }
    }
    const row = (label: string, cell: (mode: Mode) => string) =>
      `| ${label.padEnd(44)} | ${MODES.map((m) => cell(m).padStart(12)).join(' | ')} |`;
    console.log(`| ${'median of runs'.padEnd(44)} | ${MODES.map((m) => m.padStart(12)).join(' | ')} |`);
    console.log(`|${'-'.repeat(46)}|${MODES.map(() => '-'.repeat(14)).join('|')}|`);
    console.log(row('tab (1 board + 20 descriptions): all synced', (m) => ms(median(results[m].reconnect))));
    console.log(row('sockets per tab', (m) => String(results[m].sockets)));
    console.log(row(`server RSS per tab (${rssTabs} tabs)`, (m) => mib(median(results[m].rssPerTab))));
    console.log(row(`storm: ${stormTabs} tabs × 21 docs after restart`, (m) => ms(median(results[m].storm))));
    console.log(row('storm: load generator CPU (this process)', (m) => ms(median(results[m].cpu))));
  } finally {
    await stopServer(server);
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
