/**
 * Picking a member in a comment's @mention list puts the caret right after the inserted name before the next
 * key is handled: a fast typist's next characters follow the name, wherever the mention was typed.
 */
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { MentionInput } from '../../../client/rituals/MentionInput';

afterEach(cleanup);

const MEMBERS = [
  { id: 'grace', name: 'Grace Hopper' },
  { id: 'ada', name: 'Ada Lovelace' },
];

function Field({ initial }: { initial: string }) {
  const [value, setValue] = useState(initial);
  return (
    <MentionInput
      label="Comment"
      value={value}
      onChange={setValue}
      onMention={() => {}}
      onSubmit={() => {}}
      members={MEMBERS}
    />
  );
}

describe('comment @mentions', () => {
  it('[B27] after choosing a member, the caret is right after the inserted name at once (no frame later)', () => {
    render(<Field initial="Ask @Gra about the numbers" />);
    const field = screen.getByRole('combobox', { name: 'Comment' }) as HTMLTextAreaElement;
    const caret = 'Ask @Gra'.length;
    act(() => {
      field.focus();
      field.setSelectionRange(caret, caret);
      fireEvent.select(field);
    });
    expect(screen.getByRole('option', { name: 'Grace Hopper' })).toBeTruthy();
    act(() => {
      fireEvent.keyDown(field, { key: 'Enter' });
    });
    expect(field.value).toBe('Ask @Grace Hopper  about the numbers');
    const after = 'Ask @Grace Hopper '.length;
    expect([field.selectionStart, field.selectionEnd]).toEqual([after, after]);
  });
});
