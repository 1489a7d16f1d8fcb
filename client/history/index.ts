/** The board's history in the client: the activity feed, the card's own entries, the trash. */
export { ActivityPanel } from './ActivityPanel';
export { CardActivity } from './CardActivity';
export { useTrashExpiry } from './expiry';
export { HistoryTools } from './HistoryTools';
export { useHistorySlots } from './slots';
export { TrashPanel } from './TrashPanel';
