import { describe, expect, it } from 'vitest';
import { addCardViaUi, cardNamed, createBoard, expectConnection, openBoard } from './support/board';
import { setupE2ESession } from './support/session';

const session = setupE2ESession();

describe('card comments', () => {
  it('[B27][B29] a comment with an @mention picked from the members shows for the other user, highlighted, with an unread mark until read', async () => {
    const ada = await session.newUser();
    const boardId = await createBoard(ada.page, 'Launch');
    const grace = await session.newUser();
    await openBoard(grace.page, boardId);
    await expectConnection(grace.page, 'online');
    await addCardViaUi(ada.page, 'Pricing page');
    await cardNamed(grace.page, 'Pricing page').waitFor();

    await cardNamed(ada.page, 'Pricing page')
      .getByRole('button', { name: 'Pricing page', exact: true })
      .click();
    const field = ada.page.getByTestId('comments').getByRole('combobox', { name: 'Add a comment' });
    await field.click();
    await field.pressSequentially('Could you check the numbers, @Gra');
    await ada.page.getByTestId('comments').getByRole('option', { name: 'Grace Hopper' }).waitFor();
    await field.press('Enter');
    await field.pressSequentially('? Thanks');
    await expect(field.inputValue()).resolves.toBe('Could you check the numbers, @Grace Hopper ? Thanks');
    await ada.page.getByTestId('comments').getByRole('button', { name: 'Comment', exact: true }).click();
    await ada.page.getByTestId('comments').locator('mark.mention', { hasText: '@Grace Hopper' }).waitFor();
    // My own comment is not unread for me.
    await cardNamed(ada.page, 'Pricing page')
      .locator('[data-testid="card-comments"][data-unread="0"]')
      .waitFor();

    const tile = cardNamed(grace.page, 'Pricing page');
    await tile.locator('[data-testid="card-comments"][data-count="1"][data-unread="1"]').waitFor();
    await tile.getByRole('button', { name: 'Pricing page', exact: true }).click();
    const comment = grace.page
      .getByTestId('comments')
      .getByRole('listitem', { name: 'Comment by Ada Lovelace' });
    await comment.locator('mark.mention.me', { hasText: '@Grace Hopper' }).waitFor();
    await expect(comment.locator('time').getAttribute('title')).resolves.toMatch(/\d/);
    await expect(comment.locator('time').textContent()).resolves.toBe('just now');
    await tile.locator('[data-testid="card-comments"][data-unread="0"]').waitFor();
    // Only the author can edit or delete.
    expect(await comment.getByRole('button', { name: 'Edit' }).count()).toBe(0);

    // Grace answers; Ada edits her own comment; both see both, in the same order.
    const graceField = grace.page.getByTestId('comments').getByRole('combobox', { name: 'Add a comment' });
    await graceField.fill('Done, they add up.');
    await graceField.press('Control+Enter');
    await ada.page.getByTestId('comments').getByRole('button', { name: 'Edit' }).click();
    const editField = ada.page.getByTestId('comments').getByRole('combobox', { name: 'Edit comment' });
    await editField.fill('Could you check the numbers, @Grace Hopper? Thanks!');
    await ada.page.getByTestId('comments').getByRole('button', { name: 'Save' }).click();
    for (const page of [ada.page, grace.page]) {
      await expect
        .poll(() => page.getByTestId('comments').locator('.comment-text').allTextContents())
        .toEqual(['Could you check the numbers, @Grace Hopper? Thanks!', 'Done, they add up.']);
    }
    await ada.page.getByTestId('comments').getByRole('button', { name: 'Delete' }).click();
    await expect
      .poll(() => grace.page.getByTestId('comments').locator('.comment-text').allTextContents())
      .toEqual(['Done, they add up.']);
  });
});
