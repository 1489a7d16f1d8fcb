import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { addCardViaUi, cardNamed, column, createBoard, expectConnection, openBoard } from './support/board';
import { setupE2ESession } from './support/session';

const session = setupE2ESession();

// Distinctive values, so that finding one in a frame cannot be a coincidence of binary encoding.
const DECK = ['Quokka', 'Narwhal', 'Axolotl', 'Pangolin'];

/** Every websocket frame this page receives, as bytes, in order. */
function recordFrames(page: Page): Buffer[] {
  const frames: Buffer[] = [];
  page.on('websocket', (ws) => {
    ws.on('framereceived', ({ payload }) => {
      frames.push(typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload));
    });
  });
  return frames;
}

function occurrences(frames: readonly Buffer[], value: string): number {
  const needle = Buffer.from(value, 'utf8');
  let count = 0;
  for (const frame of frames) {
    for (let at = frame.indexOf(needle); at !== -1; at = frame.indexOf(needle, at + 1)) count++;
  }
  return count;
}

async function openCard(page: Page, title: string): Promise<void> {
  await cardNamed(page, title).getByRole('button', { name: title, exact: true }).click();
  await page.getByTestId('poker').waitFor();
}

async function pick(page: Page, value: string): Promise<void> {
  const card = page.getByTestId('poker').getByRole('button', { name: value, exact: true });
  await card.click();
  await page.getByTestId('poker').locator('button[aria-pressed="true"]', { hasText: value }).waitFor();
}

function voterRow(page: Page, id: string) {
  return page.getByTestId('poker-voters').locator(`li[data-voter="${id}"]`);
}

