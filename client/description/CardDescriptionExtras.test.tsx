import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addCard, defaultColumnId, initBoard } from '../../shared/board';
import { writeDescriptionSummary } from '../../shared/description-summary';
import { useBoard } from '../board';
import { CardDescriptionExtras } from './CardDescriptionExtras';

afterEach(cleanup);

function board(): { doc: Y.Doc; cardId: string } {
  const doc = new Y.Doc();
  initBoard(doc, { title: 'B', createdBy: 'me' });
  return { doc, cardId: addCard(doc, { columnId: defaultColumnId(0), title: 'C', createdBy: 'me' }) };
}

/** A card's extras as the board renders them: from the card's snapshot, re-read on every board change. */
function Extras({ doc, cardId }: { doc: Y.Doc; cardId: string }) {
  const card = useBoard(doc).cards.get(cardId);
  return card ? <CardDescriptionExtras summary={card.descriptionPreview} /> : null;
}

describe('<CardDescriptionExtras>', () => {
  it('shows nothing for a card without a description', () => {
    const { doc, cardId } = board();
    const { container } = render(<Extras doc={doc} cardId={cardId} />);
    expect(container.innerHTML).toBe('');
  });

  it('shows the preview and checklist progress, and follows changes from any replica', () => {
    const { doc, cardId } = board();
    writeDescriptionSummary(doc, cardId, { preview: 'Ship it', checklist: { done: 1, total: 3 } });
    render(<Extras doc={doc} cardId={cardId} />);
    expect(screen.getByTestId('card-description-preview').textContent).toBe('Ship it');
    expect(screen.getByTestId('card-checklist').textContent).toBe('☑ 1/3');

    const remote = new Y.Doc();
    Y.applyUpdate(remote, Y.encodeStateAsUpdate(doc));
    writeDescriptionSummary(remote, cardId, { preview: 'Shipped', checklist: { done: 3, total: 3 } });
    act(() => Y.applyUpdate(doc, Y.encodeStateAsUpdate(remote)));
    expect(screen.getByTestId('card-description-preview').textContent).toBe('Shipped');
    expect(screen.getByTestId('card-checklist').className).toContain('complete');
  });

  it('a description with only a checklist shows just the count', () => {
    const { doc, cardId } = board();
    writeDescriptionSummary(doc, cardId, { preview: '', checklist: { done: 0, total: 2 } });
    render(<Extras doc={doc} cardId={cardId} />);
    expect(screen.queryByTestId('card-description-preview')).toBeNull();
    expect(screen.getByTestId('card-checklist').getAttribute('title')).toBe('0 of 2 checklist items done');
  });
});
