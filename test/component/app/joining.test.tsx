import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { IdentityForm } from '../../../client/app/IdentityForm';

afterEach(cleanup);

describe('welcome form when joining from a link', () => {
  it('names the board being joined', () => {
    render(<IdentityForm current={null} joining={{ title: 'Launch plan' }} onSaved={() => {}} />);
    expect(screen.getByRole('heading', { name: 'Join “Launch plan”' })).toBeTruthy();
    expect(screen.getByText(/You are joining the board “Launch plan”/)).toBeTruthy();
  });

  it('says a board is being joined while its name is not known yet', () => {
    render(<IdentityForm current={null} joining={{ title: null }} onSaved={() => {}} />);
    expect(screen.getByRole('heading', { name: 'Join a shared board' })).toBeTruthy();
  });
});
