/**
 * One measured run of one client build against our server holding the big board: opening it online, then
 * offline from IndexedDB (several reloads), opening card panels (and the heap after them), moves made in
 * another window, typing at the end of the 100,000-character description.
 */
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startServer } from '../servers';
import { percentile } from '../stats';
import { type BenchWindow, PROBE_SCRIPT } from './probes';
import type { SeededBoard } from './seed';

export interface Samples {
  onlineFirstCardMs: number;
  onlineInteractiveMs: number;
  offlineFirstCardMs: number[];
  offlineInteractiveMs: number[];
  /** Long tasks during each offline open: their summed time above 50 ms (total blocking time). */
  offlineBlockingMs: number[];
  remoteMoveMs: number[];
  /** The same moves from the arrival of the message that brought each to the frame painted here. */
  remoteMoveHereMs: number[];
  keyMs: number[];
  /** Keydown Event Timing entries ≥ 16 ms, out of `keyMs.length` keys typed. */
  keyEventTimingMs: number[];
  panelMs: number[];
  panelDescriptionMs: number[];
  heapMb: number;
  heapAfterGcMb: number;
}

export interface RunCounts {
  offlineOpens: number;
  panels: number;
  moves: number;
  keys: number;
}

const IDENTITY = { id: 'bench-user', name: 'Bench User', color: '#2b8a3e' };
const MOVER = { id: 'bench-mover', name: 'Bench Mover', color: '#1971c2' };

/** Skips the first-visit form: the identity is what it would have stored. */
function identityScript(identity: typeof IDENTITY): string {
  const value = JSON.stringify(JSON.stringify(identity));
  return `if (localStorage.getItem('trellis.identity') === null) localStorage.setItem('trellis.identity', ${value});`;
}
/** A page is interactive once no long task has run for this long (a shorter TTI quiet window). */
const QUIET_MS = 1_000;
const SETTLE_TIMEOUT_MS = 60_000;
/** Typing pace: a fast typist's 10 keys per second. */
const KEY_INTERVAL_MS = 100;

