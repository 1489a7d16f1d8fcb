export { defaultServerUrl, openDocument } from './browser';
export { type AwarenessStates, useAwarenessStates, useDocument, useSyncStatus } from './hooks';
export type { ConnectionState, DocHandle, SyncStatus } from './types';
