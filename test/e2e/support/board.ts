import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** Creates a board from the home page and returns its id once the board page shows it. */
export async function createBoard(page: Page): Promise<string> {
  await page.goto('/');
  await page.getByRole('button', { name: 'New board' }).click();
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

/** Adds a card through the UI (to the first column) and waits until it shows. */
export async function addCardViaUi(page: Page, title: string): Promise<void> {
  await page.getByLabel('New card title').fill(title);
  await page.getByRole('button', { name: 'Add card' }).click();
  await cardNamed(page, title).waitFor();
}

export function cardNamed(page: Page, title: string) {
  return page.getByTestId('card').filter({ hasText: title });
}
