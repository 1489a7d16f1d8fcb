import { describe, it } from 'vitest';
import {
  addCardViaUi,
  avatarOf,
  boardTitle,
  cardNamed,
  createBoard,
  expectConnection,
  openBoard,
} from './support/board';
import { setupE2ESession } from './support/session';

const session = setupE2ESession();

describe('presence', () => {
  it('[presence] two users on one board both show as avatars, for each other', async () => {
    const ada = await session.newUser();
    const boardId = await createBoard(ada.page);
    const grace = await session.newUser();
    await openBoard(grace.page, boardId);

    await avatarOf(ada.page, 'e2e-user-2').waitFor();
    await avatarOf(grace.page, 'e2e-user-1').waitFor();
    await avatarOf(grace.page, 'e2e-user-2').waitFor();
  });

  it('[presence] a user who drops off and reconnects shows again within seconds (y-websocket #122)', async () => {
    const ada = await session.newUser();
    const boardId = await createBoard(ada.page);
    const grace = await session.newUser();
    await openBoard(grace.page, boardId);
    await avatarOf(ada.page, 'e2e-user-2').waitFor();

    // The browser reports the network gone and back (as on a Wi-Fi switch). Unlike
    // context.setOffline, which silently blackholes the open socket, this closes it, so the
    // server and Ada see Grace leave; her re-announcement must then beat the removal's clock.
    await grace.page.evaluate("window.dispatchEvent(new Event('offline'))");
    await expectConnection(grace.page, 'offline');
    await avatarOf(ada.page, 'e2e-user-2').waitFor({ state: 'detached' });
    await grace.page.evaluate("window.dispatchEvent(new Event('online'))");
    await expectConnection(grace.page, 'online');
    // Without the awareness clock bump this takes the 15 s renewal.
    await avatarOf(ada.page, 'e2e-user-2').waitFor({ timeout: 3_000 });
  });

  it('[sync] a card one user adds shows for the other within a second', async () => {
    const ada = await session.newUser();
    const boardId = await createBoard(ada.page);
    const grace = await session.newUser();
    await openBoard(grace.page, boardId);
    await expectConnection(grace.page, 'online');
    await boardTitle(grace.page).filter({ hasText: 'Team board' }).waitFor();

    await addCardViaUi(ada.page, 'Seen quickly');
    await cardNamed(grace.page, 'Seen quickly').waitFor({ timeout: 1_000 });
  });
});
