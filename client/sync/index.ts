export {
  boardToken,
  defaultServerUrl,
  onSavedInBackground,
  openDocument,
  rememberBoardToken,
  retryNow,
  startBackgroundSync,
} from './browser';
export {
  type AwarenessStates,
  useAwarenessStates,
  useDescriptionsWaiting,
  useDocument,
  useLocalLoaded,
  useSyncStatus,
} from './hooks';
export type { ConnectionState, DocHandle, SyncStatus } from './types';
