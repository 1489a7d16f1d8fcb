import { describe, expect, it } from 'vitest';
import {
  addCardViaUi,
  boardTitle,
  cardNamed,
  createBoard,
  expectConnection,
  expectSaved,
  openBoard,
  whenServiceWorkerControls,
} from './support/board';
import { setupE2ESession } from './support/session';

const session = setupE2ESession();

describe('app shell', () => {
  it('[shell] a first visit asks for a name and colour, then home lists the boards you opened', async () => {
    const { page } = await session.newUser(null);
    await page.goto('/');
    await page.getByLabel('Display name').fill('Katherine Johnson');
    await page.getByLabel('colour #1971c2').check();
    await page.getByRole('button', { name: 'Continue' }).click();

    const boardId = await createBoard(page);
    await boardTitle(page).filter({ hasText: 'Team board' }).waitFor();
    await expect(page.title()).resolves.toBe('Team board · Trellis');
    await expectSaved(page);
    await expect(page.getByTestId('presence-avatar').getAttribute('aria-label')).resolves.toBe(
      'Katherine Johnson (you)',
    );

    await page.getByRole('link', { name: 'Trellis' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    const link = page.getByRole('link', { name: 'Team board' });
    await expect(link.getAttribute('href')).resolves.toBe(`/b/${boardId}`);

    // Identity and the list survive a reload: no form the second time.
    await page.reload();
    await page.getByRole('link', { name: 'Team board' }).waitFor();
    expect(await page.getByLabel('Display name').count()).toBe(0);
    await expect(page.getByRole('button', { name: /Katherine Johnson/ }).count()).resolves.toBe(1);
  });

  it('[shell] a board opens from a pasted link, with the content the creator wrote', async () => {
    const ada = await session.newUser();
    const boardId = await createBoard(ada.page);
    await addCardViaUi(ada.page, 'Shared by link');
    await expectSaved(ada.page);

    const grace = await session.newUser();
    await grace.page.goto('/');
    await grace.page.getByLabel('Open a board by link').fill(`${session.server.url}/b/${boardId}`);
    await grace.page.getByRole('button', { name: 'Open' }).click();
    await grace.page.waitForURL((url) => url.pathname === `/b/${boardId}`);
    await cardNamed(grace.page, 'Shared by link').waitFor();
    await expectConnection(grace.page, 'online');
  });

  it('[shell] an unknown path shows a not-found page (served through the SPA fallback)', async () => {
    const { page } = await session.newUser();
    const response = await page.goto('/no/such/page');
    expect(response?.status()).toBe(200);
    await page.getByRole('heading', { name: 'Nothing here' }).waitFor();
  });

  it('[pwa] the app is installable: a manifest with name and icons, and a service worker', async () => {
    const { page } = await session.newUser();
    await openBoard(page, 'pwa-check');
    const href = await page.locator('link[rel="manifest"]').getAttribute('href');
    expect(href).toBeTruthy();
    const response = await page.request.get(new URL(href as string, session.server.url).toString());
    expect(response.ok()).toBe(true);
    const manifest = (await response.json()) as {
      name: string;
      start_url: string;
      icons: { src: string; sizes: string }[];
    };
    expect(manifest.name).toBe('Trellis');
    expect(manifest.start_url).toBe('/');
    expect(manifest.icons.map((icon) => icon.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
    for (const icon of manifest.icons) {
      const iconResponse = await page.request.get(new URL(icon.src, session.server.url).toString());
      expect(iconResponse.ok(), icon.src).toBe(true);
    }
    await whenServiceWorkerControls(page);
  });
});
