/**
 * Descriptions edited without a connection reach the server without being opened again: the browser keeps
 * a record of every document with changes the server has not stored, and syncs those in the background.
 * "Saved" in the status bar covers the board and all its descriptions, and shows only once the server
 * has stored them (checked against the server's store: the time each write completed).
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { childMap, DESCRIPTION_PREVIEW_KEY, readDescriptionPreview, roots } from '../../shared/board/schema';
import { summarizeDescription } from '../../shared/description-preview';
import { boardRoom, descriptionRoom } from '../../shared/room-names';
import {
  addCardViaUi,
  createBoard,
  expectConnection,
  expectSaved,
  openBoard,
  whenServiceWorkerControls,
} from './support/board';
import { cardIdOf, closeDescription, content, openDescription, previewOn } from './support/description';
import { watchRooms } from './support/rooms';
import { setupE2ESession } from './support/session';

const session = setupE2ESession();
/** How long the user stays offline after closing the card: part of the journey, not a wait for an event. */
const OFFLINE_MS = 5_000;
/** After "Saved" showed, how long the server may still take to report a write it must already have made. */
const STORED_GRACE_MS = 15_000;

const storedText = (doc: Y.Doc) => summarizeDescription(doc).preview;

function storedPreview(doc: Y.Doc, cardId: string): string {
  const card = childMap(roots(doc).cards as Y.Map<unknown>, cardId);
  return card ? (readDescriptionPreview(card.get(DESCRIPTION_PREVIEW_KEY))?.preview ?? '') : '';
}

/**
 * From now on the page notes the time the status bar first says "Saved". It must not say so yet: the
 * time is compared with when the server stored the description.
 */
async function noteFirstSaved(page: Page): Promise<void> {
  await page.evaluate(`{
    window.__firstSavedAt = null;
    const note = () => {
      const saved = document.querySelector('[data-testid="sync-saved"]');
      if (window.__firstSavedAt === null && saved?.getAttribute('data-saved') === 'true') {
        window.__firstSavedAt = Date.now();
      }
    };
    new MutationObserver(note).observe(document.body, {
      subtree: true, childList: true, attributes: true, attributeFilter: ['data-saved'],
    });
  }`);
  await expect(page.getByTestId('sync-saved').getAttribute('data-saved')).resolves.toBe('false');
}

async function firstSavedAt(page: Page): Promise<number> {
  const at = (await page.evaluate('window.__firstSavedAt')) as number | null;
  expect(at, 'the page noted when "Saved" showed').not.toBeNull();
  return at as number;
}

