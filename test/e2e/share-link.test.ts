import { describe, expect, it } from 'vitest';
import { Role, secretKey, signToken } from '../../sync-server/auth/tokens';
import { expectConnection } from './support/board';
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
  it('[read-only] a link that only reads connects and the status says read only', async () => {
    const token = await signToken(secretKey(SECRET), {
      boards: ['readboard'],
      role: Role.read,
      expiresInSeconds: 3_600,
    });
    const ada = await session.newUser();
    await ada.page.goto(`/b/readboard?token=${token}`);
    await expectConnection(ada.page, 'online');
    await ada.page.getByTestId('sync-read-only').waitFor();
    await expect(ada.page.getByTestId('sync-read-only').textContent()).resolves.toBe('Read only');
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
