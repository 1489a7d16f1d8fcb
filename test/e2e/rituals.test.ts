import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  addCardViaUi,
  boardTitle,
  cardNamed,
  column,
  createBoard,
  expectConnection,
  openBoard,
} from './support/board';
import { setupE2ESession } from './support/session';

const session = setupE2ESession();

async function vote(page: Page, title: string, times = 1): Promise<void> {
  const button = page.getByRole('button', { name: `Vote for ${title}`, exact: true });
  for (let i = 0; i < times; i++) {
    const before = Number(await cardNamed(page, title).getByTestId('card-votes').getAttribute('data-mine'));
    await button.click();
    await cardNamed(page, title)
      .locator(`[data-testid="card-votes"][data-mine="${before + 1}"]`)
      .waitFor();
  }
}

function tallyOf(page: Page, title: string) {
  return cardNamed(page, title).getByTestId('card-tally');
}

async function cardOrder(page: Page, columnTitle: string): Promise<(string | null)[]> {
  return column(page, columnTitle)
    .getByRole('article')
    .evaluateAll((cards) => cards.map((c) => c.getAttribute('aria-label')));
}

describe('team rituals', () => {
  it('[rituals] a board is named and given a template as it is created', async () => {
    const ada = await session.newUser();
    await createBoard(ada.page, 'Sprint 12 retro', 'Retrospective');
    await boardTitle(ada.page).filter({ hasText: 'Sprint 12 retro' }).waitFor();
    for (const title of ['Went well', 'To improve', 'Action items']) await column(ada.page, title).waitFor();
    expect(await column(ada.page, 'To do').count()).toBe(0);
  });

  it('[B21][B22][B23] a three-person retrospective: cards from all three, a dot-voting round, the tally and the sort', async () => {
    const ada = await session.newUser();
    const boardId = await createBoard(ada.page, 'Sprint 12 retro', 'Retrospective');
    const bob = await session.newUser();
    const cyd = await session.newUser();
    for (const user of [bob, cyd]) {
      await openBoard(user.page, boardId);
      await expectConnection(user.page, 'online');
      await boardTitle(user.page).filter({ hasText: 'Sprint 12 retro' }).waitFor();
    }
    await addCardViaUi(ada.page, 'Pairing worked', 'To improve');
    await addCardViaUi(bob.page, 'Flaky CI', 'To improve');
    await addCardViaUi(cyd.page, 'Too many meetings', 'To improve');
    for (const user of [ada, bob, cyd]) {
      await expect.poll(() => cardOrder(user.page, 'To improve')).toHaveLength(3);
    }

    await ada.page.getByRole('button', { name: 'Start dot voting' }).click();
    await ada.page.getByRole('button', { name: 'Start voting' }).click();
    for (const user of [ada, bob, cyd]) {
      await user.page.getByTestId('votes-left').filter({ hasText: '5 of 5 votes left' }).waitFor();
    }
    // All three vote at the same time.
    await Promise.all([
      vote(ada.page, 'Too many meetings', 3),
      vote(bob.page, 'Too many meetings', 2).then(() => vote(bob.page, 'Flaky CI', 3)),
      vote(cyd.page, 'Flaky CI', 1).then(() => vote(cyd.page, 'Pairing worked', 1)),
    ]);
    // Three on one card is the most one person may put there.
    await expect(
      ada.page.getByRole('button', { name: 'Vote for Too many meetings', exact: true }).isDisabled(),
    ).resolves.toBe(true);
    await ada.page.getByTestId('votes-left').filter({ hasText: '2 of 5 votes left' }).waitFor();
    await bob.page.getByTestId('votes-left').filter({ hasText: '0 of 5 votes left' }).waitFor();
    // Live counts: everyone's votes show on every screen before the end.
    await cardNamed(cyd.page, 'Too many meetings').getByText('5 (0 mine)').waitFor();

    await cyd.page.getByRole('button', { name: 'End voting' }).click();
    for (const user of [ada, bob, cyd]) {
      await tallyOf(user.page, 'Too many meetings').filter({ hasText: '5 votes' }).waitFor();
      await tallyOf(user.page, 'Flaky CI').filter({ hasText: '4 votes' }).waitFor();
      await tallyOf(user.page, 'Pairing worked').filter({ hasText: '1 vote' }).waitFor();
      expect(await user.page.getByRole('button', { name: /^Vote for / }).count()).toBe(0);
    }

    await bob.page.getByRole('button', { name: 'Sort To improve by votes' }).click();
    for (const user of [ada, bob, cyd]) {
      await expect
        .poll(() => cardOrder(user.page, 'To improve'))
        .toEqual(['Too many meetings', 'Flaky CI', 'Pairing worked']);
    }
  });

  it('[B22] a voter offline during a round: votes cast before they saw the end count once they reconnect', async () => {
    const ada = await session.newUser();
    const boardId = await createBoard(ada.page, 'Retro', 'Retrospective');
    const cyd = await session.newUser();
    await openBoard(cyd.page, boardId);
    await expectConnection(cyd.page, 'online');
    await addCardViaUi(ada.page, 'Release notes', 'Went well');
    await cardNamed(cyd.page, 'Release notes').waitFor();
    await ada.page.getByRole('button', { name: 'Start dot voting' }).click();
    await ada.page.getByRole('button', { name: 'Start voting' }).click();
    await cyd.page.getByTestId('votes-left').filter({ hasText: '5 of 5 votes left' }).waitFor();

    await cyd.context.setOffline(true);
    await expectConnection(cyd.page, 'offline');
    await vote(ada.page, 'Release notes', 1);
    await ada.page.getByRole('button', { name: 'End voting' }).click();
    await tallyOf(ada.page, 'Release notes').filter({ hasText: '1 vote' }).waitFor();
    // Offline, the round is still open for her: she has not seen it end.
    await vote(cyd.page, 'Release notes', 2);
    await cyd.page.getByTestId('votes-left').filter({ hasText: '3 of 5 votes left' }).waitFor();

    await cyd.context.setOffline(false);
    await expectConnection(cyd.page, 'online', 15_000);
    for (const page of [ada.page, cyd.page]) {
      await tallyOf(page, 'Release notes').filter({ hasText: '3 votes' }).waitFor({ timeout: 15_000 });
    }
    // Having seen the end, she can no longer vote.
    expect(await cyd.page.getByRole('button', { name: /^Vote for / }).count()).toBe(0);
  });
});
