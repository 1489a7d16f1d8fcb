/**
 * Versions in real Chromium against the real sync server, two people (B16.1, B16.4): Ada opens yesterday's
 * version of a description (stored a day back on the server's clock) and restores it while Grace types in
 * another card: Grace's work stays, both see the restored text and the feed entry. Offline, versions this
 * tab fetched still show, and any other says it needs the server.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { summarizeDescription } from '../../shared/description-preview';
import { descriptionRoom } from '../../shared/room-names';
import { OffsetClock } from '../../sync-server/history/test-clock';
import { seriousViolations } from './support/axe';
import { addCardViaUi, createBoard, expectConnection, openBoard } from './support/board';
import {
  cardIdOf,
  closeDescription,
  content,
  openDescription,
  whenDescriptionSynced,
} from './support/description';
import { setupE2ESession } from './support/session';

const DAY = 24 * 60 * 60 * 1000;
const clock = new OffsetClock();
const session = setupE2ESession({}, { clock });

/** Types `text` into the open description, replacing what it holds, and waits until the server stored it. */
async function typeStored(page: Page, room: string, text: string): Promise<void> {
  const stored = session.server.whenStored(room, (doc) => summarizeDescription(doc).preview === text);
  await content(page).click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(text);
  await stored;
}

describe('versions', () => {
  it('[B16.1][B16.4] Ada restores yesterday’s description while Grace types in another card: Grace’s work stays, both see the restored text and the entry', async () => {
    clock.offsetMs = 0;
    const ada = (await session.newUser()).page;
    const boardId = await createBoard(ada);
    await addCardViaUi(ada, 'Release notes');
    await addCardViaUi(ada, 'Standup');
    const notes = descriptionRoom(boardId, await cardIdOf(ada, 'Release notes'));
    const standup = descriptionRoom(boardId, await cardIdOf(ada, 'Standup'));

    // Yesterday, on the server's clock: Ada writes the notes. Today she rewrites them.
    await openDescription(ada, 'Release notes');
    await whenDescriptionSynced(ada);
    clock.offsetMs = -DAY;
    await typeStored(ada, notes, 'Ship on Friday');
    clock.offsetMs = 0;
    await typeStored(ada, notes, 'Ship on Monday');

    const grace = (await session.newUser()).page;
    await openBoard(grace, boardId);
    await openDescription(grace, 'Standup');
    await whenDescriptionSynced(grace);
    await content(grace).click();
    await grace.keyboard.type('Grace was ');

    // Ada opens the versions of the description and picks yesterday's.
    await ada.getByTestId('description-versions-button').click();
    const dialog = ada.getByTestId('description-versions');
    await dialog.getByTestId('version-choice').first().waitFor();
    const times = (await dialog
      .getByTestId('version-choice')
      .evaluateAll((buttons) =>
        buttons.map((button) => Number(button.getAttribute('data-time'))),
      )) as number[];
    const yesterday = times.find((time) => time < Date.now() - DAY / 2);
    expect(yesterday, `a version from yesterday among ${times.join(', ')}`).toBeDefined();
    await dialog.locator(`[data-testid="version-choice"][data-time="${yesterday}"]`).click();
    const text = dialog.getByTestId('version-text');
    await text.locator('[data-diff="then"]', { hasText: 'Friday' }).waitFor();
    await text.locator('[data-diff="now"]', { hasText: 'Monday' }).waitFor();
    expect(await seriousViolations(ada)).toEqual([]);

    // She restores it while Grace goes on typing in her card.
    const restored = session.server.whenStored(
      notes,
      (doc) => summarizeDescription(doc).preview === 'Ship on Friday',
    );
    const gracesWork = session.server.whenStored(
      standup,
      (doc) => summarizeDescription(doc).preview === 'Grace was here',
    );
    await dialog.getByRole('button', { name: 'Restore this description' }).click();
    await grace.keyboard.type('here');
    await Promise.all([restored, gracesWork]);
    await dialog
      .getByRole('status')
      .filter({ hasText: 'The description is back to the version of' })
      .waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await content(ada).getByText('Ship on Friday', { exact: true }).waitFor();

    // Grace's text stays; she sees the restored notes too.
    await content(grace).getByText('Grace was here', { exact: true }).waitFor();
    await closeDescription(grace);
    await openDescription(grace, 'Release notes');
    await whenDescriptionSynced(grace);
    await content(grace).getByText('Ship on Friday', { exact: true }).waitFor();
    expect(await content(grace).textContent()).not.toContain('Monday');

    for (const page of [ada, grace]) {
      await closeDescription(page);
      await page.getByRole('button', { name: 'Activity', exact: true }).click();
      await page
        .getByTestId('activity-panel')
        .getByTestId('activity-entry')
        .filter({ hasText: 'Ada Lovelace restored the description of Release notes to the version of' })
        .waitFor();
    }
  });

  it('[B16.1] offline: versions fetched in this tab still show; one never fetched needs the server', async () => {
    clock.offsetMs = 0;
    const user = await session.newUser();
    const ada = user.page;
    await createBoard(ada);
    await addCardViaUi(ada, 'Fix login');
    await addCardViaUi(ada, 'Write docs');

    await ada.getByRole('button', { name: 'Versions', exact: true }).click();
    const dialog = ada.getByTestId('versions-panel');
    const choices = dialog.getByTestId('version-choice');
    await choices.nth(1).waitFor();
    await choices.first().click();
    await dialog.getByTestId('version-card').filter({ hasText: 'Write docs' }).waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();

    await user.context.setOffline(true);
    await expectConnection(ada, 'offline');
    await ada.getByRole('button', { name: 'Versions', exact: true }).click();
    await dialog
      .getByRole('note')
      .filter({ hasText: 'Offline: these are the versions this tab fetched before.' })
      .waitFor();
    await choices.first().click();
    await dialog.getByTestId('version-card').filter({ hasText: 'Write docs' }).waitFor();
    await choices.nth(1).click();
    const problem = dialog.getByTestId('versions-problem');
    await problem.waitFor();
    expect(await problem.textContent()).toContain('Viewing versions needs the server — you are offline.');
    await dialog.getByRole('button', { name: 'Close' }).click();

    // A description whose versions this tab never asked for.
    await openDescription(ada, 'Fix login');
    await ada.getByTestId('description-versions-button').click();
    const alert = ada.getByTestId('description-versions').getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Viewing versions needs the server — you are offline.');
    await user.context.setOffline(false);
  });
});