/** When the server stored what `holds` asks for; fails if that did not happen within the grace period. */
async function storedWithin(room: string, holds: (doc: Y.Doc) => boolean, what: string): Promise<number> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the server never stored ${what} (room ${room})`)),
      STORED_GRACE_MS,
    );
  });
  try {
    return await Promise.race([session.server.whenStored(room, holds), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Waits until the client's next automatic retry is at least 4 s away, as its countdown shows. It retries
 * on its own with jittered backoff (up to 10 s apart), so a server started in a short wait could be reached
 * by that retry before the click, and the test would not be testing the button.
 */
async function nextRetryFarOff(page: Page): Promise<void> {
  await page
    .getByTestId('sync-retry')
    .filter({ hasText: /retrying in ([4-9]|[1-9]\d) s/ })
    .waitFor({ timeout: 60_000 });
}

/** The status bar's account of what waits, e.g. "1 card waiting to sync". */
async function waitingText(page: Page): Promise<string | null> {
  return page.getByTestId('sync-saved').textContent();
}

/** Ada's board with one card, everything saved. */
async function boardWithCard(title: string): Promise<{ ada: Page; boardId: string; cardId: string }> {
  const ada = (await session.newUser()).page;
  const boardId = await createBoard(ada);
  await addCardViaUi(ada, title);
  await expectSaved(ada);
  return { ada, boardId, cardId: await cardIdOf(ada, title) };
}

/** Types `text` into the card's description and closes the card. */
async function writeDescription(page: Page, cardTitle: string, text: string): Promise<void> {
  await openDescription(page, cardTitle);
  await content(page).click();
  await page.keyboard.type(text);
  await content(page).getByText(text).waitFor();
  await closeDescription(page);
}

/**
 * Grace, who never had the board, sees the text as the card's preview, then in the description; opening
 * and closing it leaves the preview as it was (a reader never rewrites it).
 */
async function graceSeesIt(boardId: string, cardId: string, cardTitle: string, text: string): Promise<void> {
  const grace = (await session.newUser()).page;
  await openBoard(grace, boardId);
  await previewOn(grace, cardTitle, text).waitFor({ timeout: 20_000 });
  await openDescription(grace, cardTitle);
  await content(grace).getByText(text).waitFor({ timeout: 20_000 });
  // Closing flushes any preview write the open editor had scheduled.
  await closeDescription(grace);
  await previewOn(grace, cardTitle, text).waitFor();
  await storedWithin(boardRoom(boardId), (doc) => storedPreview(doc, cardId) === text, 'the preview');
}

describe('descriptions edited offline', () => {
  it('[offline-desc] typed offline, card closed, 5 s offline, online: synced without reopening; Saved only once stored', async () => {
    const title = 'Offline notes';
    const text = 'Written offline by Ada';
    const { ada, boardId, cardId } = await boardWithCard(title);
    const room = descriptionRoom(boardId, cardId);

    await ada.context().setOffline(true);
    await expectConnection(ada, 'offline');
    await writeDescription(ada, title, text);
    await ada.waitForTimeout(OFFLINE_MS);
    expect(await waitingText(ada)).toBe('1 card waiting to sync');

    await noteFirstSaved(ada);
    const stored = storedWithin(room, (doc) => storedText(doc) === text, 'the description');
    await ada.context().setOffline(false);
    await expectConnection(ada, 'online');
    await expectSaved(ada, 30_000);
    const savedAt = await firstSavedAt(ada);
    const storedAt = await stored;
    expect(storedAt, '"Saved" showed before the server stored the description').toBeLessThanOrEqual(savedAt);

    await graceSeesIt(boardId, cardId, title, text);
  });

  it('[offline-desc] the same with a reload while offline: the record of unsaved documents survives it', async () => {
    const title = 'Notes across a reload';
    const text = 'Typed before the reload';
    const { ada, boardId, cardId } = await boardWithCard(title);
    const room = descriptionRoom(boardId, cardId);
    await whenServiceWorkerControls(ada);

    await ada.context().setOffline(true);
    await expectConnection(ada, 'offline');
    await writeDescription(ada, title, text);
    await ada.waitForTimeout(OFFLINE_MS);
    await ada.reload();
    await previewOn(ada, title, text).waitFor();
    await expectConnection(ada, 'offline');
    // Known from the record kept in IndexedDB, with nothing open.
    await ada.getByTestId('sync-saved').filter({ hasText: '1 card waiting to sync' }).waitFor();

    await noteFirstSaved(ada);
    const stored = storedWithin(room, (doc) => storedText(doc) === text, 'the description');
    await ada.context().setOffline(false);
    await expectConnection(ada, 'online');
    await expectSaved(ada, 30_000);
    const savedAt = await firstSavedAt(ada);
    expect(await stored, '"Saved" showed before the server stored the description').toBeLessThanOrEqual(
      savedAt,
    );

    await graceSeesIt(boardId, cardId, title, text);
  });

  it('[offline-desc] the same while the server is down (restarted on its data): "Retry now" reconnects everything', async () => {
    const title = 'Written during an outage';
    const text = 'The server was down';
    const { ada, boardId, cardId } = await boardWithCard(title);
    const room = descriptionRoom(boardId, cardId);

    await session.server.stop();
    // The browser has a network; the server does not answer.
    await expectConnection(ada, 'unreachable');
    await writeDescription(ada, title, text);
    await ada.waitForTimeout(OFFLINE_MS);
    expect(await waitingText(ada)).toBe('1 card waiting to sync');

    await noteFirstSaved(ada);
    const stored = storedWithin(room, (doc) => storedText(doc) === text, 'the description');
    await nextRetryFarOff(ada);
    await session.server.start();
    await ada.getByRole('button', { name: 'Retry now' }).click();
    await expectConnection(ada, 'online');
    await expectSaved(ada, 30_000);
    const savedAt = await firstSavedAt(ada);
    expect(await stored, '"Saved" showed before the server stored the description').toBeLessThanOrEqual(
      savedAt,
    );

    await graceSeesIt(boardId, cardId, title, text);
  });

  it('[offline-desc] twenty descriptions edited offline all reach the server, a few rooms at a time on one socket', async () => {
    const count = 20;
    const titles = Array.from({ length: count }, (_, i) => `Card ${i + 1}`);
    const textOf = (i: number) => `Offline text number ${i + 1}`;
    const ada = (await session.newUser()).page;
    // Description rooms subscribed at once, once offline (all on the page's shared socket).
    let counting = false;
    let mostOpen = 0;
    const watch = watchRooms(ada, (active) => {
      if (!counting) return;
      mostOpen = Math.max(mostOpen, [...active].filter((room) => room.includes('.card.')).length);
    });
    const boardId = await createBoard(ada);
    for (const title of titles) await addCardViaUi(ada, title);
    await expectSaved(ada);
    const cardIds = await Promise.all(titles.map((title) => cardIdOf(ada, title)));
    counting = true;
    const joinsBefore = watch.joins.length;
    const socketsBefore = watch.sockets.length;

    await ada.context().setOffline(true);
    await expectConnection(ada, 'offline');
    for (const [i, title] of titles.entries()) await writeDescription(ada, title, textOf(i));
    await ada
      .getByTestId('sync-saved')
      .filter({ hasText: new RegExp(`^${count} cards waiting to sync$`) })
      .waitFor({ timeout: 2_000 });

    await noteFirstSaved(ada);
    const stored = cardIds.map((cardId, i) =>
      storedWithin(
        descriptionRoom(boardId, cardId),
        (doc) => storedText(doc) === textOf(i),
        `description ${i + 1}`,
      ),
    );
    await ada.context().setOffline(false);
    await expectConnection(ada, 'online');
    await expectSaved(ada, 60_000);
    const savedAt = await firstSavedAt(ada);
    const storedAt = await Promise.all(stored);
    expect(
      Math.max(...storedAt),
      '"Saved" showed before the server stored every description',
    ).toBeLessThanOrEqual(savedAt);
    const cardJoins = watch.joins.slice(joinsBefore).filter((room) => room.includes('.card.'));
    expect(new Set(cardJoins).size).toBe(count);
    // client/sync's background queue connects three documents at a time; the leave of one just stored may
    // still be on its way when the next one joins.
    expect(mostOpen).toBeGreaterThan(0);
    expect(mostOpen).toBeLessThanOrEqual(4);
    // Every room went over the page's one socket (`/_mux`), opened again once back online.
    const reopened = watch.sockets.slice(socketsBefore);
    expect(reopened.map((socket) => new URL(socket.url()).pathname)).toEqual(['/_mux']);

    const grace = (await session.newUser()).page;
    await openBoard(grace, boardId);
    for (const [i, title] of titles.entries()) await previewOn(grace, title, textOf(i)).waitFor();
  }, 180_000);
});
