/**
 * History benchmark: `npm run bench -- --only history` (or `npx tsx test/bench/history.ts [--quick]
 * [--runs N] [--parts disk,open,live]`). Three parts:
 *   1. disk: history bytes per 1,000 edits of a typical board and of a typed description, as kept
 *      for the last day (every change), then thinned to one version an hour and one a day; and then
 *      LevelDB's files, fully compacted (compressed), with history on minus off;
 *   2. open: a board with 100,000 changes spread over a year (the cold-load content), stored and
 *      thinned as the server does; our server (the bundle) started on it; the time to fetch a version
 *      from a year ago (the first request after start, and the median of the next ones), yesterday's
 *      and the newest, and the listing; the year-old version checked against the updates it holds;
 *   3. live: the cold load and the write path (edits-300x1, the cold-load build's accept rate, store
 *      appends) with history off and on, alternating run by run on the same machine.
 * Writes bench-results/history-<time>.json.
 */
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as Y from 'yjs';
import { silentLogger } from '../../sync-server/core/ports';
import { History } from '../../sync-server/history/history';
import { DEFAULT_HISTORY_TIERS } from '../../sync-server/history/policy';
import { LevelDocStore } from '../../sync-server/storage/level-doc-store';
import { buildServerBundle } from '../integration/support/build-server';
import { installCleanupHandlers } from './children';
import { smallUpdateHistory } from './content';
import { GeneratorPool } from './generators';
import { appendMicros, boardEdits, diskPer1000, manualClock, typedDescription } from './history-content';
import { makePlan } from './plan';
import { machineInfo } from './proc';
import { coldLoadScenario } from './scenarios/cold-load';
import { type Metrics, removeDir, tempDir } from './scenarios/common';
import { loadScenario } from './scenarios/load';
import { REPO_ROOT, startServer } from './servers';
import { median } from './stats';

const DAY = 86_400_000;
const ROOM = 'board.year';
const OPEN_TARGET_MS = 500;

function get(
  url: string,
): Promise<{ status: number; body: Buffer; headers: http.IncomingHttpHeaders; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    http
      .get(url, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            body: Buffer.concat(chunks),
            headers: response.headers,
            ms: performance.now() - started,
          }),
        );
        response.on('error', reject);
      })
      .on('error', reject);
  });
}

/** Part 2: a year of history, thinned as the hourly pass would, stored in a data dir. */
async function buildYear(changes: number): Promise<{
  dir: string;
  times: number[];
  updates: Uint8Array[];
  buildMs: number;
  segments: number;
  historyBytes: number;
}> {
  const started = performance.now();
  const { updates } = smallUpdateHistory(changes);
  const dir = tempDir('history-year');
  const end = Date.now();
  const start = end - 370 * DAY;
  const clock = manualClock(start);
  const store = await LevelDocStore.open(dir, { now: () => clock.now() });
  const history = new History({ store, clock, tiers: DEFAULT_HISTORY_TIERS, logger: silentLogger });
  const doc = new Y.Doc();
  const times: number[] = [];
  let nextPass = start + 30 * DAY;
  for (const [i, update] of updates.entries()) {
    const time = start + Math.floor((i * (end - start)) / updates.length);
    // A pass every 30 days here gives what hourly passes give: thinning does not depend on when it
    // ran (S13.3, property-tested), only the merges are bigger.
    if (time >= nextPass) {
      clock.set(nextPass);
      await history.thin(ROOM);
      nextPass += 30 * DAY;
    }
    clock.set(time);
    times.push(time);
    await store.append(ROOM, update);
    Y.applyUpdate(doc, update);
    if ((i + 1) % 500 === 0) await store.replace(ROOM, Y.encodeStateAsUpdate(doc));
  }
  clock.set(end);
  await history.thin(ROOM);
  const segments = await store.history!.segments(ROOM);
  await store.close();
  return {
    dir,
    times,
    updates,
    buildMs: performance.now() - started,
    segments: segments.length,
    historyBytes: segments.reduce((sum, s) => sum + s.bytes, 0),
  };
}

