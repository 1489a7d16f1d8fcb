import { describe, expect, it } from 'vitest';
import { Role, secretKey, signToken, verifyToken } from '../../sync-server/auth/tokens';
import { addCardViaUi, expectConnection } from './support/board';
import { setupE2ESession } from './support/session';

const SECRET = 'e2e-share-dialog-secret-long-enough-for-hs256';
const session = setupE2ESession({ authSecret: SECRET });

describe('share dialog on a server with auth', () => {
  it('[share] a write link mints a view link for the board; whoever opens it is welcomed to the board by name, read-only', async () => {
    const own = await signToken(secretKey(SECRET), {
      boards: ['launchboard'],
      role: Role.write,
      expiresInSeconds: 3_600,
    });
    const ada = await session.newUser();
    await ada.context.grantPermissions(['clipboard-read', 'clipboard-write']);
    // Created in this browser: it initialises the board under this name once its copy has loaded.
    await ada.page.goto('/');
    const entry = JSON.stringify([
      { id: 'launchboard', title: 'Launch plan', openedAt: Date.now(), needsInit: true },
    ]);
    await ada.page.evaluate(`localStorage.setItem('trellis.boards', ${JSON.stringify(entry)})`);
    await ada.page.goto(`/b/launchboard?token=${own}`);
    await expectConnection(ada.page, 'online');
    await addCardViaUi(ada.page, 'Fix login');

    await ada.page.getByRole('button', { name: 'Share' }).click();
    const dialog = ada.page.getByRole('dialog', { name: 'Share “Launch plan”' });
    await dialog.waitFor();
    await expect(dialog.getByRole('radio', { name: 'Can view' }).isChecked()).resolves.toBe(true);
    await dialog.getByRole('combobox', { name: 'Expires after' }).selectOption({ label: '7 days' });
    await dialog.getByRole('textbox', { name: 'For (optional)' }).fill('Grace');
    await dialog.getByRole('button', { name: 'Create link' }).click();
    const minted = dialog.getByRole('textbox', { name: 'New view link' });
    await minted.waitFor();
    // Seven days asked, but Ada's own link ends in an hour: the new one ends with it.
    await dialog.getByText(/shortened to your own link’s expiry/).waitFor();
    const link = await minted.inputValue();
    const token = new URL(link).searchParams.get('token') ?? '';
    const claims = await verifyToken(secretKey(SECRET), token);
    expect(claims).toMatchObject({
      ok: true,
      claims: { boards: ['launchboard'], role: 'read', name: 'Grace' },
    });

    await dialog.getByRole('button', { name: 'Copy new link' }).click();
    await dialog.getByRole('status').filter({ hasText: 'New link copied.' }).waitFor();
    await expect(ada.page.evaluate('navigator.clipboard.readText()')).resolves.toBe(link);
    await ada.page.keyboard.press('Escape');

    // A first visit from the link: the welcome form names the board, from the server's copy.
    const grace = await session.newUser(null);
    await grace.page.goto(new URL(link).pathname + new URL(link).search);
    await grace.page.getByRole('heading', { name: 'Join “Launch plan”' }).waitFor({ timeout: 15_000 });
    await grace.page.getByRole('textbox', { name: 'Display name' }).fill('Grace Hopper');
    await grace.page.getByRole('button', { name: 'Continue' }).click();
    await expectConnection(grace.page, 'online');
    await grace.page.getByTestId('sync-read-only').waitFor();
    await grace.page.getByRole('article', { name: 'Fix login' }).waitFor();

    // A view link can only make view links.
    await grace.page.getByRole('button', { name: 'Share' }).click();
    const theirs = grace.page.getByRole('dialog', { name: 'Share “Launch plan”' });
    await expect(theirs.getByRole('radio', { name: 'Can edit' }).isDisabled()).resolves.toBe(true);
  });
});
