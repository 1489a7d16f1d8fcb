import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  addCardViaUi,
  avatarOf,
  cardNamed,
  column,
  createBoard,
  expectConnection,
  expectSaved,
  moveCardByKeyboard,
  openBoard,
} from './support/board';
import { setupE2ESession } from './support/session';

const session = setupE2ESession();

/** Drags with the mouse in small steps, as a person would (dnd-kit starts after 5 px). */
async function dragTo(page: Page, source: Locator, target: Locator): Promise<void> {
  const from = await source.boundingBox();
  const to = await target.boundingBox();
  if (!from || !to) throw new Error('drag source or target is not visible');
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(from.x + from.width / 2 + 10, from.y + from.height / 2, { steps: 3 });
  await page.mouse.move(to.x + to.width / 2, to.y + Math.min(to.height / 2, 80), { steps: 12 });
  await page.mouse.up();
}

async function twoUsersOnOneBoard() {
  const ada = await session.newUser();
  const boardId = await createBoard(ada.page);
  const grace = await session.newUser();
  await openBoard(grace.page, boardId);
  await expectConnection(grace.page, 'online');
  return { ada, grace, boardId };
}

describe('board collaboration in two browsers', () => {
  it('[board] a card one user drags to another column moves for the other within a second', async () => {
    const { ada, grace } = await twoUsersOnOneBoard();
    await addCardViaUi(ada.page, 'Write the spec');
    await cardNamed(column(grace.page, 'To do'), 'Write the spec').waitFor();

    await dragTo(ada.page, cardNamed(ada.page, 'Write the spec'), column(ada.page, 'Doing'));
    await cardNamed(column(ada.page, 'Doing'), 'Write the spec').waitFor({ timeout: 2_000 });
    const movedAt = Date.now();
    await cardNamed(column(grace.page, 'Doing'), 'Write the spec').waitFor({ timeout: 1_000 });
    expect(Date.now() - movedAt).toBeLessThan(1_000);
    expect(await cardNamed(column(grace.page, 'To do'), 'Write the spec').count()).toBe(0);
  });

  it('[board] both users show as avatars on the board', async () => {
    const { ada, grace } = await twoUsersOnOneBoard();
    for (const page of [ada.page, grace.page]) {
      await avatarOf(page, 'e2e-user-1').waitFor();
      await avatarOf(page, 'e2e-user-2').waitFor();
    }
  });

  it('[board] keyboard drag and drop (space, arrows, space) moves a card, for both users', async () => {
    const { ada, grace } = await twoUsersOnOneBoard();
    await addCardViaUi(ada.page, 'Keyboard card');
    await moveCardByKeyboard(ada.page, 'Keyboard card', ['ArrowRight', 'ArrowRight']);
    await cardNamed(column(ada.page, 'Done'), 'Keyboard card').waitFor({ timeout: 2_000 });
    expect(await cardNamed(column(ada.page, 'To do'), 'Keyboard card').count()).toBe(0);
    await cardNamed(column(grace.page, 'Done'), 'Keyboard card').waitFor({ timeout: 1_000 });
    // The other user can move it on by keyboard too (a card that arrived remotely).
    await addCardViaUi(grace.page, 'Below', 'Done');
    await moveCardByKeyboard(grace.page, 'Below', ['ArrowUp']);
    await expect
      .poll(
        () =>
          column(ada.page, 'Done')
            .getByRole('article')
            .evaluateAll((cards) => cards.map((c) => c.getAttribute('aria-label'))),
        { timeout: 2_000 },
      )
      .toEqual(['Below', 'Keyboard card']);
  });

  it('[board] one user offline: both move and add cards, it comes back, and both show both edits', async () => {
    const { ada, grace } = await twoUsersOnOneBoard();
    await addCardViaUi(ada.page, 'Shared card');
    await cardNamed(grace.page, 'Shared card').waitFor();

    await grace.context.setOffline(true);
    await expectConnection(grace.page, 'offline');
    await moveCardByKeyboard(grace.page, 'Shared card', ['ArrowRight']);
    await cardNamed(column(grace.page, 'Doing'), 'Shared card').waitFor();
    await addCardViaUi(grace.page, 'Offline idea', 'Done');
    await addCardViaUi(ada.page, 'Online idea', 'To do');

    await grace.context.setOffline(false);
    await expectConnection(grace.page, 'online');
    for (const page of [ada.page, grace.page]) {
      await cardNamed(column(page, 'Doing'), 'Shared card').waitFor();
      await cardNamed(column(page, 'Done'), 'Offline idea').waitFor();
      await cardNamed(column(page, 'To do'), 'Online idea').waitFor();
    }
    await expectSaved(grace.page);
    await expectSaved(ada.page);
  });
});
