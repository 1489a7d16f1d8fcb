/**
 * Scripts the browser benchmark installs in every page (before any of the app's own code runs). They keep
 * their readings on `window.__bench`; the driver reads them with `page.evaluate`.
 *
 * "Painted" means: the frame that shows the change has been produced. A change seen by a MutationObserver (or
 * an input event) is followed by requestAnimationFrame, whose callback runs just before that frame is painted,
 * and then a message posted from it, which runs once the frame is done: the time taken there is the
 * "after the next paint" time (the same end point the Event Timing API uses for an input's duration).
 */

export interface BenchWindow {
  /** First card element in the DOM, painted (ms since this document's navigation start). */
  firstCardMs: number | null;
  /** Long tasks (≥ 50 ms) of this document: start and end, ms since navigation start. */
  longTasks: { start: number; end: number }[];
  /** Per keydown: from the event's timestamp to after the next paint, ms. */
  keys: number[];
  /** Event Timing entries (keydown, click, pointer…) of at least 16 ms: name and duration. */
  events: { name: string; duration: number; interactionId: number }[];
  /** Per click that opened a card: to the panel painted, and to the description's text painted, ms. */
  panels: { panelMs: number; descriptionMs: number | null }[];
  /** A remote move being waited for: the card and the column it must appear in. */
  expectMove: { cardId: string; columnId: string } | null;
  /** Per awaited move painted here: epoch ms of the paint, and of the arrival of the message that brought it. */
  movesPainted: { painted: number; received: number | null; seen: number }[];
  /** Epoch ms at which the last websocket or BroadcastChannel message reached this page. */
  lastMessageEpoch: number | null;
  /** Epoch ms at which this page began handling its last keydown (a keyboard drop writes a move). */
  lastKeydownEpoch: number | null;
}

/** Installed with `context.addInitScript`: runs at the start of every document of the context. */
export const PROBE_SCRIPT = `(() => {
  const bench = {
    firstCardMs: null, longTasks: [], keys: [], events: [], panels: [], expectMove: null, movesPainted: [],
    lastKeydownEpoch: null, lastMessageEpoch: null,
  };
  window.__bench = bench;
  const afterPaint = (callback) => requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => callback(performance.now());
    channel.port2.postMessage(0);
  });
  window.__benchAfterPaint = afterPaint;
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        bench.longTasks.push({ start: entry.startTime, end: entry.startTime + entry.duration });
      }
    }).observe({ type: 'longtask', buffered: true });
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) bench.events.push({ name: entry.name, duration: entry.duration, interactionId: entry.interactionId ?? 0 });
    }).observe({ type: 'event', durationThreshold: 16, buffered: true });
  } catch {}

  // When a message arrives (before the page's own handler runs): a remote change is applied, and the board
  // rendered, in the handling of the message that brought it.
  const stamp = () => { bench.lastMessageEpoch = performance.timeOrigin + performance.now(); };
  for (const Type of [WebSocket, BroadcastChannel]) {
    const property = Object.getOwnPropertyDescriptor(Type.prototype, 'onmessage');
    if (property && property.set && property.get) {
      Object.defineProperty(Type.prototype, 'onmessage', {
        configurable: true,
        get() { return property.get.call(this); },
        set(handler) {
          property.set.call(this, typeof handler === 'function' ? function (event) { stamp(); return handler.call(this, event); } : handler);
        },
      });
    }
    const add = Type.prototype.addEventListener;
    Type.prototype.addEventListener = function (type, listener, options) {
      if (type === 'message') this.__benchStamped || (this.__benchStamped = true, add.call(this, 'message', stamp, true));
      return add.call(this, type, listener, options);
    };
  }

  let panelClick = null;
  const onMutations = () => {
    if (bench.firstCardMs === null && !bench.firstCardPending && document.querySelector('[data-card-id]')) {
      bench.firstCardPending = true;
      afterPaint((at) => { bench.firstCardMs = at; });
    }
    const move = bench.expectMove;
    if (move !== null) {
      const column = document.querySelector('[data-testid="column-' + move.columnId + '"]');
      if (column && column.querySelector('[data-card-id="' + move.cardId + '"]')) {
        bench.expectMove = null;
        const received = bench.lastMessageEpoch;
        const seen = performance.timeOrigin + performance.now();
        afterPaint((at) => bench.movesPainted.push({ painted: performance.timeOrigin + at, received, seen }));
      }
    }
    if (panelClick !== null) {
      const click = panelClick;
      if (click.panel === null && document.querySelector('[data-testid="card-panel"]')) {
        click.panel = 'pending';
        afterPaint((at) => { click.panel = at - click.at; });
      }
      const content = document.querySelector('[data-testid="description-content"]');
      if (click.description === null && content && content.textContent.length > 0) {
        click.description = 'pending';
        afterPaint((at) => {
          click.description = at - click.at;
          bench.panels.push({ panelMs: typeof click.panel === 'number' ? click.panel : at - click.at, descriptionMs: click.description });
          panelClick = null;
        });
      }
    }
  };
  const observer = new MutationObserver(onMutations);
  const start = () => observer.observe(document.documentElement, { childList: true, subtree: true, characterData: true });
  if (document.documentElement) start(); else document.addEventListener('DOMContentLoaded', start);

  document.addEventListener('click', (event) => {
    if (!(event.target instanceof Element) || !event.target.closest('.card-open')) return;
    panelClick = { at: event.timeStamp, panel: null, description: null };
  }, true);
  document.addEventListener('keydown', (event) => {
    const at = event.timeStamp;
    // When this page starts handling the key (a drop writes the move right after): the move's start.
    bench.lastKeydownEpoch = performance.timeOrigin + performance.now();
    afterPaint((painted) => bench.keys.push(painted - at));
  }, true);
})();`;
