import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { seriousViolations } from './support/axe';
import { addCardViaUi, createBoard, expectSaved } from './support/board';
import { openDescription } from './support/description';
import { setupE2ESession } from './support/session';

const session = setupE2ESession();

/** The accessibility check of one screen: no serious or critical axe violation. */
async function expectAccessible(page: Page, screen: string): Promise<void> {
  const violations = await seriousViolations(page);
  expect(violations, `${screen}: ${violations.join('\n')}`).toEqual([]);
}

// Run in the page (strings: this file is type-checked without the DOM library).
const FOCUS_VISIBLE = `(() => {
  const element = document.activeElement;
  if (!(element instanceof HTMLElement) || element === document.body) return false;
  const style = getComputedStyle(element);
  const outline = style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) > 0;
  return outline || style.boxShadow !== 'none';
})()`;
const FOCUSED = `(() => {
  const element = document.activeElement;
  return element ? element.tagName.toLowerCase() + ' ' + (element.getAttribute('aria-label') ?? element.textContent?.trim() ?? '') : 'nothing';
})()`;

/** Whether the focused element shows a focus indicator (an outline or a box shadow). */
const focusVisible = (page: Page) => page.evaluate(FOCUS_VISIBLE) as Promise<boolean>;
/** What has focus: its tag and accessible text, for messages. */
const focused = (page: Page) => page.evaluate(FOCUSED) as Promise<string>;
/** Whether the locator's element has focus, or (`within`) holds it. */
const hasFocus = (locator: Locator, within = false) =>
  locator.evaluate((element, inside) => {
    const active = (element.ownerDocument as { activeElement: unknown }).activeElement;
    return inside ? element.contains(active as never) : element === active;
  }, within);

describe('accessibility (axe-core in Chromium)', () => {
  for (const scheme of ['light', 'dark'] as const) {
    it(`[a11y] home, board, card panel with description, share dialog and search have no serious or critical violations (${scheme})`, async () => {
      const { page } = await session.newUser();
      await page.emulateMedia({ colorScheme: scheme });
      const boardId = await createBoard(page);
      await expect(
        page.getByRole('button', { name: 'Dark mode' }).getAttribute('aria-pressed'),
      ).resolves.toBe(scheme === 'dark' ? 'true' : 'false');
      // The colours follow the system, and the toggle overrides it both ways.
      const paper = () =>
        page.evaluate(
          `[document.documentElement, document.querySelector('.app-header')].map((element) => (element ? getComputedStyle(element).backgroundColor : 'none')).join(' / ')`,
        );
      const LIGHT_PAPER = 'rgb(245, 247, 246) / rgb(47, 93, 80)';
      const DARK_PAPER = 'rgb(20, 26, 25) / rgb(27, 58, 50)';
      await expect(paper()).resolves.toBe(scheme === 'dark' ? DARK_PAPER : LIGHT_PAPER);
      await page.getByRole('button', { name: 'Dark mode' }).click();
      await expect(paper()).resolves.toBe(scheme === 'dark' ? LIGHT_PAPER : DARK_PAPER);
      await page.getByRole('button', { name: 'Dark mode' }).click();
      await expect(paper()).resolves.toBe(scheme === 'dark' ? DARK_PAPER : LIGHT_PAPER);
      await addCardViaUi(page, 'Fix login');
      await addCardViaUi(page, 'Write the release notes', 'Doing');
      await expectSaved(page);
      await expectAccessible(page, 'board');

      const content = await openDescription(page, 'Fix login');
      await content.click();
      await page.keyboard.type('The session cookie expires too early.');
      await page.getByTestId('description-status').filter({ hasText: 'Saved' }).waitFor();
      await expectAccessible(page, 'card panel with a description');
      await page.getByRole('button', { name: 'Close card' }).click();

      await page.getByRole('button', { name: 'Share' }).click();
      await page.getByRole('dialog', { name: /^Share/ }).waitFor();
      await expectAccessible(page, 'share dialog');
      await page.keyboard.press('Escape');

      await page.keyboard.press('Control+k');
      const search = page.getByRole('dialog', { name: 'Search' });
      await search.getByRole('searchbox').fill('cookie');
      await search.getByRole('link', { name: 'Fix login' }).waitFor();
      await expectAccessible(page, 'search with results');
      await page.keyboard.press('Escape');

      await page.goto('/');
      await page.getByRole('link', { name: 'Team board' }).waitFor();
      await expectAccessible(page, 'home');
      expect(boardId).toBeTruthy();
    });
  }

  it('[a11y] the first-visit form has no serious or critical violations', async () => {
    const { page } = await session.newUser(null);
    await page.goto('/');
    await page.getByRole('heading', { name: 'Welcome to Trellis' }).waitFor();
    await expectAccessible(page, 'welcome form');
  });

  it('[a11y] focus stays in a dialog, shows where it is, and returns to what opened the dialog', async () => {
    const { page } = await session.newUser();
    await createBoard(page);
    const share = page.getByRole('button', { name: 'Share' });
    await share.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: /^Share/ });
    await dialog.waitFor();
    // Tab through more stops than the dialog has: focus never leaves it, and is always visible.
    for (let stop = 0; stop < 8; stop += 1) {
      await page.keyboard.press('Tab');
      const inside = await hasFocus(dialog, true);
      expect(inside, `focus left the dialog at ${await focused(page)}`).toBe(true);
      expect(await focusVisible(page), `no visible focus on ${await focused(page)}`).toBe(true);
    }
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expect(hasFocus(share)).resolves.toBe(true);

    // The search dialog: opened by the keyboard shortcut, closed by Escape, focus back where it was.
    await page.keyboard.press('Control+k');
    const search = page.getByRole('dialog', { name: 'Search' });
    await search.getByRole('searchbox').waitFor();
    // The field takes focus as the dialog opens (an effect after the first paint): wait for it.
    await page.waitForFunction("document.activeElement?.getAttribute('type') === 'search'", undefined, {
      timeout: 5_000,
    });
    await page.keyboard.press('Escape');
    await search.waitFor({ state: 'detached' });
    await expect(hasFocus(share)).resolves.toBe(true);
  });
});