describe('planning poker', () => {
  it('[B24][B25][B26] three vote, each sees who voted, no value reaches another browser before the reveal; reveal, vote again, accept', async () => {
    const ada = await session.newUser();
    const boardId = await createBoard(ada.page, 'Sprint planning', 'Planning');
    const bob = await session.newUser();
    const bobFrames = recordFrames(bob.page);
    const cyd = await session.newUser();
    for (const user of [bob, cyd]) {
      await openBoard(user.page, boardId);
      await expectConnection(user.page, 'online');
    }
    await addCardViaUi(ada.page, 'Login page', 'To estimate');
    for (const user of [ada, bob, cyd]) await openCard(user.page, 'Login page');

    await ada.page.getByLabel('Deck').selectOption('custom');
    await ada.page.getByLabel('Cards, separated by commas').fill(DECK.join(', '));
    await ada.page.getByRole('button', { name: 'Start estimating' }).click();
    for (const user of [ada, bob, cyd]) {
      await user.page.getByTestId('poker').getByRole('button', { name: 'Pangolin', exact: true }).waitFor();
      for (const id of ['e2e-user-1', 'e2e-user-2', 'e2e-user-3']) {
        await voterRow(user.page, id).filter({ hasText: 'not voted yet' }).waitFor();
      }
    }
    const framesBeforeVotes = bobFrames.length;

    await pick(ada.page, 'Axolotl');
    await pick(bob.page, 'Narwhal');
    await pick(cyd.page, 'Axolotl');
    // Ada changes her mind before the reveal.
    await pick(ada.page, 'Pangolin');
    for (const user of [ada, bob, cyd]) {
      for (const id of ['e2e-user-1', 'e2e-user-2', 'e2e-user-3']) {
        await voterRow(user.page, id).filter({ hasText: ': voted' }).waitFor();
      }
    }
    // Nothing anyone else chose is on Bob's screen, and not in anything his browser received.
    expect(await bob.page.getByTestId('poker').locator('button[aria-pressed="true"]').textContent()).toBe(
      'Narwhal',
    );
    const beforeReveal = bobFrames.slice();
    expect(beforeReveal.length).toBeGreaterThan(framesBeforeVotes);
    for (const value of DECK) expect(occurrences(beforeReveal.slice(framesBeforeVotes), value)).toBe(0);
    // The deck itself reached him when the round started: each value equally often, the chosen ones no more.
    const counts = DECK.map((value) => occurrences(beforeReveal, value));
    expect(counts[0]).toBeGreaterThan(0);
    expect(new Set(counts).size).toBe(1);

    await cyd.page.getByRole('button', { name: 'Reveal' }).click();
    for (const user of [ada, bob, cyd]) {
      const result = user.page.getByTestId('poker-result');
      await result.locator('li[data-voter="e2e-user-1"]', { hasText: 'Pangolin' }).waitFor();
      await result.locator('li[data-voter="e2e-user-2"]', { hasText: 'Narwhal' }).waitFor();
      await result.locator('li[data-voter="e2e-user-3"]', { hasText: 'Axolotl' }).waitFor();
      await result.getByText('Median Axolotl · agreement 33%').waitFor();
      await result.getByRole('list', { name: 'Distribution' }).getByText('Narwhal × 1').waitFor();
    }
    // Now the values travel.
    expect(occurrences(bobFrames.slice(beforeReveal.length), 'Pangolin')).toBeGreaterThan(0);

    await bob.page.getByRole('button', { name: 'Vote again' }).click();
    for (const user of [ada, bob, cyd]) {
      await voterRow(user.page, 'e2e-user-1').filter({ hasText: 'not voted yet' }).waitFor();
    }
    for (const user of [ada, bob, cyd]) await pick(user.page, 'Narwhal');
    await ada.page.getByTestId('poker-voters').locator('li[data-voted="true"]').nth(2).waitFor();
    await ada.page.getByRole('button', { name: 'Reveal' }).click();
    await ada.page
      .getByTestId('poker-result')
      .getByText('Median Narwhal · agreement 100% · consensus')
      .waitFor();
    await ada.page.getByRole('button', { name: 'Accept' }).click();
    for (const user of [ada, bob, cyd]) {
      await user.page.getByRole('heading', { name: 'Estimate: Narwhal' }).waitFor();
      await cardNamed(column(user.page, 'To estimate'), 'Login page')
        .getByTestId('card-estimate')
        .filter({ hasText: 'Narwhal' })
        .waitFor();
    }
  });

  it('[B26] a voter who left before the reveal shows "no vote" even after coming back; Fibonacci estimates are summed per column', async () => {
    const ada = await session.newUser();
    const boardId = await createBoard(ada.page, 'Sprint planning', 'Planning');
    const bob = await session.newUser();
    await openBoard(bob.page, boardId);
    await expectConnection(bob.page, 'online');
    await addCardViaUi(ada.page, 'Search', 'Ready');
    await addCardViaUi(ada.page, 'Export', 'Ready');
    for (const user of [ada, bob]) await openCard(user.page, 'Search');
    await ada.page.getByRole('button', { name: 'Start estimating' }).click();
    await bob.page.getByTestId('poker').getByRole('button', { name: '13', exact: true }).waitFor();
    await pick(ada.page, '8');
    await pick(bob.page, '13');
    await ada.page
      .getByTestId('poker-voters')
      .locator('li[data-voter="e2e-user-2"][data-voted="true"]')
      .waitFor();
    // Bob closes his tab: his socket closes and the server drops his presence at once.
    await bob.page.close();
    await ada.page
      .locator('[data-testid="presence-avatar"][data-participant="e2e-user-2"]')
      .waitFor({ state: 'detached' });
    await ada.page.getByRole('button', { name: 'Reveal' }).click();
    const result = ada.page.getByTestId('poker-result');
    await result.locator('li[data-voter="e2e-user-2"]', { hasText: 'no vote' }).waitFor();
    await result.locator('li[data-voter="e2e-user-1"]', { hasText: '8' }).waitFor();
    // Back after the reveal, with his vote still in this browser: it is not published, he shows "no vote".
    const bobAgain = await bob.context.newPage();
    await openBoard(bobAgain, boardId);
    await expectConnection(bobAgain, 'online');
    await openCard(bobAgain, 'Search');
    const bobResult = bobAgain.getByTestId('poker-result');
    await bobResult.locator('li[data-voter="e2e-user-2"]', { hasText: 'no vote' }).waitFor();
    // His browser kept the vote and saw the reveal, yet published nothing.
    expect(await bobResult.locator('li[data-voter="e2e-user-2"]').textContent()).toContain('no vote');
    await ada.page.getByRole('button', { name: 'Accept' }).click();

    await ada.page.getByRole('button', { name: 'Close' }).first().click();
    await openCard(ada.page, 'Export');
    await ada.page.getByRole('button', { name: 'Start estimating' }).click();
    await pick(ada.page, '5');
    await ada.page.getByRole('button', { name: 'Reveal' }).click();
    await ada.page.getByTestId('poker-result').getByText('Median 5').waitFor();
    await ada.page.getByRole('button', { name: 'Accept' }).click();
    for (const page of [ada.page, bobAgain]) {
      await column(page, 'Ready').getByTestId('column-estimate').filter({ hasText: '13' }).waitFor();
    }
  });
});
