import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { addCardViaUi, column, createBoard } from './support/board';
import { setupE2ESession } from './support/session';

const session = setupE2ESession();

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

async function box(locator: Locator): Promise<Box> {
  const found = await locator.boundingBox();
  if (found === null) throw new Error('element not rendered');
  return found;
}

/** Resolves once the element lies wholly inside the viewport (a smooth scroll may still be moving it). */
async function whenInViewport(page: Page, locator: Locator): Promise<void> {
  const handle = await locator.elementHandle();
  await page.waitForFunction(
    (element) => {
      if (!element) return false;
      const rect = element.getBoundingClientRect();
      const view = element.ownerDocument.documentElement;
      return rect.left >= 0 && rect.right <= view.clientWidth && rect.width > 0;
    },
    handle,
    { timeout: 5_000 },
  );
}

/** How wide the page is: wider than the viewport means it scrolls sideways. */
const pageWidth = (page: Page) => page.evaluate('document.documentElement.scrollWidth') as Promise<number>;

async function addColumn(page: Page, title: string): Promise<void> {
  const field = page.getByRole('textbox', { name: 'New column title' });
  if ((await field.count()) === 0) await page.getByRole('button', { name: '+ Add column' }).click();
  await field.fill(title);
  await field.press('Enter');
  await column(page, title).waitFor();
}

describe('layout at 1280 px', () => {
  it('[layout] a new column is brought into view and the add control stays in reach, however many columns', async () => {
    const { page } = await session.newUser(undefined, { viewport: { width: 1280, height: 800 } });
    await createBoard(page);
    for (const title of ['Review', 'Shipped', 'Later']) {
      await addColumn(page, title);
      await whenInViewport(page, column(page, title));
      // The form stays open for the next column, on screen.
      await whenInViewport(page, page.getByRole('textbox', { name: 'New column title' }));
    }
    // The page itself never scrolls sideways: the row of columns does.
    expect(await pageWidth(page)).toBeLessThanOrEqual(1280);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await whenInViewport(page, page.getByRole('button', { name: '+ Add column' }));
  });

  it('[layout] with the card panel open the row scrolls, so the last column is not covered', async () => {
    const { page } = await session.newUser(undefined, { viewport: { width: 1280, height: 800 } });
    await createBoard(page);
    await addColumn(page, 'Review');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await addCardViaUi(page, 'Plan');
    await page
      .getByRole('article', { name: 'Plan' })
      .getByRole('button', { name: 'Plan', exact: true })
      .click();
    const panel = page.getByRole('dialog', { name: 'Card: Plan' });
    await panel.waitFor();

    const row = page.locator('.board-columns');
    await row.evaluate((element) => element.scrollTo({ left: element.scrollWidth }));
    const last = await box(column(page, 'Review'));
    const panelBox = await box(panel);
    expect(last.x + last.width).toBeLessThanOrEqual(panelBox.x + 1);
    expect(last.x).toBeGreaterThanOrEqual(0);
    expect(await pageWidth(page)).toBeLessThanOrEqual(1280);
  });
});
