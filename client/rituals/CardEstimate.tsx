import type { CardSnapshot } from '../../shared/board';
import { useBoardContext } from '../board/context';
import { useEstimates } from './poker-state';

/** The card's accepted estimate on its tile. */
export function CardEstimate({ card }: { card: CardSnapshot }) {
  const { doc } = useBoardContext();
  const estimate = useEstimates(doc).get(card.id);
  return estimate === undefined ? null : (
    <span className="card-estimate" data-testid="card-estimate" title="Estimate">
      <span className="visually-hidden">Estimate </span>
      {estimate}
    </span>
  );
}
