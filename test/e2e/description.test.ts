/**
 * Card descriptions in real Chromium against the real sync server: collaborative typing, remote cursors,
 * offline edits, no duplicated content across reconnects/reloads/simultaneous opens, the card preview, and
 * typing latency at the end of a long description.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { addCardViaUi, cardNamed, createBoard, openBoard, whenServiceWorkerControls } from './support/board';
import {
  CONTENT,
  closeDescription,
  content,
  openDescription,
  whenDescriptionSynced,
} from './support/description';
import { watchRooms } from './support/rooms';
import { setupE2ESession } from './support/session';

const session = setupE2ESession();
/** client/description/summary-sync.ts SUMMARY_MAX_WAIT_MS: the longest a summary write waits. */
const SUMMARY_MAX_WAIT_MS = 2_000;

// ---- helpers ---------------------------------------------------------------------------------------------

/** No connection: the browser reports no network, or the server does not answer. */
async function whenDescriptionOffline(page: Page): Promise<void> {
  await page
    .locator(
      '[data-testid="description-editor"][data-connection="offline"], ' +
        '[data-testid="description-editor"][data-connection="unreachable"]',
    )
    .waitFor();
}

/** The editor's top-level blocks (paragraphs, headings, lists…) as text, one entry each. */
async function blocks(page: Page): Promise<string[]> {
  // A string script: this file is compiled without DOM types.
  return (await page.evaluate(
    `Array.from(document.querySelector(${JSON.stringify(CONTENT)})?.children ?? [], (c) => c.textContent ?? '')`,
  )) as string[];
}

async function caretToEnd(page: Page): Promise<void> {
  await content(page).click();
  await page.keyboard.press('Control+End');
}

/** Polls until both pages show the same blocks (no event marks "converged"); returns them. */
async function whenConverged(a: Page, b: Page, timeout = 15_000): Promise<string[]> {
  const deadline = Date.now() + timeout;
  let seen: [string[], string[]] = [[], []];
  while (Date.now() < deadline) {
    seen = [await blocks(a), await blocks(b)];
    if (JSON.stringify(seen[0]) === JSON.stringify(seen[1])) return seen[0];
    await a.waitForTimeout(100);
  }
  expect(seen[1]).toEqual(seen[0]);
  return seen[0];
}

function count(text: string, word: string): number {
  return text.split(word).length - 1;
}

/** The browser reports the network gone and back: the app closes the socket and reconnects. */
async function dropAndReconnect(page: Page): Promise<void> {
  await page.evaluate("window.dispatchEvent(new Event('offline'))");
  await whenDescriptionOffline(page);
  await page.evaluate("window.dispatchEvent(new Event('online'))");
  await whenDescriptionSynced(page);
}

async function twoUsersOnOneCard(title: string): Promise<{ ada: Page; grace: Page; boardId: string }> {
  const ada = (await session.newUser()).page;
  const boardId = await createBoard(ada);
  await addCardViaUi(ada, title);
  const grace = (await session.newUser()).page;
  await openBoard(grace, boardId);
  await cardNamed(grace, title).waitFor();
  return { ada, grace, boardId };
}

// ---- tests -----------------------------------------------------------------------------------------------