export async function measureClient(
  browser: Browser,
  staticDir: string,
  seedDataDir: string,
  board: SeededBoard,
  counts: RunCounts,
  log: (line: string) => void,
): Promise<Samples> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'trellis-bench-browser-data-'));
  await cp(seedDataDir, dataDir, { recursive: true });
  const server = await startServer('ours', dataDir, { STATIC_DIR: staticDir, LOG_LEVEL: 'warn' });
  const url = `http://127.0.0.1:${server.port}`;
  const context = await browser.newContext({ baseURL: url, viewport: { width: 1280, height: 800 } });
  try {
    await context.addInitScript({ content: identityScript(IDENTITY) });

    await context.addInitScript({ content: PROBE_SCRIPT });
    const page = await context.newPage();
    page.setDefaultTimeout(SETTLE_TIMEOUT_MS);
    const boardPath = `/b/${board.boardId}`;

    // Online, first visit: nothing cached, the board comes over the websocket.
    await page.goto(boardPath);
    const online = await whenInteractive(page);
    await whenFullyLoaded(page, board);
    await page.waitForFunction('navigator.serviceWorker.controller !== null', undefined, { timeout: 30_000 });
    log(
      `online open: first cards ${online.firstCardMs.toFixed(0)} ms, interactive ${online.interactiveMs.toFixed(0)} ms`,
    );

    const samples: Samples = {
      onlineFirstCardMs: online.firstCardMs,
      onlineInteractiveMs: online.interactiveMs,
      offlineFirstCardMs: [],
      offlineInteractiveMs: [],
      offlineBlockingMs: [],
      remoteMoveMs: [],
      remoteMoveHereMs: [],
      keyMs: [],
      keyEventTimingMs: [],
      panelMs: [],
      panelDescriptionMs: [],
      heapMb: Number.NaN,
      heapAfterGcMb: Number.NaN,
    };

    // Offline, from IndexedDB and the service worker's cache.
    await context.setOffline(true);
    for (let i = 0; i < counts.offlineOpens; i++) {
      await page.reload({ waitUntil: 'commit' });
      const opened = await whenInteractive(page);
      await whenFullyLoaded(page, board);
      samples.offlineFirstCardMs.push(opened.firstCardMs);
      samples.offlineInteractiveMs.push(opened.interactiveMs);
      samples.offlineBlockingMs.push(opened.blockingMs);
    }
    log(
      `offline open: first cards ${fmt(samples.offlineFirstCardMs)}, interactive ${fmt(samples.offlineInteractiveMs)}`,
    );
    await context.setOffline(false);
    await page.reload({ waitUntil: 'commit' });
    await whenInteractive(page);
    await whenFullyLoaded(page, board);
    await whenOnlineAndSaved(page);

    // Card panels, one after another, each closed before the next; the heap after the last.
    const cdp = await context.newCDPSession(page);
    for (const card of board.describedCards.slice(0, counts.panels)) {
      await page.locator(`[data-card-id="${card.id}"] .card-open`).click();
      await page.waitForFunction(
        'window.__bench.panels.length > 0 && window.__bench.panels.at(-1).descriptionMs !== null',
      );
      const reading = (await page.evaluate('window.__bench.panels.pop()')) as BenchWindow['panels'][number];
      samples.panelMs.push(reading.panelMs);
      if (reading.descriptionMs !== null) samples.panelDescriptionMs.push(reading.descriptionMs);
      await page.keyboard.press('Escape');
      await page.getByTestId('card-panel').waitFor({ state: 'detached' });
      await whenIdle(page);
    }
    log(`card panel: dialog ${fmt(samples.panelMs)}, description ${fmt(samples.panelDescriptionMs)}`);
    await cdp.send('Performance.enable');
    samples.heapMb = await heapMb(cdp);
    await cdp.send('HeapProfiler.collectGarbage');
    samples.heapAfterGcMb = await heapMb(cdp);
    log(`heap ${samples.heapMb.toFixed(1)} MB, ${samples.heapAfterGcMb.toFixed(1)} MB after GC`);

    // Moves made in another window, with the keyboard (Space, an arrow, Space): the card goes back and forth
    // between the first two columns, near their top. Timed from the dropping keydown there to the frame
    // painted here.
    // Its own window (a browser context of its own): a second page of the same context is a background tab,
    // whose frames Chromium throttles to about one a second: that would time the throttling.
    const moverContext = await browser.newContext({ baseURL: url, viewport: { width: 1280, height: 800 } });
    await moverContext.addInitScript({ content: identityScript(MOVER) });
    await moverContext.addInitScript({ content: PROBE_SCRIPT });
    const mover = await moverContext.newPage();
    mover.setDefaultTimeout(SETTLE_TIMEOUT_MS);
    await mover.goto(boardPath);
    await whenFullyLoaded(mover, board);
    await whenOnlineAndSaved(mover);
    const lifted = mover.locator('[aria-pressed="true"][aria-roledescription="draggable card"]');
    await whenIdle(page);
    const moveProfile = await startProfile(cdp, page);
    for (let i = 0; i < counts.moves; i++) {
      const columnId = board.move.columns[(i + 1) % 2] as string;
      await page.evaluate(
        `window.__bench.expectMove = ${JSON.stringify({ cardId: board.move.cardId, columnId })}`,
      );
      const before = (await page.evaluate('window.__bench.movesPainted.length')) as number;
      await mover.locator(`[data-card-id="${board.move.cardId}"] .card-handle`).focus();
      await mover.keyboard.press('Space');
      await lifted.waitFor();
      // One arrow takes the card to the other column; pressed again (bounded) if the page missed it.
      const inTarget = mover.locator(
        `[data-testid="column-${columnId}"] [data-card-id="${board.move.cardId}"]`,
      );
      for (let step = 0; step < 4 && (await inTarget.count()) === 0; step++) {
        await mover.keyboard.press(i % 2 === 0 ? 'ArrowRight' : 'ArrowLeft');
        await afterNextPaint(mover);
      }
      await mover.keyboard.press('Space');
      await page.waitForFunction(`window.__bench.movesPainted.length > ${before}`);
      const painted = (await page.evaluate(
        'window.__bench.movesPainted.at(-1)',
      )) as BenchWindow['movesPainted'][number];
      const started = (await mover.evaluate('window.__bench.lastKeydownEpoch')) as number;
      samples.remoteMoveMs.push(painted.painted - started);
      if (process.env.BENCH_DEBUG) {
        const tasks = (await page.evaluate(
          `JSON.stringify(window.__bench.longTasks.filter((t) => performance.timeOrigin + t.end > ${painted.seen - 2000}).map((t) => [Math.round(performance.timeOrigin + t.start - ${started}), Math.round(t.end - t.start)]))`,
        )) as string;
        log(
          `move ${i}: received +${((painted.received ?? Number.NaN) - started).toFixed(0)} seen +${(painted.seen - started).toFixed(0)} painted +${(painted.painted - started).toFixed(0)} ms; long tasks [start, ms] ${tasks}`,
        );
      }
      if (painted.received !== null && painted.received >= started) {
        samples.remoteMoveHereMs.push(painted.painted - painted.received);
      }
      await lifted.waitFor({ state: 'detached' });
      await whenIdle(mover);
      await whenIdle(page);
    }
    await moveProfile.stop('remote-move');
    log(`remote move: ${fmt(samples.remoteMoveMs)}; from its arrival here: ${fmt(samples.remoteMoveHereMs)}`);
    await moverContext.close();

    // Typing at the end of the long description.
    await page.locator(`[data-card-id="${board.longCard.id}"] .card-open`).click();
    const content = page.getByTestId('description-content');
    await page.waitForFunction(
      `(document.querySelector('[data-testid="description-content"]')?.textContent.length ?? 0) >= 100000`,
    );
    await page.locator('[data-testid="description-editor"][data-synced="true"]').waitFor();
    await content.click();
    await page.keyboard.press('Control+End');
    await whenIdle(page);
    await page.evaluate('window.__bench.keys = []; window.__bench.events = []');
    const typingProfile = await startProfile(cdp, page);
    const text = 'the quick brown fox jumps over the lazy dog ';
    for (let i = 0; i < counts.keys; i++) {
      const started = Date.now();
      await page.keyboard.press(text[i % text.length] === ' ' ? 'Space' : (text[i % text.length] as string));
      await page.waitForFunction(`window.__bench.keys.length > ${i}`);
      const left = KEY_INTERVAL_MS - (Date.now() - started);
      if (left > 0) await page.waitForTimeout(left);
    }
    await typingProfile.stop('typing');
    samples.keyMs = (await page.evaluate('window.__bench.keys')) as number[];
    // One entry per key press (a keydown can be reported more than once, with one interaction id).
    const keydowns = ((await page.evaluate('window.__bench.events')) as BenchWindow['events']).filter(
      (e) => e.name === 'keydown',
    );
    samples.keyEventTimingMs = [
      ...new Map(keydowns.map((e, i) => [e.interactionId || -1 - i, e.duration])).values(),
    ];
    log(
      `typing: ${fmt(samples.keyMs)} (Event Timing: ${samples.keyEventTimingMs.length} of ${samples.keyMs.length} keydowns ≥ 16 ms)`,
    );
    return samples;
  } finally {
    await context.close();
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

type Cdp = Awaited<ReturnType<BrowserContext['newCDPSession']>>;

/**
 * BENCH_TRACE_DIR=<dir>: a V8 CPU profile of the measured page during the moves and during the typing
 * (`remote-move-<time>.cpuprofile`, `typing-<time>.cpuprofile`), or with BENCH_TRACE=timeline a Chromium
 * trace (`….trace.json`: style, layout, paint and script per task), both openable in Chrome's DevTools, for
 * finding where the time goes. Profiling costs a little: figures of such a run are not comparable.
 */
async function startProfile(cdp: Cdp, page: Page): Promise<{ stop(name: string): Promise<void> }> {
  const dir = process.env.BENCH_TRACE_DIR;
  if (!dir) return { stop: async () => {} };
  const browser = page.context().browser();
  if (process.env.BENCH_TRACE === 'timeline' && browser) {
    await browser.startTracing(page, {
      categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing'],
    });
    return {
      async stop(name) {
        const trace = await browser.stopTracing();
        await mkdir(dir, { recursive: true });
        await writeFile(path.join(dir, `${name}-${Date.now()}.trace.json`), trace);
      },
    };
  }
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  return {
    async stop(name) {
      const { profile } = (await cdp.send('Profiler.stop')) as { profile: unknown };
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(dir, `${name}-${Date.now()}.cpuprofile`), JSON.stringify(profile));
    },
  };
}

