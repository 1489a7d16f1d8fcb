/** The stdout table: one block per scenario, medians per server, ratios and PASS/MISS per target. */
import { judge, type Medians, TARGETS } from './plan';
import type { MetricSpec } from './scenarios/common';
import { GENERATOR_LAGGING_MS, GENERATOR_SATURATED_CORES } from './scenarios/common';
import type { ServerKind } from './servers';

export function formatValue(value: number | undefined, unit: MetricSpec['unit']): string {
  if (value === undefined || !Number.isFinite(value)) return 'N/A';
  switch (unit) {
    case 'ms':
      return value < 10
        ? `${value.toFixed(2)} ms`
        : value < 100
          ? `${value.toFixed(1)} ms`
          : `${Math.round(value)} ms`;
    case 'µs':
      return `${value.toFixed(value < 10 ? 2 : 1)} µs`;
    case 'B': {
      const abs = Math.abs(value);
      if (abs >= 1024 * 1024) return `${(value / (1024 * 1024)).toFixed(1)} MiB`;
      if (abs >= 1024) return `${(value / 1024).toFixed(1)} KiB`;
      return `${Math.round(value)} B`;
    }
    case '%':
      return value === 100 ? '100 %' : `${value.toFixed(2)} %`;
    case 'x':
      return `${value.toFixed(2)}×`;
    case 'cores':
      return value.toFixed(2);
    case '/s':
      return `${Math.round(value).toLocaleString('en')}/s`;
    case 'count':
      return Math.round(value).toLocaleString('en');
  }
}

function ratio(a: number | undefined, b: number | undefined): string {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return '';
  return `${(a / b).toFixed(2)}×`;
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? '').length))) ?? [];
  return rows
    .map((row, i) => {
      const line = row.map((cell, col) =>
        col === 0 ? cell.padEnd(widths[col] ?? 0) : cell.padStart(widths[col] ?? 0),
      );
      const text = line.join('  ').trimEnd();
      return i === 0 ? `${text}\n${'-'.repeat(text.length)}` : text;
    })
    .join('\n');
}

export interface ScenarioReport {
  name: string;
  description: string;
  metrics: MetricSpec[];
  servers: ServerKind[];
  medians: Medians;
  runs: Partial<Record<ServerKind, Record<string, number>[]>>;
  errors: Partial<Record<ServerKind, string[]>>;
  notApplicable: ServerKind[];
}

export function renderScenario(report: ScenarioReport, runsWanted: number): string {
  const withHocuspocus = report.servers.includes('hocuspocus');
  const header = [
    'metric',
    ...report.servers,
    'ours÷ref',
    'ours÷raw',
    ...(withHocuspocus ? ['ours÷hp'] : []),
    'target',
    'result',
  ];
  const rows: string[][] = [header];
  for (const metric of report.metrics) {
    const cells = report.servers.map((kind) =>
      report.notApplicable.includes(kind)
        ? 'N/A'
        : formatValue(report.medians[kind]?.[metric.key], metric.unit),
    );
    const target = TARGETS.find((t) => t.scenario === report.name && t.metric === metric.key);
    const verdict = target ? judge(target, report.medians).verdict || 'n/m' : '';
    rows.push([
      metric.label,
      ...cells,
      ratio(report.medians.ours?.[metric.key], report.medians.reference?.[metric.key]),
      ratio(report.medians.ours?.[metric.key], report.medians.raw?.[metric.key]),
      ...(withHocuspocus
        ? [ratio(report.medians.ours?.[metric.key], report.medians.hocuspocus?.[metric.key])]
        : []),
      target?.text ?? '',
      verdict,
    ]);
  }
  const lines = [`\n== ${report.name}: ${report.description} (median of ${runsWanted} run(s))`, table(rows)];
  for (const kind of report.servers) {
    for (const error of report.errors[kind] ?? []) lines.push(`  ! ${kind}: ${error.split('\n')[0]}`);
  }
  const partial = report.servers.filter((k) => (report.medians[k]?.delivered ?? 100) < 100);
  if (partial.length > 0) {
    lines.push(
      `  note: ${partial.join(', ')} did not deliver every edit within the deadline: their latency ` +
        'percentiles cover the delivered edits only (the missing ones would be slower).',
    );
  }
  lines.push(...generatorNotes(report));
  for (const kind of report.servers) {
    const runs = report.runs[kind] ?? [];
    const codes = new Set(runs.flatMap((r) => Object.keys(r).filter((k) => k.startsWith('closeCode'))));
    if (codes.size === 0) continue;
    const perRun = [...codes]
      .map((key) => `${key.slice('closeCode'.length)}: ${runs.map((r) => r[key] ?? 0).join('/')}`)
      .join(', ');
    lines.push(`  ${kind}: clients closed unexpectedly, by close code (per run): ${perRun}`);
  }
  const loads = report.servers.flatMap((k) => (report.runs[k] ?? []).map((r) => r.load1 ?? Number.NaN));
  const finite = loads.filter((l) => Number.isFinite(l));
  if (finite.length > 0) {
    lines.push(
      `  machine load average (1 min) at run starts: ${Math.min(...finite).toFixed(1)}–${Math.max(...finite).toFixed(1)}`,
    );
  }
  return lines.join('\n');
}

