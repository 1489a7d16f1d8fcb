/**
 * Browser benchmark: `npm run bench -- --only browser` (or `npx tsx test/bench/browser/run.ts`)
 * `[--quick] [--runs N] [--clients current,<git revision>…]`.
 *
 * Real Chromium (Debian's, through playwright-core) opens a board of 2,000 cards in 20 columns, 300 of them
 * with descriptions, served by our server (the bundle `npm start` runs), and measures what a person waits
 * for: opening it offline from IndexedDB, a move made in another window until it is painted, typing at the end
 * of a 100,000-character description, the JS heap, opening a card panel. This tree's client and the client
 * of the baseline revision are built side by side and measured in the same run, alternating, against the
 * same server build and board. Prints one table with the targets (PASS/MISS) and writes
 * bench-results/browser-<time>.json with every sample.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../e2e/support/chromium';
import { buildServerBundle } from '../../integration/support/build-server';
import { installCleanupHandlers } from '../children';
import { machineInfo } from '../proc';
import { REPO_ROOT } from '../servers';
import { median, percentile } from '../stats';
import { buildBaselineClient, buildCurrentClient, type ClientBuild } from './clients';
import { fmt, measureClient, type RunCounts, type Samples } from './driver';
import { BIG_BOARD, seedBoard, storeRooms } from './seed';

/** The client before the work on big boards (memoised card views, incremental reads, the first sync). */
export const DEFAULT_BASELINE = '38b2d163eb7112409bb9159b3c51a121424a03d3';

interface Figure {
  key: string;
  label: string;
  /** Reads one run's value from its samples. */
  read: (s: Samples) => number;
  unit: 'ms' | 'MB' | '%';
  /** At most this (PASS/MISS); absent: shown for information. */
  target?: number;
}

const p95 = (values: readonly number[]) => percentile(values, 95);
const p50 = (values: readonly number[]) => percentile(values, 50);

const FIGURES: Figure[] = [
  {
    key: 'offlineFirstCards',
    label: 'offline open: first cards visible (median of opens)',
    read: (s) => median(s.offlineFirstCardMs),
    unit: 'ms',
    target: 500,
  },
  {
    key: 'offlineInteractive',
    label: 'offline open: interactive (no long task for 1 s)',
    read: (s) => median(s.offlineInteractiveMs),
    unit: 'ms',
    target: 1_000,
  },
  {
    key: 'offlineBlocking',
    label: 'offline open: total blocking time',
    read: (s) => median(s.offlineBlockingMs),
    unit: 'ms',
  },
  {
    key: 'remoteMoveP95',
    label: 'move in another window until painted: p95',
    read: (s) => p95(s.remoteMoveMs),
    unit: 'ms',
    target: 50,
  },
  {
    key: 'remoteMoveP50',
    label: 'move in another window until painted: p50',
    read: (s) => p50(s.remoteMoveMs),
    unit: 'ms',
  },
  {
    key: 'remoteMoveHereP95',
    label: 'the same, from its arrival in this window: p95',
    read: (s) => p95(s.remoteMoveHereMs),
    unit: 'ms',
  },
  {
    key: 'typingP95',
    label: 'typing, 100,000 chars: keydown to next paint p95',
    read: (s) => p95(s.keyMs),
    unit: 'ms',
    target: 16,
  },
  {
    key: 'typingP50',
    label: 'typing, 100,000 chars: keydown to next paint p50',
    read: (s) => p50(s.keyMs),
    unit: 'ms',
  },
  {
    key: 'typingEventTiming',
    label: 'typing: keydowns with an Event Timing duration ≥ 16 ms (to presentation)',
    read: (s) => (100 * s.keyEventTimingMs.length) / Math.max(1, s.keyMs.length),
    unit: '%',
  },
  {
    key: 'heap',
    label: 'JS heap after the board and 10 descriptions',
    read: (s) => s.heapMb,
    unit: 'MB',
    target: 150,
  },
  { key: 'heapAfterGc', label: 'JS heap, after a forced GC', read: (s) => s.heapAfterGcMb, unit: 'MB' },
  {
    key: 'panelP95',
    label: 'card panel open, click to dialog painted: p95',
    read: (s) => p95(s.panelMs),
    unit: 'ms',
    target: 100,
  },
  {
    key: 'panelDescriptionP50',
    label: 'card panel open, click to description text painted: p50',
    read: (s) => p50(s.panelDescriptionMs),
    unit: 'ms',
  },
  {
    key: 'onlineFirstCards',
    label: 'online first open: first cards visible',
    read: (s) => s.onlineFirstCardMs,
    unit: 'ms',
  },
  {
    key: 'onlineInteractive',
    label: 'online first open: interactive',
    read: (s) => s.onlineInteractiveMs,
    unit: 'ms',
  },
];

