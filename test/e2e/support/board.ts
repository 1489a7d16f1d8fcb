import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';

/** Creates a board from the home page (named, from a template) and returns its id once the board page shows it. */
export async function createBoard(page: Page, name = 'Team board', template = 'Kanban'): Promise<string> {
  await page.goto('/');
  await page.getByRole('button', { name: 'New board' }).click();
  const dialog = page.getByTestId('new-board-dialog');
  await dialog.getByLabel('Board name').fill(name);
  await dialog.getByRole('radio', { name: new RegExp(`^${template}\\b`) }).check();
  await dialog.getByRole('button', { name: 'Create board' }).click();
  await page.waitForURL(/\/b\/[A-Za-z0-9_-]+$/);
  const boardId = new URL(page.url()).pathname.split('/')[2];
  expect(boardId).toBeTruthy();
  await expectConnection(page, 'online');
  return boardId as string;
}

export async function openBoard(page: Page, boardId: string): Promise<void> {
  await page.goto(`/b/${boardId}`);
  await page.getByTestId('board-page').waitFor();
}

export async function expectConnection(page: Page, state: string, timeout = 10_000): Promise<void> {
  await page.locator(`[data-testid="sync-connection"][data-state="${state}"]`).waitFor({ timeout });
}

export async function expectSaved(page: Page, timeout = 10_000): Promise<void> {
  await page.locator('[data-testid="sync-saved"][data-saved="true"]').waitFor({ timeout });
}

/** Resolves once a service worker controls the page, so a reload can be answered offline. */
export async function whenServiceWorkerControls(page: Page): Promise<void> {
  await page.waitForFunction('navigator.serviceWorker.controller !== null', undefined, {
    timeout: 15_000,
  });
}

/** The column section (a region named by its title). */
export function column(page: Page, title: string): Locator {
  return page.getByRole('region', { name: title, exact: true });
}

/** A card tile (an article named by the card's title), anywhere or within a locator. */
export function cardNamed(scope: Page | Locator, title: string): Locator {
  return scope.getByRole('article', { name: title, exact: true });
}

/** Adds a card through the board view's form in a column and waits until it shows. */
export async function addCardViaUi(page: Page, title: string, columnTitle = 'To do'): Promise<void> {
  const target = column(page, columnTitle);
  const field = target.getByLabel(`New card title in ${columnTitle}`);
  // The form stays open after an add, for the next card.
  if ((await field.count()) === 0)
    await target.getByRole('button', { name: `+ Add card to ${columnTitle}` }).click();
  await field.fill(title);
  await field.press('Enter');
  await cardNamed(target, title).waitFor();
}

/** Moves a card with the keyboard: focus its handle, Space to lift, arrows, Space to drop. */
export async function moveCardByKeyboard(page: Page, title: string, keys: readonly string[]): Promise<void> {
  const handle = page.getByRole('button', { name: `Move card: ${title}`, exact: true });
  await handle.focus();
  await page.keyboard.press('Space');
  // dnd-kit marks the handle pressed once the drag has started; it measures the drop targets in the
  // frame after (a person's first arrow press never comes sooner).
  await page.locator('[aria-pressed="true"][aria-roledescription="draggable card"]').waitFor();
  await afterNextPaint(page);
  for (const key of keys) {
    await page.keyboard.press(key);
    await afterNextPaint(page);
  }
  await page.keyboard.press('Space');
  await page
    .locator('[aria-pressed="true"][aria-roledescription="draggable card"]')
    .waitFor({ state: 'detached' });
}

/** Resolves after the page rendered a frame (React committed and dnd-kit re-measured). */
async function afterNextPaint(page: Page): Promise<void> {
  await page.evaluate(
    'new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(undefined))))',
  );
}

export function avatarOf(page: Page, participantId: string): Locator {
  return page.locator(`[data-testid="presence-avatar"][data-participant="${participantId}"]`);
}

export function boardTitle(page: Page): Locator {
  return page.locator('.board-title');
}