async function openFigures(changes: number, repeats: number): Promise<Metrics> {
  const year = await buildYear(changes);
  const runDir = tempDir('history-year-run');
  cpSync(year.dir, runDir, { recursive: true });
  const server = await startServer('ours', runDir);
  try {
    const base = `http://127.0.0.1:${server.port}/history/${ROOM}`;
    const now = Date.now();
    const timed = async (at: number) => {
      const first = await get(`${base}/${at}`);
      if (first.status !== 200) throw new Error(`version at ${at}: ${first.status} ${first.body.toString()}`);
      const more: number[] = [];
      for (let i = 0; i < repeats; i++) more.push((await get(`${base}/${at}`)).ms);
      return { first, median: median(more) };
    };
    const yearAgo = await timed(now - 360 * DAY);
    const yesterday = await timed(now - DAY);
    const newest = await timed(now);
    const list = await get(base);
    const versions = (JSON.parse(list.body.toString()) as { versions: unknown[] }).versions.length;
    // The year-old version holds exactly the updates stored up to its time.
    const versionTime = Number(yearAgo.first.headers['x-trellis-version']);
    const expected = new Y.Doc();
    for (const [i, update] of year.updates.entries())
      if (year.times[i]! <= versionTime) Y.applyUpdate(expected, update);
    const got = new Y.Doc();
    Y.applyUpdate(got, new Uint8Array(yearAgo.first.body));
    const full = new Y.Doc();
    Y.applyUpdate(full, new Uint8Array(newest.first.body));
    const fullExpected = smallUpdateHistory(changes).doc;
    const contentOk =
      got.getText('notes').toString() === expected.getText('notes').toString() &&
      full.getText('notes').toString() === fullExpected.getText('notes').toString();
    return {
      yearAgoFirstMs: yearAgo.first.ms,
      yearAgoMs: yearAgo.median,
      yearAgoBytes: yearAgo.first.body.byteLength,
      yesterdayMs: yesterday.median,
      newestMs: newest.median,
      newestBytes: newest.first.body.byteLength,
      listMs: list.ms,
      versions,
      segments: year.segments,
      historyBytes: year.historyBytes,
      buildS: year.buildMs / 1000,
      contentOk: contentOk ? 100 : 0,
    };
  } finally {
    await server.stop();
    removeDir(runDir);
    removeDir(year.dir);
  }
}

type Mode = 'off' | 'on';
const MODES: Mode[] = ['off', 'on'];

/** Runs `body` with our server's history switched off or on (servers.ts passes the environment on). */
async function withMode<T>(mode: Mode, body: () => Promise<T>): Promise<T> {
  const before = process.env.HISTORY_TIERS;
  if (mode === 'off') process.env.HISTORY_TIERS = 'off';
  else delete process.env.HISTORY_TIERS;
  try {
    return await body();
  } finally {
    if (before === undefined) delete process.env.HISTORY_TIERS;
    else process.env.HISTORY_TIERS = before;
  }
}

