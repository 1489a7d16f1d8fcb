/** The scenarios of a full run and of a `--quick` smoke run, and the targets the report checks. */

import type { GeneratorPool } from './generators';
import { coldLoadScenario } from './scenarios/cold-load';
import type { BenchSettings, Scenario } from './scenarios/common';
import { joinStormScenario } from './scenarios/join-storm';
import { loadScenario } from './scenarios/load';
import { memoryScenario } from './scenarios/memory';
import { slowReaderScenario } from './scenarios/slow-reader';
import type { ServerKind } from './servers';

export interface Plan {
  settings: BenchSettings;
  defaultRuns: number;
  scenarios: Scenario[];
}

/**
 * One board with N clients at 1 edit/s each (N × (N − 1) deliveries/s asked), ramped up in bounded
 * steps to find the largest N that holds its targets; the last step is the 1,000-client target.
 */
export function crowdSteps(quick: boolean): number[] {
  return quick ? [20, 40] : [100, 200, 400, 700, 1000];
}

export function makePlan(quick: boolean, generators: GeneratorPool, seed: number): Plan {
  // Quick: the same scenarios scaled down for a smoke run under ~2 minutes; targets are not meaningful.
  const clients = (full: number, small: number): number => (quick ? small : full);
  return {
    settings: {
      quick,
      generators,
      loadMs: quick ? 3_000 : 10_000,
      drainDeadlineMs: quick ? 4_000 : 10_000,
      seed,
    },
    defaultRuns: quick ? 1 : 3,
    scenarios: [
      loadScenario({
        name: 'edits-100x1',
        rooms: 1,
        clientsPerRoom: clients(100, 30),
        editsPerSecond: 1,
        awareness: 'unaligned',
      }),
      loadScenario({
        name: 'edits-300x1',
        rooms: 1,
        clientsPerRoom: clients(300, 60),
        editsPerSecond: 1,
        awareness: 'unaligned',
      }),
      loadScenario({
        name: 'edits-300x1-aligned',
        rooms: 1,
        clientsPerRoom: clients(300, 60),
        editsPerSecond: 1,
        awareness: 'aligned',
      }),
      loadScenario({
        name: 'edits-300x4',
        rooms: 1,
        clientsPerRoom: clients(300, 60),
        editsPerSecond: 4,
        awareness: 'unaligned',
      }),
      loadScenario({
        name: 'boards-50x4x2',
        rooms: clients(50, 10),
        clientsPerRoom: 4,
        editsPerSecond: 2,
        awareness: 'unaligned',
      }),
      joinStormScenario(clients(500, 100), 100),
      coldLoadScenario(clients(100_000, 5_000)),
      memoryScenario(clients(1000, 200)),
      slowReaderScenario(clients(25, 10) * 1024 * 1024),
      // Latency at moderate load with durability on (ours stores before it broadcasts), against
      // Hocuspocus too, which broadcasts without storing anything.
      {
        ...loadScenario({
          name: 'latency',
          rooms: 1,
          clientsPerRoom: clients(100, 30),
          editsPerSecond: 1,
          awareness: 'unaligned',
        }),
        extraServers: ['hocuspocus'],
      },
      ...crowdSteps(quick).map((n) =>
        loadScenario({
          name: `crowd-${n}`,
          rooms: 1,
          clientsPerRoom: n,
          editsPerSecond: 1,
          awareness: 'unaligned',
        }),
      ),
    ],
  };
}

/** A target the lead tunes our server against; `limit` applies to `ours` or to a ratio of it. */
export interface Target {
  scenario: string;
  metric: string;
  /**
   * 'value': ours ≤ limit (or ≥ for `atLeast`); 'vsRaw' / 'vsReference': ours ÷ other ≤ limit;
   * 'vsBestPeer': ours ÷ the best of the reference server and Hocuspocus ≤ limit.
   */
  kind: 'value' | 'vsRaw' | 'vsReference' | 'vsBestPeer';
  limit: number;
  atLeast?: boolean;
  text: string;
}

