import { describe, expect, it } from 'vitest';
import { boardTitle, column, createBoard } from './support/board';
import { setupE2ESession } from './support/session';

const session = setupE2ESession();

describe('team rituals', () => {
  it('[rituals] a board is named and given a template as it is created', async () => {
    const ada = await session.newUser();
    await createBoard(ada.page, 'Sprint 12 retro', 'Retrospective');
    await boardTitle(ada.page).filter({ hasText: 'Sprint 12 retro' }).waitFor();
    for (const title of ['Went well', 'To improve', 'Action items']) await column(ada.page, title).waitFor();
    expect(await column(ada.page, 'To do').count()).toBe(0);
  });
});
