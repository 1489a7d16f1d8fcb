import { useEffect, useState } from 'react';
import type * as Y from 'yjs';
import type { DescriptionSummary } from '../../shared/description-preview';
import { onDescriptionSummaryChange, readDescriptionSummary } from '../../shared/description-summary';
import './description.css';

/**
 * What a card on the board shows of its description: the first words and the checklist progress, read
 * from the summary stored on the card in the board document (no description document is opened).
 * Renders nothing for a card without a description.
 */
export function CardDescriptionExtras({ boardDoc, cardId }: { boardDoc: Y.Doc; cardId: string }) {
  const summary = useDescriptionSummary(boardDoc, cardId);
  if (summary === null) return null;
  const { preview, checklist } = summary;
  if (preview === '' && checklist.total === 0) return null;
  const complete = checklist.total > 0 && checklist.done === checklist.total;
  return (
    <div className="card-description-extras" data-testid="card-description-extras">
      {preview !== '' ? (
        <p className="card-description-preview" data-testid="card-description-preview">
          {preview}
        </p>
      ) : null}
      {checklist.total > 0 ? (
        <span
          className={complete ? 'card-checklist complete' : 'card-checklist'}
          data-testid="card-checklist"
          title={`${checklist.done} of ${checklist.total} checklist items done`}
        >
          ☑ {checklist.done}/{checklist.total}
        </span>
      ) : null}
    </div>
  );
}

export function useDescriptionSummary(boardDoc: Y.Doc, cardId: string): DescriptionSummary | null {
  const [summary, setSummary] = useState(() => readDescriptionSummary(boardDoc, cardId));
  useEffect(() => {
    const read = () => setSummary(readDescriptionSummary(boardDoc, cardId));
    read();
    return onDescriptionSummaryChange(boardDoc, cardId, read);
  }, [boardDoc, cardId]);
  return summary;
}