const HELP = `usage: npx tsx test/bench/browser/run.ts [--quick] [--runs N] [--clients a,b]
  --quick          one run, fewer samples (figures not meaningful)
  --runs N         runs per client (default 3); each figure is the median of the runs
  --clients a,b    the clients to measure, the first one judged against the targets: \`current\` (this working
                   tree) or a git revision (default current,${DEFAULT_BASELINE.slice(0, 7)}: the client before the work on
                   big boards)`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      runs: { type: 'string' },
      clients: { type: 'string', default: `current,${DEFAULT_BASELINE}` },
      out: { type: 'string', default: 'bench-results' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  installCleanupHandlers();
  const runs = values.runs === undefined ? (values.quick ? 1 : 3) : Number(values.runs);
  if (!(Number.isInteger(runs) && runs >= 1)) throw new Error('--runs: expected a positive integer');
  const counts: RunCounts = values.quick
    ? { offlineOpens: 2, panels: 10, moves: 10, keys: 40 }
    : { offlineOpens: 5, panels: 10, moves: 30, keys: 100 };

  const machine = machineInfo();
  console.log(
    `Trellis browser bench ${values.quick ? '(QUICK: fewer samples) ' : ''}on ${machine.cores} cores, load average ${machine.loadAverage.map((l) => l.toFixed(2)).join(' ')}; Chromium ${CHROMIUM_PATH}`,
  );
  buildServerBundle();
  const workDir = mkdtempSync(path.join(tmpdir(), 'trellis-bench-browser-'));
  try {
    const clients: ClientBuild[] = values.clients
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== '')
      .map((name) => (name === 'current' ? buildCurrentClient(workDir) : buildBaselineClient(workDir, name)));
    if (clients.length === 0) throw new Error('--clients: name at least one client');
    const started = performance.now();
    const board = seedBoard(BIG_BOARD);
    const seedDir = path.join(workDir, 'seed-data');
    await storeRooms(seedDir, board.rooms);
    process.stderr.write(
      `board: ${BIG_BOARD.cards} cards in ${BIG_BOARD.columns} columns, ${BIG_BOARD.descriptions} descriptions (one of ${BIG_BOARD.longDescriptionChars.toLocaleString('en')} characters), board state ${(board.boardBytes / 1024).toFixed(0)} KiB, seeded in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
    );

    const browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    const results = new Map<string, Samples[]>(clients.map((c) => [c.name, []]));
    const loads = new Map<string, number[]>(clients.map((c) => [c.name, []]));
    try {
      // Runs outer, clients inner: drift on the shared machine spreads over both clients.
      for (let run = 0; run < runs; run++) {
        for (const client of clients) {
          const load1 = machineInfo().loadAverage[0];
          process.stderr.write(
            `\n[${client.name}] run ${run + 1}/${runs} (load average ${load1.toFixed(2)})\n`,
          );
          const samples = await measureClient(browser, client.dir, seedDir, board, counts, (line) =>
            process.stderr.write(`  ${line}\n`),
          );
          results.get(client.name)?.push(samples);
          loads.get(client.name)?.push(load1);
        }
      }
    } finally {
      await browser.close();
    }
    console.log(renderTable(clients, results, runs));
    const outDir = path.resolve(REPO_ROOT, values.out);
    mkdirSync(outDir, { recursive: true });
    const outFile = path.join(outDir, `browser-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(
      outFile,
      `${JSON.stringify({ machine, runs, counts, board: BIG_BOARD, clients: clients.map((c) => c.name), loadAverages: Object.fromEntries(loads), samples: Object.fromEntries(results) }, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`,
    );
    console.log(
      `\nload average at end ${machineInfo()
        .loadAverage.map((l) => l.toFixed(2))
        .join(' ')}; results: ${path.relative(REPO_ROOT, outFile)}`,
    );
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

function format(value: number, unit: Figure['unit']): string {
  if (!Number.isFinite(value)) return 'N/A';
  if (unit === 'MB') return `${value.toFixed(1)} MB`;
  if (unit === '%') return `${value.toFixed(0)} %`;
  return value < 100 ? `${value.toFixed(1)} ms` : `${Math.round(value)} ms`;
}

function renderTable(clients: ClientBuild[], results: Map<string, Samples[]>, runs: number): string {
  const header = ['figure (median of runs)', 'target', ...clients.map((c) => c.name), 'result'];
  const rows = FIGURES.map((figure) => {
    const values = clients.map((c) => median((results.get(c.name) ?? []).map(figure.read)));
    const ours = values[0] ?? Number.NaN;
    const target = figure.target === undefined ? '–' : `≤ ${format(figure.target, figure.unit)}`;
    const result =
      figure.target === undefined ? '' : Number.isFinite(ours) && ours <= figure.target ? 'PASS' : 'MISS';
    return [figure.label, target, ...values.map((v) => format(v, figure.unit)), result];
  });
  const all = [header, ...rows];
  const widths = header.map((_, col) => Math.max(...all.map((r) => (r[col] ?? '').length)));
  const lines = all.map((row) =>
    row
      .map((cell, col) => (col === 0 ? cell.padEnd(widths[col] ?? 0) : cell.padStart(widths[col] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
  const detail = clients
    .map((c) => {
      const last = results.get(c.name)?.at(-1);
      return last
        ? `  ${c.name}, last run: remote move ${fmt(last.remoteMoveMs)}; typing ${fmt(last.keyMs)}`
        : '';
    })
    .join('\n');
  return `\n== browser: big board (${runs} run(s) per client)\n${lines[0]}\n${'-'.repeat(lines[0]?.length ?? 0)}\n${lines.slice(1).join('\n')}\n${detail}`;
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
