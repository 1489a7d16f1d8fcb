/**
 * The board's history in real Chromium against the real sync server, two people: the activity feed shows
 * another person's change as it happens, and a card deleted with a description comes back from the trash,
 * text and all, for both.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { summarizeDescription } from '../../shared/description-preview';
import { descriptionRoom } from '../../shared/room-names';
import { seriousViolations } from './support/axe';
import { addCardViaUi, cardNamed, column, createBoard, moveCardByKeyboard, openBoard } from './support/board';
import {
  cardIdOf,
  closeDescription,
  content,
  openDescription,
  whenDescriptionSynced,
} from './support/description';
import { setupE2ESession } from './support/session';

const session = setupE2ESession();

async function twoPeopleOnABoard(cardTitle: string): Promise<{ ada: Page; grace: Page; boardId: string }> {
  const ada = (await session.newUser()).page;
  const boardId = await createBoard(ada);
  await addCardViaUi(ada, cardTitle);
  const grace = (await session.newUser()).page;
  await openBoard(grace, boardId);
  await cardNamed(grace, cardTitle).waitFor();
  return { ada, grace, boardId };
}

/** The Activity dialog's entries (their text), once it is open. */
function feedEntries(page: Page) {
  return page.getByTestId('activity-panel').getByTestId('activity-entry');
}

describe('board history', () => {
  it('[B14.1][B14.2] Grace moves a card and Ada sees the entry in the feed; choosing it opens the card', async () => {
    const { ada, grace } = await twoPeopleOnABoard('Fix login');
    await moveCardByKeyboard(grace, 'Fix login', ['ArrowRight']);
    await cardNamed(column(grace, 'Doing'), 'Fix login').waitFor();
    // Grace's own entry shows at once on her side.
    await grace.getByRole('button', { name: 'Activity', exact: true }).click();
    await feedEntries(grace)
      .filter({ hasText: 'Grace Hopper moved Fix login from To do to Doing' })
      .waitFor();

    await cardNamed(column(ada, 'Doing'), 'Fix login').waitFor();
    await ada.getByRole('button', { name: 'Activity', exact: true }).click();
    const entry = feedEntries(ada).filter({ hasText: 'Grace Hopper moved Fix login from To do to Doing' });
    await entry.waitFor();
    // Newest first: the move, then Ada's adding the card.
    const texts = await feedEntries(ada).allTextContents();
    expect(texts[0]).toContain('Grace Hopper moved Fix login from To do to Doing');
    expect(texts[1]).toContain('Ada Lovelace added Fix login to To do');
    expect(await seriousViolations(ada)).toEqual([]);
    // Filtered by person, only Grace's entry is left.
    await ada.getByTestId('activity-panel').getByLabel('Person').selectOption({ label: 'Grace Hopper' });
    expect(await feedEntries(ada).count()).toBe(1);
    await entry.getByRole('button').click();
    await ada.getByTestId('activity-panel').waitFor({ state: 'detached' });
    const panel = ada.getByTestId('card-panel');
    await panel.waitFor();
    await panel.getByTestId('card-activity').getByText('moved Fix login from To do to Doing').waitFor();
    expect(new URL(ada.url()).searchParams.get('card')).toBeTruthy();
  });

  it('[B15.1][B15.2] Ada deletes a card with a description, Grace restores it from the trash, and both see it back with its text', async () => {
    const { ada, grace, boardId } = await twoPeopleOnABoard('Release notes');
    const room = descriptionRoom(boardId, await cardIdOf(ada, 'Release notes'));
    await openDescription(ada, 'Release notes');
    await whenDescriptionSynced(ada);
    const stored = session.server.whenStored(
      room,
      (doc) => summarizeDescription(doc).preview === 'Ship on Friday',
    );
    await content(ada).click();
    await ada.keyboard.type('Ship on Friday');
    await stored;
    await closeDescription(ada);

    // Ada deletes it: it leaves both boards for the trash.
    await cardNamed(ada, 'Release notes').locator('.card-open').click();
    await ada.getByRole('button', { name: 'Delete card' }).click();
    await ada.getByRole('alertdialog').getByRole('button', { name: 'Delete card' }).click();
    await cardNamed(ada, 'Release notes').waitFor({ state: 'detached' });
    await cardNamed(grace, 'Release notes').waitFor({ state: 'detached' });

    // Grace finds it in the trash, deleted by Ada, and restores it.
    await grace.getByRole('button', { name: 'Trash (1)' }).click();
    const item = grace.getByTestId('trash-panel').getByTestId('trash-item');
    await item.filter({ hasText: 'Release notes' }).filter({ hasText: 'Deleted by Ada Lovelace' }).waitFor();
    expect(await seriousViolations(grace)).toEqual([]);
    await item.getByRole('button', { name: 'Restore Release notes' }).click();
    await grace.getByTestId('trash-panel').getByText('The trash is empty.').waitFor();
    await grace.getByTestId('trash-panel').getByRole('button', { name: 'Close' }).click();

    // Back in To do on both boards, with its description.
    for (const page of [grace, ada]) {
      await cardNamed(column(page, 'To do'), 'Release notes').waitFor();
      await openDescription(page, 'Release notes');
      await whenDescriptionSynced(page);
      await content(page).getByText('Ship on Friday').waitFor();
      await closeDescription(page);
    }
    await ada.getByRole('button', { name: 'Activity', exact: true }).click();
    await feedEntries(ada).filter({ hasText: 'Grace Hopper restored Release notes to To do' }).waitFor();
    await feedEntries(ada).filter({ hasText: 'Ada Lovelace deleted Release notes' }).waitFor();
    await feedEntries(ada)
      .filter({ hasText: 'Ada Lovelace edited the description of Release notes' })
      .waitFor();
  });
});
