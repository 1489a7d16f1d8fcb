/** The board view with the history's slots (and nothing else in the card panel), for the history's tests. */
import { BoardView, type BoardViewProps } from '../../../client/board';
import { useHistorySlots } from '../../../client/history';

const noPanel = () => null;

export function HistoryBoard(props: BoardViewProps) {
  const history = useHistorySlots({ renderCardPanel: noPanel });
  return <BoardView {...props} {...history} />;
}
