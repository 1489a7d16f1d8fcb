export { boardToken, defaultServerUrl, openDocument, rememberBoardToken } from './browser';
export { type AwarenessStates, useAwarenessStates, useDocument, useSyncStatus } from './hooks';
export type { ConnectionState, DocHandle, SyncStatus } from './types';
