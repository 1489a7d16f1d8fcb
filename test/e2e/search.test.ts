import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { addCardViaUi, createBoard, expectSaved } from './support/board';
import { closeDescription, openDescription } from './support/description';
import { setupE2ESession } from './support/session';

const session = setupE2ESession();

async function renameBoard(page: Page, title: string): Promise<void> {
  await page.getByRole('button', { name: /\(rename board\)$/ }).click();
  const field = page.getByRole('textbox', { name: 'Board title' });
  await field.fill(title);
  await field.press('Enter');
  await page.getByRole('heading', { name: `${title} (rename board)` }).waitFor();
}

describe('finding things', () => {
  it('[search] Ctrl+K finds cards of every board by title and description, offline too, and opens the card', async () => {
    const { page, context } = await session.newUser();
    const roadmap = await createBoard(page);
    await renameBoard(page, 'Roadmap');
    await addCardViaUi(page, 'Fix login');
    const description = await openDescription(page, 'Fix login');
    await description.click();
    await page.keyboard.type('The session cookie expires before the redirect.');
    await page.getByTestId('description-status').filter({ hasText: 'Saved' }).waitFor();
    await closeDescription(page);

    const team = await createBoard(page);
    await renameBoard(page, 'Team');
    await addCardViaUi(page, 'Plan the offsite', 'Doing');
    await expectSaved(page);

    // From another board: a word of the first board's description.
    await page.keyboard.press('Control+k');
    const dialog = page.getByRole('dialog', { name: 'Search' });
    await dialog.getByRole('searchbox').fill('cookie');
    const result = dialog
      .getByRole('listitem')
      .filter({ has: page.getByRole('link', { name: 'Fix login' }) });
    await result.waitFor();
    await expect(result.textContent()).resolves.toContain('Roadmap · To do');
    await expect(result.locator('mark').textContent()).resolves.toBe('cookie');
    await dialog.getByRole('searchbox').press('Enter');
    await page.getByRole('dialog', { name: 'Card: Fix login' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/b/${roadmap}`);
    await page.getByTestId('description-content').filter({ hasText: 'session cookie' }).waitFor();

    // Offline, from the index this browser keeps.
    await context.setOffline(true);
    await page.keyboard.press('Control+k');
    await dialog.getByRole('searchbox').fill('offsite');
    const offsite = dialog.getByRole('link', { name: 'Plan the offsite' });
    await offsite.waitFor();
    await expect(offsite.getAttribute('href')).resolves.toMatch(new RegExp(`^/b/${team}\\?card=`));
    await offsite.click();
    await page.getByRole('dialog', { name: 'Card: Plan the offsite' }).waitFor();
    await context.setOffline(false);
  });

  it('[filter] a board filtered by text is a link: the filter is in the URL and survives a reload', async () => {
    const { page } = await session.newUser();
    await createBoard(page);
    for (const title of ['Fix login', 'Write docs', 'Fix logout']) await addCardViaUi(page, title);
    await page.getByRole('searchbox', { name: 'Filter cards by text' }).fill('fix');
    await page
      .getByRole('search', { name: 'Filter cards' })
      .getByRole('status')
      .filter({ hasText: '2 of 3 cards' })
      .waitFor();
    await expect(page.getByRole('article').count()).resolves.toBe(2);
    expect(new URL(page.url()).searchParams.get('q')).toBe('fix');

    await page.reload();
    await page.getByRole('article', { name: 'Fix login' }).waitFor();
    await expect(page.getByRole('searchbox', { name: 'Filter cards by text' }).inputValue()).resolves.toBe(
      'fix',
    );
    await expect(page.getByRole('article').count()).resolves.toBe(2);
    await page.getByRole('button', { name: 'Clear filter' }).click();
    await page.getByRole('article', { name: 'Write docs' }).waitFor();
    expect(new URL(page.url()).search).toBe('');
  });
});
