import { describe, expect, it } from 'vitest';
import { Role, secretKey, signToken } from '../../sync-server/auth/tokens';
import { addCardViaUi, cardNamed, column, expectConnection, expectSaved } from './support/board';
import { setupE2ESession } from './support/session';

const SECRET = 'e2e-secret-that-is-long-enough-for-hs256!';
const session = setupE2ESession({ authSecret: SECRET });

describe('share links on a server that requires tokens', () => {
  it('[share] a link with a token opens the board; the token is kept and leaves the address bar', async () => {
    const token = await signToken(secretKey(SECRET), {
      boards: ['sharedboard'],
      role: Role.write,
      expiresInSeconds: 3_600,
    });
    const ada = await session.newUser();
    await ada.page.goto(`/b/sharedboard?token=${token}`);
    await expectConnection(ada.page, 'online');
    expect(new URL(ada.page.url()).search).toBe('');

    await ada.page.reload();
    await expectConnection(ada.page, 'online');

    // Without a token the same board is refused, and says so (not "offline" forever).
    const grace = await session.newUser();
    await grace.page.goto('/b/sharedboard');
    await expectConnection(grace.page, 'denied');
    await expect(grace.page.getByTestId('sync-connection').textContent()).resolves.toBe('Access denied');
  });
});

describe('a read-only share link', () => {
  it('[read-only] a link that only reads connects, the status says read only, and the UI offers no editing', async () => {
    const [writeToken, readToken] = await Promise.all(
      [Role.write, Role.read].map((role) =>
        signToken(secretKey(SECRET), { boards: ['readboard'], role, expiresInSeconds: 3_600 }),
      ),
    );
    // Someone with a writing link puts a card with a description on the board.
    const ada = await session.newUser();
    await ada.page.goto(`/b/readboard?token=${writeToken}`);
    await expectConnection(ada.page, 'online');
    await ada.page.getByRole('button', { name: '+ Add column' }).click();
    await ada.page.getByRole('textbox', { name: 'New column title' }).fill('Ideas');
    await ada.page.getByRole('button', { name: 'Add column', exact: true }).click();
    await addCardViaUi(ada.page, 'Plan', 'Ideas');
    await cardNamed(ada.page, 'Plan').locator('.card-open').click();
    await ada.page.getByTestId('description-content').click();
    await ada.page.keyboard.type('Read me');
    await ada.page.getByTestId('description-status').filter({ hasText: 'Saved' }).waitFor();
    await cardNamed(ada.page, 'Plan')
      .getByTestId('card-description-preview')
      .filter({ hasText: 'Read me' })
      .waitFor();
    await expectSaved(ada.page);

    const grace = await session.newUser();
    await grace.page.goto(`/b/readboard?token=${readToken}`);
    await expectConnection(grace.page, 'online');
    await grace.page.getByTestId('sync-read-only').waitFor();
    await expect(grace.page.getByTestId('sync-read-only').textContent()).resolves.toBe('Read only');
    await grace.page.getByTestId('board-read-only').waitFor();

    // The board shows everything and offers no edit.
    const ideas = column(grace.page, 'Ideas');
    const plan = cardNamed(ideas, 'Plan');
    await plan.getByTestId('card-description-preview').filter({ hasText: 'Read me' }).waitFor();
    const page = grace.page;
    for (const name of [
      '+ Add card to Ideas',
      '+ Add column',
      'Move card: Plan',
      'Move column: Ideas',
      'Undo',
    ]) {
      await expect(page.getByRole('button', { name, exact: true }).count()).resolves.toBe(0);
    }
    await expect(page.getByRole('button', { name: /^(Rename|Delete) column/ }).count()).resolves.toBe(0);

    // A card opens (others see it open), its fields are disabled, its description shows and is not editable.
    await plan.locator('.card-open').click();
    const panel = page.getByTestId('card-panel');
    await panel.waitFor();
    await cardNamed(ada.page, 'Plan').getByTestId('card-viewer').waitFor();
    await expect(panel.getByRole('combobox', { name: 'Column' }).isDisabled()).resolves.toBe(true);
    await expect(panel.getByRole('button', { name: /^(Archive|Delete) card$/ }).count()).resolves.toBe(0);
    const description = page.getByTestId('description-content');
    await description.filter({ hasText: 'Read me' }).waitFor();
    await page.locator('[data-testid="description-editor"][data-read-only="true"]').waitFor();
    await expect(description.getAttribute('contenteditable')).resolves.toBe('false');
    await expect(page.getByRole('toolbar', { name: 'Formatting' }).count()).resolves.toBe(0);
    await expect(page.getByTestId('description-status').textContent()).resolves.toBe('Read-only');
    await description.click();
    await page.keyboard.type('XYZ');
    await expect(description.textContent()).resolves.toBe('Read me');
    // Having looked writes nothing (not even a member record), so nothing sits unsaved.
    await expectSaved(page);
    await expect(page.getByTestId('sync-saved').textContent()).resolves.toBe('Saved');
  });
});

describe('an expiring share link', () => {
  it('[denied] when the token expires the server closes the socket (4401) and the status says access denied', async () => {
    const token = await signToken(secretKey(SECRET), {
      boards: ['briefboard'],
      role: Role.write,
      expiresInSeconds: 8,
    });
    const ada = await session.newUser();
    await ada.page.goto(`/b/briefboard?token=${token}`);
    await expectConnection(ada.page, 'online');
    await expectConnection(ada.page, 'denied', 20_000);
    await expect(ada.page.getByTestId('sync-connection').textContent()).resolves.toBe('Access denied');
  });
});