describe('card descriptions', () => {
  it('[collab] two people type at the same time and end with the same text holding both their words', async () => {
    const { ada, grace } = await twoUsersOnOneCard('Plan the launch');
    await openDescription(ada, 'Plan the launch');
    await whenDescriptionSynced(ada);
    await caretToEnd(ada);
    await ada.keyboard.type('Agenda');
    await ada.keyboard.press('Enter');
    await ada.keyboard.type('Notes');
    await openDescription(grace, 'Plan the launch');
    await whenDescriptionSynced(grace);
    expect(await whenConverged(ada, grace)).toEqual(['Agenda', 'Notes']);

    // Grace types at the end of the second line while Ada types at the end of the first, at once.
    await caretToEnd(grace);
    await content(ada).getByText('Agenda').click();
    await ada.keyboard.press('End');
    await Promise.all([
      ada.keyboard.type(' alpha bravo charlie', { delay: 25 }),
      grace.keyboard.type(' delta echo foxtrot', { delay: 25 }),
    ]);
    const text = (await whenConverged(ada, grace)).join('\n');
    for (const word of ['Agenda', 'Notes', 'alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot']) {
      expect(count(text, word), `${word} in ${JSON.stringify(text)}`).toBe(1);
    }

    // Each sees the other's caret, labelled with the other's name.
    await ada.locator('.desc-remote-cursor-name', { hasText: 'Grace Hopper' }).waitFor();
    await grace.locator('.desc-remote-cursor-name', { hasText: 'Ada Lovelace' }).waitFor();
    // …and never their own.
    expect(await ada.locator('.desc-remote-cursor-name', { hasText: 'Ada Lovelace' }).count()).toBe(0);
    // Closing the card takes Grace's caret off Ada's screen.
    await closeDescription(grace);
    await ada.locator('.desc-remote-cursor-name', { hasText: 'Grace Hopper' }).waitFor({ state: 'detached' });
  });

  it('[format] Markdown shortcuts, the toolbar and pasted HTML make real structure', async () => {
    const ada = (await session.newUser()).page;
    await createBoard(ada);
    await addCardViaUi(ada, 'Formatted');
    await openDescription(ada, 'Formatted');
    await whenDescriptionSynced(ada);
    await content(ada).click();
    await ada.keyboard.type('# Title');
    await ada.keyboard.press('Enter');
    await ada.keyboard.type('- bullet');
    await ada.keyboard.press('Enter');
    await ada.keyboard.press('Enter');
    await ada.keyboard.type('1. first');
    await ada.keyboard.press('Enter');
    await ada.keyboard.press('Enter');
    await ada.keyboard.type('> quoted');
    await ada.keyboard.press('Enter');
    await ada.keyboard.type('some **strong** and *em* and `code` and ~~gone~~ ');
    await ada.keyboard.press('Enter');
    await ada.keyboard.type('``` ');
    await ada.keyboard.type('const x = 1;');
    const root = content(ada);
    await root.locator('h1', { hasText: 'Title' }).waitFor();
    await root.locator('ul > li', { hasText: 'bullet' }).waitFor();
    await root.locator('ol > li', { hasText: 'first' }).waitFor();
    await root.locator('blockquote', { hasText: 'quoted' }).waitFor();
    await root.locator('.desc-bold', { hasText: 'strong' }).waitFor();
    await root.locator('.desc-italic', { hasText: 'em' }).waitFor();
    await root.locator('.desc-inline-code', { hasText: 'code' }).waitFor();
    await root.locator('.desc-strikethrough', { hasText: 'gone' }).waitFor();
    await root.locator('.desc-code', { hasText: 'const x = 1;' }).waitFor();

    // Toolbar: a new paragraph, made underlined with the button.
    await ada.keyboard.press('Control+End');
    await ada.keyboard.press('Enter');
    await ada.keyboard.press('Enter');
    await ada.keyboard.press('Enter');
    await ada.getByRole('button', { name: 'Underline' }).click();
    await ada.keyboard.type('underlined');
    await root.locator('.desc-underline', { hasText: 'underlined' }).waitFor();

    // HTML from another app keeps its structure (and a javascript: link is not made clickable).
    await ada.keyboard.press('Enter');
    await ada.evaluate(`{
      const data = new DataTransfer();
      data.setData('text/html', '<h2>Pasted heading</h2><ul><li>pasted item</li></ul>' +
        '<p>see <a href="https://example.com/doc">the doc</a> and <a href="javascript:alert(1)">bad</a></p>');
      data.setData('text/plain', 'Pasted heading');
      document.querySelector(${JSON.stringify(CONTENT)}).dispatchEvent(
        new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
      );
    }`);
    await root.locator('h2', { hasText: 'Pasted heading' }).waitFor();
    await root.locator('ul > li', { hasText: 'pasted item' }).waitFor();
    await root.locator('a[href="https://example.com/doc"]', { hasText: 'the doc' }).waitFor();
    expect(await root.locator('a[href^="javascript"]').count()).toBe(0);

    // A plain click on a link edits it; Ctrl+click follows it in a new tab.
    await ada.evaluate(
      'window.__opened = []; window.open = (...args) => { window.__opened.push(args[0]); return null; }',
    );
    const link = root.locator('a[href="https://example.com/doc"]');
    await link.click();
    expect(await ada.evaluate('window.__opened')).toEqual([]);
    await link.click({ modifiers: ['Control'] });
    expect(await ada.evaluate('window.__opened')).toEqual(['https://example.com/doc']);
  });

  it('[presence] focus in a description marks the card as being edited for the others', async () => {
    const { ada, grace } = await twoUsersOnOneCard('Watched card');
    await openDescription(ada, 'Watched card');
    await content(ada).click();
    const marker = cardNamed(grace, 'Watched card').locator(
      '[data-testid="card-editor"][data-participant="e2e-user-1"]',
    );
    await marker.waitFor();
    await content(ada).blur();
    await marker.waitFor({ state: 'detached' });
  });

  it('[no-dup] two people opening an empty description at the same moment insert nothing', async () => {
    const { ada, grace } = await twoUsersOnOneCard('Empty at first');
    await Promise.all([openDescription(ada, 'Empty at first'), openDescription(grace, 'Empty at first')]);
    await Promise.all([whenDescriptionSynced(ada), whenDescriptionSynced(grace)]);
    expect(await blocks(ada)).toEqual([]);
    expect(await blocks(grace)).toEqual([]);

    // Both start typing into the empty description at once: each word once, no empty paragraph added.
    await Promise.all([content(ada).click(), content(grace).click()]);
    await Promise.all([ada.keyboard.type('first'), grace.keyboard.type('second')]);
    const converged = await whenConverged(ada, grace);
    expect(converged.join('|')).not.toMatch(/^\||\|$|\|\|/);
    expect(count(converged.join('\n'), 'first')).toBe(1);
    expect(count(converged.join('\n'), 'second')).toBe(1);
  });

  it('[no-dup] undoing back to an empty description while someone watches leaves one paragraph', async () => {
    const { ada, grace } = await twoUsersOnOneCard('Undo to empty');
    await Promise.all([openDescription(ada, 'Undo to empty'), openDescription(grace, 'Undo to empty')]);
    await Promise.all([whenDescriptionSynced(ada), whenDescriptionSynced(grace)]);
    await content(ada).click();
    await ada.keyboard.type('gone');
    await content(grace).getByText('gone').waitFor();
    // End the undo step now instead of waiting out the capture timeout.
    await ada.evaluate(
      `document.querySelector(${JSON.stringify(CONTENT)}).__lexicalEditor[Symbol.for('@lexical/yjs/UndoManager')].stopCapturing()`,
    );
    await ada.keyboard.press('Control+z');
    // Her own editor first: both still showing the old text would count as converged.
    await content(ada).getByText('gone').waitFor({ state: 'detached' });
    expect(await whenConverged(ada, grace)).toEqual(['']);
    await ada.keyboard.type('back');
    await content(ada).getByText('back').waitFor();
    expect(await whenConverged(ada, grace)).toEqual(['back']);
  });

  it('[no-dup] ten reconnects, reloads and reopenings never duplicate a paragraph', async () => {
    const { ada, grace, boardId } = await twoUsersOnOneCard('Stable text');
    await openDescription(ada, 'Stable text');
    await whenDescriptionSynced(ada);
    await caretToEnd(ada);
    await ada.keyboard.type('# Heading');
    await ada.keyboard.press('Enter');
    await ada.keyboard.type('Body line');
    await ada.keyboard.press('Enter');
    await ada.keyboard.type('[] todo');
    await openDescription(grace, 'Stable text');
    await whenDescriptionSynced(grace);
    const expected = await whenConverged(ada, grace);
    expect(expected).toEqual(['Heading', 'Body line', 'todo']);

    for (let cycle = 0; cycle < 10; cycle += 1) {
      await dropAndReconnect(grace);
      if (cycle % 3 === 0) {
        await ada.reload();
        await openBoard(ada, boardId);
        await openDescription(ada, 'Stable text');
      } else if (cycle % 3 === 1) {
        // Closed and reopened at once: the shared document is still loaded (lexical #7722, #4999).
        await closeDescription(ada);
        await openDescription(ada, 'Stable text');
      }
      await whenDescriptionSynced(ada);
      expect(await whenConverged(ada, grace), `cycle ${cycle}`).toEqual(expected);
    }
    // Still editable after all that, and still one copy of everything.
    await caretToEnd(grace);
    await grace.keyboard.type(' done');
    expect(await whenConverged(ada, grace)).toEqual(['Heading', 'Body line', 'todo done']);
  });

  it("[undo] undo takes back only my own typing, never the other person's", async () => {
    const { ada, grace } = await twoUsersOnOneCard('Undo mine');
    await openDescription(ada, 'Undo mine');
    await whenDescriptionSynced(ada);
    await openDescription(grace, 'Undo mine');
    await whenDescriptionSynced(grace);
    await whenConverged(ada, grace);

    // Everything but Ada's one edit is Grace's, so the outcome does not hang on how the undo
    // manager groups Ada's own keystrokes in time (its capture window).
    await caretToEnd(grace);
    await grace.keyboard.type('Base line');
    await grace.keyboard.press('Enter');
    await grace.keyboard.type('Grace wrote this');
    await content(ada).getByText('Grace wrote this').waitFor();
    await content(ada).getByText('Base line').click();
    await ada.keyboard.press('End');
    await ada.keyboard.type(' plus Ada');
    await content(grace).getByText('Base line plus Ada').waitFor();

    await ada.keyboard.press('Control+z');
    expect(await whenConverged(ada, grace)).toEqual(['Base line', 'Grace wrote this']);
    await ada.keyboard.press('Control+Shift+z');
    expect(await whenConverged(ada, grace)).toEqual(['Base line plus Ada', 'Grace wrote this']);
  });

  it('[no-dup] a server restart while two people edit loses nothing and duplicates nothing', async () => {
    const { ada, grace } = await twoUsersOnOneCard('Through a restart');
    await Promise.all([
      openDescription(ada, 'Through a restart'),
      openDescription(grace, 'Through a restart'),
    ]);
    await Promise.all([whenDescriptionSynced(ada), whenDescriptionSynced(grace)]);
    await caretToEnd(ada);
    await ada.keyboard.type('Before the restart');
    await whenConverged(ada, grace);

    await session.server.stop();
    await Promise.all([whenDescriptionOffline(ada), whenDescriptionOffline(grace)]);
    await caretToEnd(ada);
    await ada.keyboard.press('Enter');
    await ada.keyboard.type('Ada during the outage');
    await caretToEnd(grace);
    await grace.keyboard.press('Enter');
    await grace.keyboard.type('Grace during the outage');
    await session.server.start();
    await Promise.all([whenDescriptionSynced(ada, 30_000), whenDescriptionSynced(grace, 30_000)]);
    const text = (await whenConverged(ada, grace)).join('\n');
    for (const line of ['Before the restart', 'Ada during the outage', 'Grace during the outage']) {
      expect(count(text, line), line).toBe(1);
    }
  });

  it('[connections] only an open description holds a room on the page’s one socket; closing it leaves the room', async () => {
    const ada = (await session.newUser()).page;
    const watch = watchRooms(ada);
    await createBoard(ada);
    for (const title of ['One', 'Two', 'Three']) await addCardViaUi(ada, title);
    const isDescription = (room: string) => room.includes('.card.');
    const activeDescriptions = () => [...watch.active()].filter(isDescription);
    const roomShownIn = (title: string) =>
      ada
        .getByRole('dialog', { name: `Card: ${title}` })
        .getByTestId('description-editor')
        .getAttribute('data-room');
    expect(activeDescriptions()).toEqual([]);

    await openDescription(ada, 'Two');
    await whenDescriptionSynced(ada);
    const twoRoom = await roomShownIn('Two');
    expect(activeDescriptions()).toEqual([twoRoom]);
    await content(ada).click();
    await ada.keyboard.type('Only in two');
    // Switching straight to another card swaps documents: nothing of Two shows (or is written) in Three.
    await openDescription(ada, 'Three');
    await whenDescriptionSynced(ada);
    await ada.getByRole('dialog', { name: 'Card: Three' }).waitFor();
    const threeRoom = await roomShownIn('Three');
    expect(threeRoom).not.toBe(twoRoom);
    expect(await blocks(ada)).toEqual([]);
    await content(ada).click();
    await ada.keyboard.type('Only in three');
    await openDescription(ada, 'Two');
    await content(ada).getByText('Only in two').waitFor();
    expect(await blocks(ada)).toEqual(['Only in two']);

    await closeDescription(ada);
    // Polled, so a room joined again after the close (a reconnect) has to be left too.
    await expect.poll(() => activeDescriptions(), { timeout: 15_000 }).toEqual([]);
    expect(new Set(watch.joins.filter(isDescription))).toEqual(new Set([twoRoom, threeRoom]));
    // The board's room stays, and the page's one socket (`/_mux`) carried every room.
    expect([...watch.active()].some((room) => !isDescription(room))).toBe(true);
    expect(new Set(watch.sockets.map((socket) => new URL(socket.url()).pathname))).toEqual(
      new Set(['/_mux']),
    );
    expect(watch.sockets.filter((socket) => !socket.isClosed())).toHaveLength(1);
  });

  it('[offline] a description opened before loads and edits offline, and merges on reconnect', async () => {
    const { ada, grace, boardId } = await twoUsersOnOneCard('Offline notes');
    await openDescription(ada, 'Offline notes');
    await whenDescriptionSynced(ada);
    await caretToEnd(ada);
    await ada.keyboard.type('Shared start');
    await openDescription(grace, 'Offline notes');
    await whenDescriptionSynced(grace);
    await whenConverged(ada, grace);
    await whenServiceWorkerControls(grace);

    // Grace loses the network and even reloads: the description comes from IndexedDB.
    await grace.context().setOffline(true);
    await grace.reload();
    await cardNamed(grace, 'Offline notes').waitFor();
    await openDescription(grace, 'Offline notes');
    await content(grace).getByText('Shared start').waitFor();
    await caretToEnd(grace);
    await grace.keyboard.press('Enter');
    await grace.keyboard.type('Written offline');
    await grace
      .getByTestId('description-status')
      .filter({ hasText: 'changes kept on this device' })
      .waitFor();
    await caretToEnd(ada);
    await ada.keyboard.press('Enter');
    await ada.keyboard.type('Written online');
    expect((await blocks(grace)).join('\n')).not.toContain('Written online');

    await grace.context().setOffline(false);
    await whenDescriptionSynced(grace, 30_000);
    await grace.getByTestId('description-status').filter({ hasText: 'Saved' }).waitFor();
    const merged = (await whenConverged(ada, grace)).join('\n');
    for (const line of ['Shared start', 'Written offline', 'Written online']) {
      expect(count(merged, line), line).toBe(1);
    }
    expect(new URL(grace.url()).pathname).toBe(`/b/${boardId}`);
  });

  it('[preview] the card on the board shows the description preview and checklist progress', async () => {
    const { ada, grace } = await twoUsersOnOneCard('Release');
    await openDescription(ada, 'Release');
    await whenDescriptionSynced(ada);
    await caretToEnd(ada);
    await ada.keyboard.type('Ship **it** this week');
    await ada.keyboard.press('Enter');
    // `[] ` starts a check list; Enter continues it. The empty item Enter leaves is not a task.
    await ada.keyboard.type('[] write notes');
    for (const item of ['tag build', 'announce']) {
      await ada.keyboard.press('Enter');
      await ada.keyboard.type(item);
    }
    await ada.keyboard.press('Enter');
    // Grace never opens the description: her card reads the summary from the board document.
    const card = cardNamed(grace, 'Release');
    await card.getByTestId('card-description-preview').filter({ hasText: 'Ship it this week' }).waitFor();
    await card.getByTestId('card-checklist').filter({ hasText: '0/3' }).waitFor();

    // Tick the first item by clicking its checkbox (left edge of the list item).
    const item = content(ada).locator('li', { hasText: 'write notes' });
    await item.click({ position: { x: 6, y: 8 } });
    await card.getByTestId('card-checklist').filter({ hasText: '1/3' }).waitFor();
    expect(await ada.locator('.desc-listitem-checked').count()).toBe(1);
  });

  it('[preview] opening offline a description this browser never loaded does not wipe the card preview', async () => {
    const { ada, grace } = await twoUsersOnOneCard('Keep preview');
    await openDescription(ada, 'Keep preview');
    await whenDescriptionSynced(ada);
    await caretToEnd(ada);
    await ada.keyboard.type('Keep me');
    const preview = (page: Page) =>
      cardNamed(page, 'Keep preview').getByTestId('card-description-preview').filter({ hasText: 'Keep me' });
    await preview(grace).waitFor();

    await grace.context().setOffline(true);
    await openDescription(grace, 'Keep preview');
    expect(await blocks(grace)).toEqual([]);
    // Nothing to await: the preview must simply not be rewritten. Wait out the summary's longest delay.
    await grace.waitForTimeout(SUMMARY_MAX_WAIT_MS + 500);
    await closeDescription(grace);
    await preview(grace).waitFor({ timeout: 1_000 });
    await grace.context().setOffline(false);
    await openDescription(grace, 'Keep preview');
    await whenDescriptionSynced(grace);
    await content(grace).getByText('Keep me').waitFor();
    await preview(ada).waitFor({ timeout: 1_000 });
  });

  it('[long] a ~30-page description pasted as plain text keeps its 600 paragraphs, and what is typed at its end lands there (ms per keystroke logged; the browser bench judges speed)', async () => {
    const ada = (await session.newUser()).page;
    await createBoard(ada);
    await addCardViaUi(ada, 'Long read');
    await openDescription(ada, 'Long read');
    await whenDescriptionSynced(ada);
    await content(ada).click();
    await installKeyLatencyProbe(ada);

    const typed = 'responsive typing at the end';
    const short = await measureTyping(ada, typed);

    // ~30 pages: 600 paragraphs of ~150 characters, pasted as plain text (one paragraph per line).
    const sentence = 'The quick brown fox jumps over the lazy dog while the team reviews the plan. ';
    const pasted = Array.from({ length: 600 }, (_, i) => `${i + 1}. ${sentence}${sentence}`).join('\n');
    await ada.keyboard.press('Enter');
    await ada.evaluate(`{
      const data = new DataTransfer();
      data.setData('text/plain', ${JSON.stringify(pasted)});
      document.querySelector(${JSON.stringify(CONTENT)}).dispatchEvent(
        new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
      );
    }`);
    await content(ada).locator(':scope > *').nth(600).waitFor({ timeout: 30_000 });
    const chars = (await ada.evaluate(
      `document.querySelector(${JSON.stringify(CONTENT)}).textContent.length`,
    )) as number;
    expect(chars).toBeGreaterThan(80_000);

    await caretToEnd(ada);
    const long = await measureTyping(ada, ` ${typed}`);
    expect((await blocks(ada)).at(-1)).toMatch(/^600\. The quick .* responsive typing at the end$/);
    console.info(
      `[description] keystroke→DOM in a 1-line description: ${short}; ` +
        `at the end of ${chars} characters / 601 paragraphs: ${long}`,
    );
  });
});