/** Say when a load generator was near a full core: its clocks ran late and latencies include that. */
function generatorNotes(report: ScenarioReport): string[] {
  const notes: string[] = [];
  for (const kind of report.servers) {
    const runs = report.runs[kind] ?? [];
    const cores = runs
      .map((r) => r.genCores)
      .filter((v): v is number => v !== undefined && Number.isFinite(v));
    if (cores.length === 0) continue;
    const busiest = Math.max(...cores);
    const lags = runs
      .map((r) => r.genLagP99)
      .filter((v): v is number => v !== undefined && Number.isFinite(v));
    const lag = lags.length > 0 ? Math.max(...lags) : Number.NaN;
    const serverCores = runs.map((r) => r.serverCores).filter((v): v is number => v !== undefined);
    const server = serverCores.length > 0 ? `, server ${Math.max(...serverCores).toFixed(2)} core` : '';
    const saturated = busiest >= GENERATOR_SATURATED_CORES;
    const lagging = !saturated && lag >= GENERATOR_LAGGING_MS;
    notes.push(
      `  generators (${kind}), worst run: busiest ${busiest.toFixed(2)} core` +
        (Number.isFinite(lag) ? `, loop delay p99 ${lag.toFixed(1)} ms` : '') +
        server +
        (saturated ? '  << GENERATOR SATURATED: latencies include its queueing' : '') +
        (lagging ? '  << generator loop ran late (machine busy?): latencies include that delay' : ''),
    );
  }
  return notes;
}

export function renderSummary(reports: ScenarioReport[]): string {
  const rows: string[][] = [['target', 'ours', 'limit', 'result']];
  for (const target of TARGETS) {
    const report = reports.find((r) => r.name === target.scenario);
    if (!report) continue;
    const { verdict, value } = judge(target, report.medians);
    const shown =
      target.kind === 'value'
        ? formatValue(value, report.metrics.find((m) => m.key === target.metric)?.unit ?? 'count')
        : Number.isFinite(value)
          ? `${value.toFixed(2)}×`
          : 'N/A';
    rows.push([`${target.scenario} ${target.metric}`, shown, target.text, verdict || 'not measured']);
  }
  return `\n== targets for our server\n${table(rows)}`;
}

/**
 * The crowd ramp's verdict: the largest step whose every target held (all delivered, p99 ≤ 1.0× the
 * raw relay's), and for each step where the CPU went: the busiest generator and all of them together
 * against the server (2 cores are shared by the server and the generators).
 */
export function renderCrowdCeiling(reports: ScenarioReport[]): string | null {
  const steps = reports
    .filter((r) => /^crowd-\d+$/.test(r.name))
    .map((r) => ({ report: r, clients: Number(r.name.slice('crowd-'.length)) }))
    .sort((a, b) => a.clients - b.clients);
  if (steps.length === 0) return null;
  const rows: string[][] = [
    [
      'clients',
      'asked/s',
      'delivered',
      'p99 ours',
      'p99 raw',
      'raw delivered',
      'ours÷raw',
      'server cores',
      'gen cores (all)',
      'busiest gen',
      'holds',
    ],
  ];
  let ceiling: number | null = null;
  for (const { report, clients } of steps) {
    const ours = report.medians.ours ?? {};
    const raw = report.medians.raw ?? {};
    const holds = TARGETS.filter((t) => t.scenario === report.name).every(
      (t) => judge(t, report.medians).verdict === 'PASS',
    );
    if (holds) ceiling = clients;
    rows.push([
      String(clients),
      formatValue(clients * (clients - 1), '/s'),
      formatValue(ours.delivered, '%'),
      formatValue(ours.p99, 'ms'),
      formatValue(raw.p99, 'ms'),
      formatValue(raw.delivered, '%'),
      ratio(ours.p99, raw.p99),
      formatValue(ours.serverCores, 'cores'),
      formatValue(ours.genCoresTotal, 'cores'),
      formatValue(ours.genCores, 'cores'),
      holds ? 'yes' : 'no',
    ]);
  }
  return (
    `\n== crowd ramp (1 board × N clients × 1 edit/s), our server\n${table(rows)}\n` +
    `  highest client count that holds (100 % delivered, p99 ≤ 1.0× raw): ${ceiling ?? 'none of the steps'}\n` +
    '  (where the raw relay delivered less than 100 %, its p99 covers what it delivered: it, or its\n' +
    '  generators, saturated first, and the ratio compares against an incomplete baseline)'
  );
}