async function liveFigures(quick: boolean, runs: number, pool: GeneratorPool, seed: number) {
  const plan = makePlan(quick, pool, seed);
  const cold = coldLoadScenario(quick ? 5_000 : 100_000);
  const load = loadScenario({
    name: 'edits-300x1',
    rooms: 1,
    clientsPerRoom: quick ? 60 : 300,
    editsPerSecond: 1,
    awareness: 'unaligned',
  });
  const results: Record<Mode, { cold: Metrics[]; load: Metrics[]; append: number[] }> = {
    off: { cold: [], load: [], append: [] },
    on: { cold: [], load: [], append: [] },
  };
  const prepared: Partial<Record<Mode, unknown>> = {};
  try {
    for (const mode of MODES) {
      prepared[mode] = await withMode(mode, () => cold.prepare!('ours', plan.settings));
      process.stderr.write(`  history ${mode}: cold-load history built\n`);
    }
    const appendUpdates = smallUpdateHistory(quick ? 2_000 : 20_000, 11).updates;
    // Runs outer, modes inner: drift on the machine spreads over both.
    for (let run = 0; run < runs; run++) {
      for (const mode of MODES) {
        const coldMetrics = await withMode(mode, () => cold.run('ours', plan.settings, run, prepared[mode]));
        const loadMetrics = await withMode(mode, () => load.run('ours', plan.settings, run, undefined));
        const append = await appendMicros(appendUpdates, mode === 'on');
        results[mode].cold.push(coldMetrics);
        results[mode].load.push(loadMetrics);
        results[mode].append.push(append);
        process.stderr.write(
          `  history ${mode} run ${run + 1}/${runs}: cold load ${coldMetrics.fullReceivedMs?.toFixed(0)} ms, ` +
            `p99 ${loadMetrics.p99?.toFixed(1)} ms, cpu/update ${loadMetrics.cpuPerUpdate?.toFixed(2)} µs, ` +
            `append ${append.toFixed(1)} µs\n`,
        );
      }
    }
  } finally {
    for (const mode of MODES) if (prepared[mode]) await cold.cleanup!(prepared[mode]);
  }
  const medianOf = (list: Metrics[], key: string) => median(list.map((m) => m[key] ?? Number.NaN));
  return Object.fromEntries(
    MODES.map((mode) => {
      const r = results[mode];
      return [
        mode,
        {
          coldFullReceivedMs: medianOf(r.cold, 'fullReceivedMs'),
          coldDiskBytes: medianOf(r.cold, 'diskBytes'),
          coldBuildUpdatesPerS: medianOf(r.cold, 'buildUpdatesPerS'),
          editsP50: medianOf(r.load, 'p50'),
          editsP99: medianOf(r.load, 'p99'),
          editsCpuPerUpdate: medianOf(r.load, 'cpuPerUpdate'),
          editsDelivered: medianOf(r.load, 'delivered'),
          appendMicros: median(r.append),
        },
      ];
    }),
  ) as unknown as Record<Mode, Metrics>;
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      runs: { type: 'string' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string', default: 'bench-results' },
      parts: { type: 'string', default: 'disk,open,live' },
    },
  });
  const parts = new Set(values.parts.split(','));
  installCleanupHandlers();
  buildServerBundle();
  const quick = values.quick;
  const runs = values.runs === undefined ? (quick ? 1 : 3) : Number(values.runs);
  const machine = machineInfo();
  console.log(
    `Trellis history bench ${quick ? '(QUICK: scaled down) ' : ''}on ${machine.cores} cores, load average ${machine.loadAverage
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );

  const results: Record<string, unknown> = { machine, quick, runs };
  if (parts.has('disk')) results.disk = await diskPart(quick);
  if (parts.has('open')) results.open = await openPart(quick);
  if (parts.has('live')) results.live = await livePart(quick, runs, Number(values.seed));
  const outDir = path.resolve(REPO_ROOT, values.out);
  mkdirSync(outDir, { recursive: true });
  const outFile = path.join(outDir, `history-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(outFile, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nresults: ${path.relative(REPO_ROOT, outFile)}`);
}

async function diskPart(quick: boolean) {
  const disk = {
    board: await diskPer1000(boardEdits(quick ? 300 : 1000)),
    description: await diskPer1000(typedDescription(quick ? 300 : 1000)),
  };
  console.log('\nhistory disk per 1,000 edits');
  console.log(
    '| content | every change (last 24 h) | one per hour (≤ 30 days) | one per day (≤ 1 year) | on disk then (LevelDB, compressed): on − off |',
  );
  console.log('|---|---|---|---|---|');
  for (const [name, d] of Object.entries(disk)) {
    console.log(
      `| ${name} | ${kib(d.changeTier)} | ${kib(d.hourTier)} | ${kib(d.dayTier)} | ${kib(d.levelDbDelta)} |`,
    );
  }

  return disk;
}

async function openPart(quick: boolean) {
  const changes = quick ? 10_000 : 100_000;
  process.stderr.write(`\nbuilding a year of history: ${changes.toLocaleString('en')} changes\n`);
  const open = await openFigures(changes, quick ? 3 : 5);
  console.log(
    `\nopening versions of a board with ${changes.toLocaleString('en')} changes over a year (server on the stored dir)`,
  );
  console.log('| figure | value |');
  console.log('|---|---|');
  const verdict =
    open.yearAgoFirstMs! <= OPEN_TARGET_MS && open.yearAgoMs! <= OPEN_TARGET_MS ? 'PASS' : 'MISS';
  console.log(
    `| a year ago, first request after start | ${open.yearAgoFirstMs!.toFixed(1)} ms (≤ ${OPEN_TARGET_MS} ms: ${verdict}) |`,
  );
  console.log(`| a year ago, median of later requests | ${open.yearAgoMs!.toFixed(1)} ms |`);
  console.log(`| yesterday | ${open.yesterdayMs!.toFixed(1)} ms |`);
  console.log(`| newest | ${open.newestMs!.toFixed(1)} ms (${kib(open.newestBytes!)}) |`);
  console.log(`| listing (${open.versions} versions) | ${open.listMs!.toFixed(1)} ms |`);
  console.log(`| history kept | ${open.segments} segments, ${kib(open.historyBytes!)} |`);
  console.log(`| content matches | ${open.contentOk === 100 ? 'yes' : 'NO'} |`);
  return open;
}

async function livePart(quick: boolean, runs: number, seed: number) {
  const pool = new GeneratorPool(2);
  let live: Record<Mode, Metrics>;
  try {
    live = await liveFigures(quick, runs, pool, seed);
  } finally {
    await pool.stopAll();
  }
  console.log(`\nlive path, history off vs on (medians of ${runs} runs, alternating)`);
  console.log('| figure | off | on | on ÷ off |');
  console.log('|---|---|---|---|');
  const rows: Array<[string, string, (v: number) => string]> = [
    ['coldFullReceivedMs', 'cold load: full content received', (v) => `${v.toFixed(0)} ms`],
    ['coldBuildUpdatesPerS', 'cold-load build: updates accepted', (v) => `${v.toFixed(0)}/s`],
    ['coldDiskBytes', 'cold-load data dir', (v) => kib(v)],
    ['editsP50', '300 × 1/s: p50', (v) => `${v.toFixed(1)} ms`],
    ['editsP99', '300 × 1/s: p99', (v) => `${v.toFixed(1)} ms`],
    ['editsCpuPerUpdate', '300 × 1/s: server CPU per delivered update', (v) => `${v.toFixed(2)} µs`],
    ['editsDelivered', '300 × 1/s: delivered', (v) => `${v.toFixed(1)} %`],
    ['appendMicros', 'store append (one awaited write)', (v) => `${v.toFixed(1)} µs`],
  ];
  for (const [key, label, format] of rows) {
    const off = live.off[key]!;
    const on = live.on[key]!;
    console.log(`| ${label} | ${format(off)} | ${format(on)} | ${(on / off).toFixed(2)}× |`);
  }
  return live;
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
