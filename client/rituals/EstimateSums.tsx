import type * as Y from 'yjs';
import type { ColumnSnapshot } from '../../shared/board';
import { sumEstimates } from '../../shared/board/rituals/poker';
import { useEstimates } from './poker-state';

/** The sum of the numeric estimates per column, once any card has an estimate. */
export function EstimateSums({ doc, columns }: { doc: Y.Doc; columns: readonly ColumnSnapshot[] }) {
  const estimates = useEstimates(doc);
  if (estimates.size === 0) return null;
  return (
    <ul className="ritual-bar estimate-sums" aria-label="Estimates per column" data-testid="estimate-sums">
      {columns.map((column) => {
        const sum = sumEstimates(
          column.cards.map((card) => card.id),
          estimates,
        );
        return (
          <li key={column.id} data-column={column.title}>
            {column.title}: {sum ?? 0}
          </li>
        );
      })}
    </ul>
  );
}
