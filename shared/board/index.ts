/**
 * The board document's typed API: the only code that touches a board's Yjs types. The layout is described
 * in schema.ts, where cards in deleted columns are shown in read.ts, ordering in order.ts.
 */
export { type Clock, defaultClock, defaultRandom, newId, type Random, seededRandom } from './ids';
export {
  type AddCardInput,
  type AddColumnInput,
  addCard,
  addColumn,
  addLabel,
  BoardInputError,
  type CardPatch,
  type CardTarget,
  DEFAULT_COLUMN_TITLES,
  type DeleteColumnResult,
  defaultColumnId,
  deleteCard,
  deleteColumn,
  deleteLabel,
  type InitBoardInput,
  initBoard,
  isBoardInitialised,
  LABEL_COLORS,
  type LabelInput,
  MAX_BOARD_TITLE_LENGTH,
  MAX_CARD_TITLE_LENGTH,
  MAX_COLUMN_TITLE_LENGTH,
  MAX_LABEL_NAME_LENGTH,
  MEMBER_SEEN_RESOLUTION_MS,
  type MemberInput,
  type MutationOptions,
  moveCard,
  moveColumn,
  noteMember,
  renameBoard,
  renameColumn,
  restoreColumn,
  updateCard,
  updateLabel,
} from './mutations';
export { compareByOrder, type Ordered } from './order';
export {
  type BoardSnapshot,
  type CardSnapshot,
  type ColumnSnapshot,
  isIsoDate,
  type LabelSnapshot,
  type MemberSnapshot,
  onBoardChange,
  PLACEHOLDER_COLUMN_TITLE,
  readBoard,
} from './read';
export { DESCRIPTION_PREVIEW_KEY, SCHEMA_VERSION, UNPLACED_COLUMN_ID } from './schema';
export { type BoardUndoOptions, createBoardUndoManager } from './undo';