export const TARGETS: Target[] = [
  { scenario: 'edits-300x1', metric: 'p99', kind: 'vsRaw', limit: 1.0, text: '≤ 1.0× raw' },
  { scenario: 'edits-300x1', metric: 'cpuPerUpdate', kind: 'vsRaw', limit: 1.0, text: '≤ 1.0× raw' },
  { scenario: 'edits-300x1-aligned', metric: 'p99', kind: 'vsRaw', limit: 1.2, text: '≤ 1.2× raw' },
  { scenario: 'edits-300x4', metric: 'delivered', kind: 'value', limit: 100, atLeast: true, text: '100 %' },
  { scenario: 'edits-300x4', metric: 'p99', kind: 'value', limit: 150, text: '≤ 150 ms' },
  { scenario: 'join-storm', metric: 'allSyncedMs', kind: 'vsRaw', limit: 3, text: '≤ 3× raw' },
  // "The full content in the first sync reply, ≤ 0.3 s": when the frame completing the document
  // arrives. Applying 1.1 MiB in the client's Yjs takes ~0.3 s more on this machine, whatever server.
  { scenario: 'cold-load', metric: 'fullReceivedMs', kind: 'value', limit: 300, text: '≤ 300 ms' },
  { scenario: 'cold-load', metric: 'diskRatio', kind: 'value', limit: 1.5, text: '≤ 1.5× state' },
  { scenario: 'memory', metric: 'perConnection', kind: 'vsReference', limit: 1.0, text: '≤ reference' },
  { scenario: 'memory', metric: 'perDocument', kind: 'vsReference', limit: 1.0, text: '≤ reference' },
  {
    scenario: 'slow-reader',
    metric: 'perStalledReader',
    kind: 'value',
    limit: 8 * 1024 * 1024,
    text: '≤ 8 MiB',
  },
  { scenario: 'slow-reader', metric: 'dropped', kind: 'value', limit: 0, text: 'none' },
  { scenario: 'latency', metric: 'p99', kind: 'vsBestPeer', limit: 1.0, text: '≤ best peer' },
  { scenario: 'latency', metric: 'p99', kind: 'vsRaw', limit: 1.0, text: '≤ 1.0× raw' },
  ...[...new Set([...crowdSteps(false), ...crowdSteps(true)])].flatMap((n): Target[] => [
    { scenario: `crowd-${n}`, metric: 'delivered', kind: 'value', limit: 100, atLeast: true, text: '100 %' },
    { scenario: `crowd-${n}`, metric: 'p99', kind: 'vsRaw', limit: 1.0, text: '≤ 1.0× raw' },
  ]),
];

export type Medians = Partial<Record<ServerKind, Record<string, number>>>;

/** PASS / MISS, or '' when a figure it needs was not measured. */
export function judge(target: Target, medians: Medians): { verdict: 'PASS' | 'MISS' | ''; value: number } {
  const ours = medians.ours?.[target.metric] ?? Number.NaN;
  let value = ours;
  if (target.kind === 'vsRaw') value = ours / (medians.raw?.[target.metric] ?? Number.NaN);
  if (target.kind === 'vsReference') value = ours / (medians.reference?.[target.metric] ?? Number.NaN);
  if (target.kind === 'vsBestPeer') {
    const peers = [medians.reference?.[target.metric], medians.hocuspocus?.[target.metric]].filter(
      (v): v is number => v !== undefined && Number.isFinite(v),
    );
    value = peers.length > 0 ? ours / Math.min(...peers) : Number.NaN;
  }
  if (!Number.isFinite(value)) return { verdict: '', value };
  const pass = target.atLeast ? value >= target.limit : value <= target.limit;
  return { verdict: pass ? 'PASS' : 'MISS', value };
}

/**
 * The servers in the order one run measures them: each run starts one further along (wrapping round),
 * so over the runs every server is measured in every place of a run equally often.
 */
export function serverOrder<T>(servers: readonly T[], run: number): T[] {
  if (servers.length === 0) return [];
  const start = run % servers.length;
  return [...servers.slice(start), ...servers.slice(0, start)];
}
