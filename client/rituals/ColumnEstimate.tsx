import type { ColumnSnapshot } from '../../shared/board';
import { sumEstimates } from '../../shared/board/rituals/poker';
import { useBoardContext } from '../board/context';
import { useEstimates } from './poker-state';

/**
 * A column's estimate total in its header, once any card of the board has an estimate: the numeric
 * estimates of its cards added up (cards without one, or with "?" or "☕", count nothing).
 */
export function ColumnEstimate({ column }: { column: ColumnSnapshot }) {
  const { doc } = useBoardContext();
  const estimates = useEstimates(doc);
  if (estimates.size === 0) return null;
  const sum =
    sumEstimates(
      column.cards.map((card) => card.id),
      estimates,
    ) ?? 0;
  return (
    <span
      className="column-estimate"
      data-testid="column-estimate"
      title={`Estimates in ${column.title}: ${sum}`}
    >
      <span className="visually-hidden">Estimate total: </span>
      <span aria-hidden="true">Σ </span>
      {sum}
    </span>
  );
}
