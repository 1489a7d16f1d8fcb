import { describe, expect, it } from 'vitest';
import {
  addCardViaUi,
  cardNamed,
  createBoard,
  expectConnection,
  expectSaved,
  openBoard,
  whenServiceWorkerControls,
} from './support/board';
import { setupE2ESession } from './support/session';

const session = setupE2ESession();

describe('offline and sync status', () => {
  it('[status] with the server down: "Server unreachable" and "N changes waiting"; when it returns: online and saved', async () => {
    const ada = await session.newUser();
    const boardId = await createBoard(ada.page);
    await expectSaved(ada.page);

    await session.server.stop();
    // The browser has a network: the server is what does not answer.
    await expectConnection(ada.page, 'unreachable');
    expect(await ada.page.getByTestId('sync-connection').textContent()).toBe('Server unreachable');
    await ada.page
      .getByTestId('sync-retry')
      .filter({ hasText: /^, retrying (in \d+ s|…)$/ })
      .waitFor();
    await addCardViaUi(ada.page, 'Written while the server was down');
    // One new card is one change, whatever its size in Yjs clock units.
    await ada.page
      .locator('[data-testid="sync-saved"][data-saved="false"]', { hasText: /^1 change waiting$/ })
      .waitFor({ timeout: 2_000 });

    await session.server.start();
    await expectConnection(ada.page, 'online', 20_000);
    await expectSaved(ada.page);

    // Stored on the server, not only in Ada's browser: a new user gets it from there.
    const grace = await session.newUser();
    await openBoard(grace.page, boardId);
    await cardNamed(grace.page, 'Written while the server was down').waitFor();
  });

  it('[offline] a user goes offline, both edit, it comes back, and both see both edits', async () => {
    const ada = await session.newUser();
    const boardId = await createBoard(ada.page);
    const grace = await session.newUser();
    await openBoard(grace.page, boardId);
    await expectConnection(grace.page, 'online');

    await grace.context.setOffline(true);
    await expectConnection(grace.page, 'offline');
    expect(await grace.page.getByTestId('sync-connection').textContent()).toBe('You are offline');
    await addCardViaUi(grace.page, 'Grace, offline');
    await addCardViaUi(ada.page, 'Ada, online');
    await expect(cardNamed(grace.page, 'Ada, online').count()).resolves.toBe(0);

    await grace.context.setOffline(false);
    await expectConnection(grace.page, 'online');
    await cardNamed(grace.page, 'Ada, online').waitFor();
    await cardNamed(ada.page, 'Grace, offline').waitFor();
    await expectSaved(grace.page);
  });

  it('[pwa] a reload while offline shows the last state (service worker + IndexedDB)', async () => {
    const ada = await session.newUser();
    const boardId = await createBoard(ada.page);
    await addCardViaUi(ada.page, 'Survives an offline reload');
    await expectSaved(ada.page);
    await whenServiceWorkerControls(ada.page);

    await ada.context.setOffline(true);
    await ada.page.reload();
    await cardNamed(ada.page, 'Survives an offline reload').waitFor();
    await expectConnection(ada.page, 'offline');
    expect(new URL(ada.page.url()).pathname).toBe(`/b/${boardId}`);
    // Everything was stored before going offline, and the last ack was remembered.
    await expectSaved(ada.page);

    // And it still edits, and syncs once back online.
    await addCardViaUi(ada.page, 'Added after the offline reload');
    await ada.context.setOffline(false);
    await expectConnection(ada.page, 'online');
    await expectSaved(ada.page);
  });
});
