/**
 * `npm run bench [-- --quick] [--runs N] [--only a,b] [--servers ours,reference,raw] [--generators N]`
 *
 * Starts each server under test as its own process (our sync server on LevelDB, the reference
 * @y/websocket-server with y-leveldb, a raw websocket relay), drives it from forked load-generator
 * processes, prints one table per scenario with the median of the runs, ratios and PASS/MISS per
 * target, and writes everything to bench-results/<timestamp>.json.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildServerBundle } from '../integration/support/build-server';
import { installCleanupHandlers } from './children';
import { GeneratorPool } from './generators';
import { makePlan, type Plan, serverOrder } from './plan';
import { machineInfo } from './proc';
import { renderCrowdCeiling, renderScenario, renderSummary, type ScenarioReport } from './report';
import type { Metrics } from './scenarios/common';
import { DEFAULT_SERVERS, REPO_ROOT, SERVER_KINDS, type ServerKind } from './servers';
import { median } from './stats';

const HELP = `usage: npm run bench -- [options]
  --quick               scaled-down smoke run (~2 min), 1 run by default
  --runs N              runs per scenario and server (default 3, quick 1); medians are reported
  --only a,b            scenarios to run (names or prefixes: edits, boards-50x4x2, join-storm, cold-load, memory,
                        slow-reader, scaleout: three instances on Redis + PostgreSQL, history: the
                        history's disk, opening old versions, the live path with history off vs on;
                        browser: the client in Chromium on a board of 2,000 cards, this tree's
                        against an earlier commit's; feed-size: a board's encoded size after 100,000
                        changes with the activity feed and without; mux: one socket per tab against
                        one per document (a tab reconnecting, RSS per tab, a reconnect storm);
                        idle: 20,000 idle connections over 2,000 boards (RSS, reconnect after a
                        restart) and 10,000 idle boards (RSS, unload rate), or idle-connections /
                        idle-boards; latency: 1 board × 100 clients × 1 edit/s against Hocuspocus
                        too; crowd: 1 board × 100 … 1,000 clients × 1 edit/s and the highest count
                        that holds; the harnesses from scaleout to idle run last)
  --servers a,b         servers to measure (default ours,reference,raw; the latency scenario adds hocuspocus)
  --generators N        load-generator processes (default 2)
  --seed N              seed for edit/renewal phases (default 1)
  --out DIR             where to write the JSON (default bench-results)`;

function parseList(value: string | undefined): string[] | null {
  return value === undefined
    ? null
    : value
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      runs: { type: 'string' },
      only: { type: 'string' },
      servers: { type: 'string' },
      generators: { type: 'string', default: '2' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string', default: 'bench-results' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  installCleanupHandlers();
  const generators = Number(values.generators);
  const seed = Number(values.seed);
  if (!(Number.isInteger(generators) && generators >= 1))
    throw new Error(`--generators: expected a positive integer`);
  // Our server runs as `npm start` ships it (dist/server); scale-out instances too.
  buildServerBundle();
  const pool = new GeneratorPool(generators);
  try {
    await runPlan(values, makePlan(values.quick, pool, seed), generators, seed);
  } finally {
    await pool.stopAll();
  }
}

interface Options {
  quick: boolean;
  runs?: string | undefined;
  only?: string | undefined;
  servers?: string | undefined;
  out: string;
}

async function runPlan(values: Options, plan: Plan, generators: number, seed: number): Promise<void> {
  const runs = values.runs === undefined ? plan.defaultRuns : Number(values.runs);
  if (!(Number.isInteger(runs) && runs >= 1)) throw new Error(`--runs: expected a positive integer`);
  if (!(Number.isInteger(generators) && generators >= 1))
    throw new Error(`--generators: expected a positive integer`);

  const serverNames = parseList(values.servers) ?? [...DEFAULT_SERVERS];
  for (const name of serverNames) {
    if (!(SERVER_KINDS as readonly string[]).includes(name))
      throw new Error(`--servers: unknown server ${name}`);
  }
  const servers = serverNames as ServerKind[];
  const onlyArg = parseList(values.only);
  // `scaleout` is its own harness (Redis, PostgreSQL, three instances): run after the others.
  const runScaleOut = onlyArg === null || onlyArg.includes('scaleout');
  // `history` too: its own harness (test/bench/history.ts).
  const runHistory = onlyArg === null || onlyArg.includes('history');
  // `browser` too: the client in Chromium (test/bench/browser/run.ts).
  const runBrowser = onlyArg === null || onlyArg.includes('browser');
  // `feed-size` measures documents in one process, no server (test/bench/feed-size.ts).
  const runFeedSize = onlyArg === null || onlyArg.includes('feed-size');
  // `mux`: one socket per tab against one per document (test/bench/mux.ts).
  const runMux = onlyArg === null || onlyArg.includes('mux');
  // `idle`: 20,000 idle connections and 10,000 idle boards (test/bench/idle.ts; `idle-connections`
  // or `idle-boards` for one part).
  const idleParts = ['connections', 'boards'].filter(
    (part) => onlyArg === null || onlyArg.includes('idle') || onlyArg.includes(`idle-${part}`),
  );
  const only =
    onlyArg === null
      ? null
      : onlyArg.filter(
          (o) =>
            o !== 'scaleout' &&
            o !== 'history' &&
            o !== 'browser' &&
            o !== 'feed-size' &&
            o !== 'mux' &&
            !o.startsWith('idle'),
        );
  // A name selects that scenario; a prefix that is no scenario's name selects all it starts (`edits`).
  const names = new Set(plan.scenarios.map((s) => s.name));
  const scenarios = plan.scenarios.filter(
    (s) => only === null || only.some((o) => s.name === o || (!names.has(o) && s.name.startsWith(o))),
  );
  if (
    scenarios.length === 0 &&
    !runScaleOut &&
    !runHistory &&
    !runBrowser &&
    !runFeedSize &&
    !runMux &&
    idleParts.length === 0
  )
    throw new Error(`--only: no scenario matches ${values.only}`);

  const machine = machineInfo();
  const startedAt = new Date();
  const revision = gitRevision();
  console.log(
    `Trellis bench ${values.quick ? '(QUICK smoke run: scaled down, targets not meaningful) ' : ''}` +
      `on ${machine.cores} cores (${machine.cpuModel}), load average ${machine.loadAverage
        .map((l) => l.toFixed(2))
        .join(' ')}, node ${machine.node}`,
  );
  console.log(`revision: ${revision}`);
  console.log(
    `servers: ${servers.join(', ')}; ${runs} run(s) each; ${generators} load generators; ` +
      `load ${plan.settings.loadMs / 1000} s per run`,
  );

  const outDir = path.resolve(REPO_ROOT, values.out);
  mkdirSync(outDir, { recursive: true });
  const outFile = path.join(outDir, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  const reports: ScenarioReport[] = [];
  const save = (): void => {
    const finishedAt = new Date();
    const json = {
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      revision,
      machine,
      loadAverageAtEnd: machineInfo().loadAverage,
      options: { quick: values.quick, runs, servers, generators, seed, only },
      settings: { ...plan.settings, generators },
      scenarios: reports,
    };
    writeFileSync(
      outFile,
      `${JSON.stringify(json, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`,
    );
  };

  for (const scenario of scenarios) {
    // Without --servers, a scenario's extra peers (Hocuspocus in the latency scenario) join the default.
    const scenarioServers =
      values.servers === undefined
        ? [...servers, ...(scenario.extraServers ?? []).filter((k) => !servers.includes(k))]
        : servers;
    const notApplicable = scenarioServers.filter((k) => scenario.notApplicable?.includes(k));
    const active = scenarioServers.filter((k) => !notApplicable.includes(k));
    const report: ScenarioReport = {
      name: scenario.name,
      description: scenario.description,
      metrics: scenario.metrics,
      servers: scenarioServers,
      medians: {},
      runs: {},
      errors: {},
      notApplicable,
    };
    reports.push(report);
    process.stderr.write(`\n[${scenario.name}] ${scenario.description}\n`);
    const prepared = new Map<ServerKind, unknown>();
    try {
      for (const kind of active) {
        if (!scenario.prepare) continue;
        const started = performance.now();
        try {
          prepared.set(kind, await scenario.prepare(kind, plan.settings));
          process.stderr.write(
            `  ${kind}: prepared in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
          );
        } catch (err) {
          pushTo(report.errors, kind, `prepare: ${(err as Error).message}`);
          process.stderr.write(`  ${kind}: prepare FAILED: ${(err as Error).message}\n`);
        }
      }
      // Runs outer, servers inner: drift on the machine (others share it) spreads over all servers.
      // Each run starts with the next server, so none is always measured first (or right after the
      // same one): the place in a run left a bias of its own, 10 % on the latency p99 of one build
      // measured twice in each run.
      for (let run = 0; run < runs; run++) {
        for (const kind of serverOrder(active, run)) {
          if (scenario.prepare && !prepared.has(kind)) continue;
          const started = performance.now();
          const load1 = machineInfo().loadAverage[0];
          try {
            const metrics: Metrics = await scenario.run(kind, plan.settings, run, prepared.get(kind));
            // Others share this machine: the 1-minute load average says how busy it was.
            metrics.load1 = load1;
            pushTo(report.runs, kind, metrics);
            process.stderr.write(
              `  ${kind} run ${run + 1}/${runs} (${((performance.now() - started) / 1000).toFixed(1)} s): ${scenario.metrics
                .slice(0, 4)
                .map((m) => `${m.key}=${formatShort(metrics[m.key])}`)
                .join(' ')} (load avg ${load1.toFixed(1)})\n`,
            );
          } catch (err) {
            pushTo(report.errors, kind, `run ${run + 1}: ${(err as Error).message}`);
            process.stderr.write(`  ${kind} run ${run + 1}/${runs} FAILED: ${(err as Error).message}\n`);
          }
        }
      }
    } finally {
      for (const [, state] of prepared) await scenario.cleanup?.(state);
    }
    for (const kind of active) {
      const runsOfKind = report.runs[kind] ?? [];
      if (runsOfKind.length === 0) continue;
      const keys = new Set(runsOfKind.flatMap((r) => Object.keys(r)));
      report.medians[kind] = Object.fromEntries(
        [...keys].map((key) => [key, median(runsOfKind.map((r) => r[key] ?? Number.NaN))]),
      );
    }
    console.log(renderScenario(report, runs));
    save();
  }
  if (scenarios.length > 0) {
    console.log(renderSummary(reports));
    const crowd = renderCrowdCeiling(reports);
    if (crowd !== null) console.log(crowd);
    const end = machineInfo().loadAverage;
    console.log(
      `\nload average at end ${end.map((l) => l.toFixed(2)).join(' ')}; results: ${path.relative(REPO_ROOT, outFile)}`,
    );
    save();
  }
  const quick = values.quick ? ['--quick'] : [];
  if (runScaleOut) {
    runChildBench('scale-out', 'test/bench/scaleout.ts', 'cross-instance latency and throughput', [
      ...quick,
      '--runs',
      String(runs),
    ]);
  }
  if (runMux) {
    runChildBench('mux', 'test/bench/mux.ts', 'one socket per tab against one per document', [
      ...quick,
      '--runs',
      String(runs),
    ]);
  }
  if (idleParts.length > 0) {
    runChildBench('idle', 'test/bench/idle.ts', 'many idle connections and boards on one instance', [
      ...quick,
      ...(values.runs !== undefined ? ['--runs', values.runs] : []),
      '--parts',
      idleParts.join(','),
      ...(values.servers !== undefined ? ['--servers', values.servers] : []),
      '--out',
      values.out,
    ]);
  }
  if (runHistory) {
    runChildBench(
      'history',
      'test/bench/history.ts',
      'disk per edit, opening old versions, live path off vs on',
      [...quick, '--runs', String(runs), '--out', values.out],
    );
  }
  if (runBrowser) {
    runChildBench(
      'browser',
      'test/bench/browser/run.ts',
      'the client in Chromium on a board of 2,000 cards',
      [...quick, '--runs', String(runs), '--out', values.out],
    );
  }
  if (runFeedSize) {
    runChildBench('feed-size', 'test/bench/feed-size.ts', 'a board after 100,000 changes, feed on vs off', [
      ...quick,
      '--out',
      values.out,
    ]);
  }
}

/** Runs a bench with its own process and report (its own servers, its own --help), failing if it fails. */
function runChildBench(name: string, script: string, what: string, args: string[]): void {
  console.log(`\n== ${name} (${script}): ${what}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error(`${name} bench failed (exit ${result.status})`);
}

/** The commit measured, and whether sync-server/ had uncommitted changes (others edit it live). */
function gitRevision(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'sync-server'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    }).trim();
    return dirty === '' ? head : `${head} (sync-server/ has uncommitted changes)`;
  } catch {
    return 'unknown';
  }
}

function pushTo<T>(record: Partial<Record<ServerKind, T[]>>, kind: ServerKind, item: T): void {
  const list = record[kind] ?? [];
  list.push(item);
  record[kind] = list;
}

function formatShort(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return 'NaN';
  return Math.abs(value) >= 1000 ? Math.round(value).toString() : value.toPrecision(3);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
