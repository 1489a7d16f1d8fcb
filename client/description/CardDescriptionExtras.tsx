import type { DescriptionSummary } from '../../shared/description-preview';
import './description.css';

/**
 * What a card on the board shows of its description: the first words and the checklist progress, from the
 * summary stored on the card in the board document (`CardSnapshot.descriptionPreview`; no description
 * document is opened). Renders nothing for a card without a description.
 */
export function CardDescriptionExtras({ summary }: { summary: DescriptionSummary | null }) {
  if (summary === null) return null;
  const {
    preview: text,
    checklist: { done, total },
  } = summary;
  if (text === '' && total === 0) return null;
  const complete = total > 0 && done === total;
  return (
    <div className="card-description-extras" data-testid="card-description-extras">
      {text !== '' ? (
        <p className="card-description-preview" data-testid="card-description-preview">
          {text}
        </p>
      ) : null}
      {total > 0 ? (
        <span
          className={complete ? 'card-checklist complete' : 'card-checklist'}
          data-testid="card-checklist"
          title={`${done} of ${total} checklist items done`}
        >
          ☑ {done}/{total}
        </span>
      ) : null}
    </div>
  );
}