/** p50 / p95 of a list of ms, for the log. */
export function fmt(values: readonly number[]): string {
  if (values.length === 0) return 'none';
  return `p50 ${percentile(values, 50).toFixed(0)} ms, p95 ${percentile(values, 95).toFixed(0)} ms (n=${values.length})`;
}

async function heapMb(cdp: Awaited<ReturnType<BrowserContext['newCDPSession']>>): Promise<number> {
  const { metrics } = (await cdp.send('Performance.getMetrics')) as {
    metrics: { name: string; value: number }[];
  };
  const used = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? Number.NaN;
  return used / 1024 / 1024;
}

/**
 * First cards painted, then interactive: the end of the last long task before a QUIET_MS stretch without
 * one (as Time to Interactive, with a shorter quiet window), never before the first cards.
 */
async function whenInteractive(
  page: Page,
): Promise<{ firstCardMs: number; interactiveMs: number; blockingMs: number }> {
  await page.waitForFunction('window.__bench && window.__bench.firstCardMs !== null', undefined, {
    timeout: SETTLE_TIMEOUT_MS,
    polling: 50,
  });
  await page.waitForFunction(
    `(() => {
      const b = window.__bench;
      const lastEnd = b.longTasks.reduce((end, t) => Math.max(end, t.end), b.firstCardMs);
      return performance.now() - lastEnd >= ${QUIET_MS};
    })()`,
    undefined,
    { timeout: SETTLE_TIMEOUT_MS, polling: 100 },
  );
  return (await page.evaluate(`(() => {
    const b = window.__bench;
    const interactiveMs = b.longTasks.reduce((end, t) => Math.max(end, t.end), b.firstCardMs);
    const blockingMs = b.longTasks.reduce((sum, t) => sum + Math.max(0, t.end - t.start - 50), 0);
    return { firstCardMs: b.firstCardMs, interactiveMs, blockingMs };
  })()`)) as { firstCardMs: number; interactiveMs: number; blockingMs: number };
}

/** Every column shows its full count (cards may be rendered lazily, the counts are not). */
async function whenFullyLoaded(page: Page, board: SeededBoard): Promise<void> {
  const expected = board.totalCards;
  await page.waitForFunction(
    `[...document.querySelectorAll('.column-count')].reduce((sum, el) => sum + Number(el.textContent.replace(/\\D/g, '')), 0) >= ${expected}`,
    undefined,
    { timeout: SETTLE_TIMEOUT_MS, polling: 100 },
  );
}

async function whenOnlineAndSaved(page: Page): Promise<void> {
  await page.locator('[data-testid="sync-connection"][data-state="online"]').waitFor();
  await page.locator('[data-testid="sync-saved"][data-saved="true"]').waitFor();
}

/** After the page rendered a frame (dnd-kit re-measures its drop targets after a keyboard step). */
async function afterNextPaint(page: Page): Promise<void> {
  await page.evaluate(
    'new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(undefined))))',
  );
}

/** The page's main thread had an idle moment (what it was doing has finished). */
async function whenIdle(page: Page): Promise<void> {
  await page.evaluate(
    'new Promise((resolve) => requestIdleCallback(() => resolve(undefined), { timeout: 5000 }))',
  );
}
