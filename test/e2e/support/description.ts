import type { Locator, Page } from 'playwright-core';
import { cardNamed } from './board';

export const CONTENT = '[data-testid="description-content"]';

export function content(page: Page): Locator {
  return page.getByTestId('description-content');
}

/** Opens the card's side panel and waits for its description editor. */
export async function openDescription(page: Page, cardTitle: string): Promise<Locator> {
  await cardNamed(page, cardTitle).locator('.card-open').click();
  await page.getByTestId('card-panel').waitFor();
  await content(page).waitFor();
  return content(page);
}

export async function closeDescription(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Close card' }).click();
  await page.getByTestId('card-panel').waitFor({ state: 'detached' });
}

/** The server's sync reply has been applied to this page's description document in this connection. */
export async function whenDescriptionSynced(page: Page, timeout = 20_000): Promise<void> {
  await page
    .locator('[data-testid="description-editor"][data-synced="true"][data-connection="online"]')
    .waitFor({ timeout });
}

/** The card's id, as its tile carries it. */
export async function cardIdOf(page: Page, cardTitle: string): Promise<string> {
  const id = await cardNamed(page, cardTitle).getAttribute('data-card-id');
  if (id === null) throw new Error(`card ${cardTitle} has no data-card-id`);
  return id;
}

/** The preview line on a card's tile, once it shows `text`. */
export function previewOn(page: Page, cardTitle: string, text: string): Locator {
  return cardNamed(page, cardTitle).getByTestId('card-description-preview').filter({ hasText: text });
}
