/**
 * The board document's typed API: the only code that touches a board's Yjs types. The layout is described
 * in schema.ts, where cards in deleted columns are shown in read.ts, ordering in order.ts, the intent
 * functions by entity in mutations/.
 */
export { type Clock, defaultClock, defaultRandom, newId, type Random, seededRandom } from './ids';
export {
  DEFAULT_COLUMN_TITLES,
  defaultColumnId,
  type InitBoardInput,
  initBoard,
  isBoardInitialised,
  MAX_BOARD_TITLE_LENGTH,
  renameBoard,
} from './mutations/board';
export {
  type AddCardInput,
  addCard,
  type CardPatch,
  type CardTarget,
  deleteCard,
  MAX_CARD_TITLE_LENGTH,
  moveCard,
  updateCard,
} from './mutations/cards';
export {
  type AddColumnInput,
  addColumn,
  type DeleteColumnResult,
  deleteColumn,
  MAX_COLUMN_TITLE_LENGTH,
  moveColumn,
  renameColumn,
  restoreColumn,
} from './mutations/columns';
export { BoardInputError, type MutationOptions } from './mutations/common';
export {
  addLabel,
  deleteLabel,
  LABEL_COLORS,
  type LabelInput,
  MAX_LABEL_NAME_LENGTH,
  updateLabel,
} from './mutations/labels';
export { MEMBER_SEEN_RESOLUTION_MS, type MemberInput, noteMember } from './mutations/members';
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