/** In the page: time from each keydown to the DOM change it causes (Lexical reconcile, Yjs write, bridge). */
async function installKeyLatencyProbe(page: Page): Promise<void> {
  await page.evaluate(`{
    const root = document.querySelector(${JSON.stringify(CONTENT)});
    window.__keyLatencies = [];
    window.__keyStart = null;
    root.addEventListener('keydown', () => { window.__keyStart = performance.now(); }, true);
    new MutationObserver(() => {
      if (window.__keyStart !== null) {
        window.__keyLatencies.push(performance.now() - window.__keyStart);
        window.__keyStart = null;
      }
    }).observe(root, { subtree: true, childList: true, characterData: true });
  }`);
}

/** Types `text` and returns "median / p95 / max ms per key (N keys), W ms per key with the CDP round trip". */
async function measureTyping(page: Page, text: string): Promise<string> {
  await page.evaluate('window.__keyLatencies = []');
  const started = Date.now();
  await page.keyboard.type(text);
  const wallMs = Date.now() - started;
  const latencies = (await page.evaluate('window.__keyLatencies')) as number[];
  expect(latencies.length).toBeGreaterThanOrEqual(text.length - 2);
  const sorted = [...latencies].sort((a, b) => a - b);
  const pick = (q: number) =>
    (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN).toFixed(1);
  return (
    `median ${pick(0.5)} / p95 ${pick(0.95)} / max ${pick(1)} ms per key (${sorted.length} keys), ` +
    `${(wallMs / text.length).toFixed(1)} ms per key with the CDP round trip`
  );
}
