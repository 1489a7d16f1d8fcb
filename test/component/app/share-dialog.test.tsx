import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ShareDialog, type ShareDialogProps } from '../../../client/app/ShareDialog';
import type { ShareAnswer } from '../../../shared/share-links';

afterEach(cleanup);

/** An unsigned JWT carrying the claims the dialog reads as hints (the server verifies real ones). */
function fakeToken(claims: Record<string, unknown>): string {
  const part = (value: object) =>
    btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}.c2lnbmF0dXJl`;
}

function renderDialog(overrides: Partial<ShareDialogProps> = {}) {
  const props: ShareDialogProps = {
    boardId: 'board1',
    boardTitle: 'Launch',
    ownToken: null,
    origin: 'https://trellis.example',
    mint: vi.fn(async () => ({ ok: false, reason: 'not called' }) as ShareAnswer),
    copy: vi.fn(async () => {}),
    onClose: vi.fn(),
    ...overrides,
  };
  render(<ShareDialog {...props} />);
  return { props, dialog: screen.getByRole('dialog', { name: 'Share “Launch”' }) };
}

describe('share dialog', () => {
  it('without auth: copies the board link and offers nothing to mint', async () => {
    const { props, dialog } = renderDialog();
    const link = within(dialog).getByRole('textbox', { name: 'Link to this board' }) as HTMLInputElement;
    expect(link.value).toBe('https://trellis.example/b/board1');
    expect(within(dialog).getByText(/Anyone with this link can open and edit/)).toBeTruthy();
    await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Copy link' })));
    expect(props.copy).toHaveBeenCalledWith('https://trellis.example/b/board1');
    expect(within(dialog).getByRole('status').textContent).toBe('Link copied.');
    expect(within(dialog).queryByRole('button', { name: 'Create link' })).toBeNull();
  });

  it('says how to copy by hand when the browser refuses the clipboard', async () => {
    const { dialog } = renderDialog({ copy: vi.fn(async () => Promise.reject(new Error('denied'))) });
    await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Copy link' })));
    expect(within(dialog).getByRole('status').textContent).toMatch(/selected, press Ctrl\+C/);
  });

  it('with a write token: asks the server for a view or edit link with the lifetime chosen, and shows it', async () => {
    const ownToken = fakeToken({ boards: ['board1'], role: 'write', exp: 2_000_000_000 });
    const mint = vi.fn(
      async (): Promise<ShareAnswer> => ({
        ok: true,
        token: 'minted.jwt.token',
        role: 'write',
        expiresAt: 1_900_000_000_000,
        shortened: true,
      }),
    );
    const { dialog } = renderDialog({ ownToken, mint });
    expect(within(dialog).getByText(/Links you make expire by .* at the latest/)).toBeTruthy();
    fireEvent.click(within(dialog).getByRole('radio', { name: 'Can edit' }));
    fireEvent.change(within(dialog).getByRole('combobox', { name: 'Expires after' }), {
      target: { value: '2' },
    });
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'For (optional)' }), {
      target: { value: ' Grace ' },
    });
    await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Create link' })));
    expect(mint).toHaveBeenCalledWith('board1', ownToken, {
      role: 'write',
      expiresInSeconds: 30 * 86_400,
      name: 'Grace',
    });
    const minted = within(dialog).getByRole('textbox', { name: 'New edit link' }) as HTMLInputElement;
    expect(minted.value).toBe('https://trellis.example/b/board1?token=minted.jwt.token');
    expect(within(dialog).getByText(/shortened to your own link’s expiry/)).toBeTruthy();
  });

  it('with a read token: only view links can be made, and a refusal is shown as an alert', async () => {
    const ownToken = fakeToken({ boards: ['board1'], role: 'read' });
    const mint = vi.fn(async (): Promise<ShareAnswer> => ({ ok: false, reason: 'token expired' }));
    const { dialog } = renderDialog({ ownToken, mint });
    const edit = within(dialog).getByRole('radio', { name: 'Can edit' }) as HTMLInputElement;
    expect(edit.disabled).toBe(true);
    expect((within(dialog).getByRole('radio', { name: 'Can view' }) as HTMLInputElement).checked).toBe(true);
    await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Create link' })));
    expect(mint).toHaveBeenCalledWith('board1', ownToken, { role: 'read', expiresInSeconds: 7 * 86_400 });
    expect(within(dialog).getByRole('alert').textContent).toBe('Could not create a link: token expired');
  });

  it('closes from its Close button and gives focus back to what opened it', () => {
    const opener = document.createElement('button');
    document.body.append(opener);
    opener.focus();
    const onClose = vi.fn();
    const { dialog } = renderDialog({ onClose });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Close' }));
    expect(onClose).toHaveBeenCalledTimes(1);
    cleanup();
    expect(document.activeElement).toBe(opener);
    opener.remove();
  });
});
