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
import { addCardViaUi, createBoard, expectConnection, expectSaved, openBoard } from './support/board';
import { cardIdOf, closeDescription, content, openDescription, previewOn } from './support/description';
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
});
