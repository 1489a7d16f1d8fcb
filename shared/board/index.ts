/**
 * The board document's typed API: the only code that touches a board's Yjs types. The layout is described
 * in schema.ts, where cards in deleted columns are shown in read.ts, ordering in order.ts, the intent
 * functions by entity in mutations/.
 */
export {
  ACTIVITY_LIMIT,
  ACTIVITY_PRUNE_SLACK,
  ACTIVITY_TITLE_MAX,
  type ActivityDetail,
  type ActivityEntry,
  type ActivityKind,
  type ActivityRef,
  activityPruneThreshold,
  compareEntries,
  DESCRIPTION_EDIT_MERGE_MS,
  entryCardId,
  isActivityUpkeep,
  onActivityChange,
  pruneActivity,
  readActivity,
} from './activity';
export { type Clock, defaultClock, defaultRandom, newId, type Random, seededRandom } from './ids';
export {
  BOARD_CREATED_ENTRY_ID,
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
export {
  type ExpiredResult,
  isTrashUpkeep,
  purgeCard,
  purgeColumn,
  purgedCardIds,
  purgedCardIdsInUpdate,
  purgeExpired,
  restoreCard,
  setTrashRetention,
  trashRetentionDays,
} from './mutations/trash';
export {
  type BoardRestoreResult,
  recordDescriptionRestore,
  restoreBoardToVersion,
  restoreCardToVersion,
} from './mutations/versions';
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
export type { TrashedCard, TrashedColumn, TrashItem } from './read-trash';
export {
  DEFAULT_TRASH_RETENTION_DAYS,
  DESCRIPTION_PREVIEW_KEY,
  MAX_TRASH_RETENTION_DAYS,
  SCHEMA_VERSION,
  UNPLACED_COLUMN_ID,
} from './schema';
export { type BoardUndoOptions, createBoardUndoManager } from './undo';
