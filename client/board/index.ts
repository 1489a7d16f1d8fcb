/** The board view. Mount `<BoardView doc awareness me … />` for `/b/<boardId>`; see BoardViewProps. */
export { BoardView, type BoardViewProps } from './BoardView';
export { useBoard, useBoardUndo, usePresence } from './hooks';
export type { CardPredicate } from './shown-cards';
