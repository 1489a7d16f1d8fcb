import type { CDPSession, Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { addCardViaUi, column, createBoard, expectConnection, expectSaved } from './support/board';
import { setupE2ESession } from './support/session';

const session = setupE2ESession();

/** A phone: 390 × 844 CSS pixels, touch input, mobile viewport rules. */
const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 };

async function centre(locator: Locator): Promise<{ x: number; y: number }> {
  const box = await locator.boundingBox();
  if (box === null) throw new Error('element not rendered');
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** One frame later (the page handled the last touch event and painted). */
const nextFrame = (page: Page) =>
  page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');

/** Real touch events through Chromium's input pipeline (what a finger sends), via the DevTools protocol. */
async function touch(cdp: CDPSession, type: 'touchStart' | 'touchMove' | 'touchEnd', x: number, y: number) {
  await cdp.send('Input.dispatchTouchEvent', {
    type,
    touchPoints: type === 'touchEnd' ? [] : [{ x: Math.round(x), y: Math.round(y) }],
  });
}

const titlesIn = (page: Page, columnTitle: string) =>
  column(page, columnTitle)
    .getByRole('article')
    .evaluateAll((cards) => cards.map((card) => card.getAttribute('aria-label')));

/**
 * From now on, every frame notes the status bar's words (connection, save state, retry) and where the
 * board's columns start.
 */
async function recordStatusFrames(page: Page): Promise<void> {
  await page.evaluate(`(() => {
    window.__frames = [];
    window.__stop = false;
    const row = document.querySelector('.board-columns');
    const record = () => {
      const words = ['sync-connection', 'sync-saved', 'sync-retry']
        .map((id) => document.querySelector('[data-testid="' + id + '"]')?.textContent ?? '')
        .join(' | ');
      window.__frames.push([words, Math.round(row.getBoundingClientRect().top)]);
      if (!window.__stop) requestAnimationFrame(record);
    };
    record();
  })()`);
}

/** How far the page reaches past the screen's width, sideways (0: it does not scroll sideways). */
const sidewaysOverflow = (page: Page) =>
  page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');

/** What recordStatusFrames noted, up to the frame after this call. */
async function recordedFrames(page: Page): Promise<Array<[string, number]>> {
  await nextFrame(page);
  return (await page.evaluate('window.__stop = true, window.__frames')) as Array<[string, number]>;
}

describe('small screens (≤ 480 px)', () => {
  it('[mobile] columns are a snap scroller, one per screen, and a swipe moves to the next', async () => {
    const { page } = await session.newUser(undefined, PHONE);
    await createBoard(page);
    const row = page.locator('.board-columns');
    expect(
      await row.evaluate(
        (element) => element.ownerDocument.defaultView?.getComputedStyle(element).scrollSnapType,
      ),
    ).toBe('x mandatory');
    const first = await column(page, 'To do').boundingBox();
    expect(first?.width).toBeGreaterThan(300);
    expect((first?.x ?? 0) + (first?.width ?? 0)).toBeLessThanOrEqual(390);

    // A quick horizontal swipe scrolls (no drag starts: that needs press and hold) and snaps to a column.
    const cdp = await page.context().newCDPSession(page);
    const start = await centre(column(page, 'To do').getByRole('heading', { name: 'To do' }));
    await touch(cdp, 'touchStart', 300, start.y + 80);
    for (const x of [260, 200, 140, 80, 40]) {
      await touch(cdp, 'touchMove', x, start.y + 80);
    }
    await touch(cdp, 'touchEnd', 40, start.y + 80);
    // Snapped: the second column starts where the row's snap padding (1rem) says.
    await page.waitForFunction(
      `(() => {
        const row = document.querySelector('.board-columns');
        const doing = document.querySelectorAll('.board-column')[1];
        if (!row || !doing) return false;
        const left = doing.getBoundingClientRect().left - row.getBoundingClientRect().left;
        return row.scrollLeft > 0 && Math.abs(left - 16) < 2;
      })()`,
      undefined,
      { timeout: 5_000 },
    );
    await expect(page.locator('.board-card.lifted').count()).resolves.toBe(0);
  });

  it('[mobile] a card is moved by touch: press and hold, drag, let go', async () => {
    const { page } = await session.newUser(undefined, PHONE);
    await createBoard(page);
    for (const title of ['First', 'Second', 'Third']) await addCardViaUi(page, title);
    await page.getByRole('button', { name: 'Cancel' }).first().click();
    expect(await titlesIn(page, 'To do')).toEqual(['First', 'Second', 'Third']);

    // The page settles first (the status line turns to "Saved" once the new cards are stored), so nothing
    // moves under the finger: dnd-kit measures the drop targets once, when the card is picked up.
    await expectSaved(page);
    await nextFrame(page);
    const cdp = await page.context().newCDPSession(page);
    const from = await centre(
      page.getByRole('article', { name: 'First' }).getByRole('button', { name: 'First', exact: true }),
    );
    await touch(cdp, 'touchStart', from.x, from.y);
    // dnd-kit's TouchSensor picks the card up after a 250 ms hold: it is lifted then.
    await page.locator('.board-card.lifted').waitFor({ timeout: 5_000 });
    // dnd-kit measures the drop targets in the frame after the pick-up; where Third is is read then too.
    await nextFrame(page);
    const to = await centre(page.getByRole('article', { name: 'Third' }));
    const steps = 8;
    for (let step = 1; step <= steps; step += 1) {
      await touch(cdp, 'touchMove', from.x, from.y + ((to.y + 30 - from.y) * step) / steps);
      await nextFrame(page);
    }
    // The last move's re-sort is rendered before the finger lifts, as it would be for a person.
    await nextFrame(page);
    await touch(cdp, 'touchEnd', from.x, to.y + 30);
    await page.locator('.board-card.lifted').waitFor({ state: 'detached' });
    expect(await titlesIn(page, 'To do')).toEqual(['Second', 'Third', 'First']);
    await expectSaved(page);
    // The move is in the document: it stays after a reload.
    await page.reload();
    await column(page, 'To do').getByRole('article', { name: 'First' }).waitFor();
    expect(await titlesIn(page, 'To do')).toEqual(['Second', 'Third', 'First']);
  });

  it('[mobile] the board stays put while a change is saved: the status words change, nothing moves', async () => {
    const { page } = await session.newUser(undefined, PHONE);
    await createBoard(page);
    // Every frame from before the change until it is saved: the save state and where the columns start.
    await recordStatusFrames(page);
    await addCardViaUi(page, 'First');
    await expectSaved(page);
    const frames = await recordedFrames(page);
    const states = new Set(frames.map(([state]) => state));
    // The words did change (the change waited, then was saved)...
    expect(states.size).toBeGreaterThan(1);
    // ...and the columns never moved.
    expect([...new Set(frames.map(([, top]) => top))]).toHaveLength(1);
  });

  it('[mobile] the board stays put while the connection drops, changes wait, the server is unreachable and returns', async () => {
    const { page, context } = await session.newUser(undefined, PHONE);
    await createBoard(page);
    await expectSaved(page);
    await recordStatusFrames(page);
    await context.setOffline(true);
    await expectConnection(page, 'offline');
    await addCardViaUi(page, 'Written offline');
    await context.setOffline(false);
    await expectSaved(page);
    await session.server.stop();
    await expectConnection(page, 'unreachable');
    await page.getByRole('button', { name: 'Retry now' }).waitFor();
    await addCardViaUi(page, 'Written while the server was down');
    // The widest the status gets: nothing reaches past the screen.
    expect(await sidewaysOverflow(page)).toBe(0);
    await session.server.start();
    await expectConnection(page, 'online', 20_000);
    await expectSaved(page);
    const frames = await recordedFrames(page);
    const states = [...new Set(frames.map(([words]) => words))];
    // Offline, waiting, unreachable with its retry countdown, online and saved again...
    expect(states.length).toBeGreaterThan(4);
    // ...and the columns never moved.
    expect(
      [...new Set(frames.map(([, top]) => top))],
      `columns' top per status: ${JSON.stringify(frames.filter((f, i) => i === 0 || f[1] !== frames[i - 1]![1]))}`,
    ).toHaveLength(1);
  });

  it('[mobile] the home page and a board fit the screen: no page scrolls sideways, every header control is named', async () => {
    const { page } = await session.newUser(undefined, PHONE);
    await page.goto('/');
    await page.getByRole('button', { name: 'New board' }).waitFor();
    expect(await sidewaysOverflow(page)).toBe(0);
    await createBoard(page);
    await expectSaved(page);
    expect(await sidewaysOverflow(page)).toBe(0);
    // Icons only on a phone; their names stay for assistive technology.
    for (const name of ['Search', 'Dark mode', 'Share', /\(you\): change name or colour$/]) {
      await expect(page.getByRole('button', { name }).count()).resolves.toBe(1);
    }
  });

  it('[mobile] the card panel takes the whole screen', async () => {
    const { page } = await session.newUser(undefined, PHONE);
    await createBoard(page);
    await addCardViaUi(page, 'Plan');
    await page
      .getByRole('article', { name: 'Plan' })
      .getByRole('button', { name: 'Plan', exact: true })
      .tap();
    const panel = page.getByRole('dialog', { name: 'Card: Plan' });
    await panel.waitFor();
    const box = await panel.boundingBox();
    expect(box).toMatchObject({ x: 0, y: 0, width: 390, height: 844 });
    await panel.getByRole('button', { name: 'Close card' }).tap();
    await panel.waitFor({ state: 'detached' });
  });
});
