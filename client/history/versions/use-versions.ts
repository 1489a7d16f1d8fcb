/**
 * Loading the versions of a room and one version, as plain state for the views: loading, ready, or the
 * problem to say (offline: "needs the server", never a spinner that does not end).
 */
import { useEffect, useState } from 'react';
import * as Y from 'yjs';
import { defaultServerUrl } from '../../sync';
import {
  httpVersionSource,
  VersionError,
  type VersionList,
  type VersionProblem,
  type VersionSource,
} from './version-source';

export type Loaded<T> =
  | { readonly state: 'loading' }
  | { readonly state: 'ready'; readonly value: T }
  | { readonly state: 'problem'; readonly problem: VersionProblem };

const LOADING = { state: 'loading' } as const;

function asProblem(error: unknown): VersionProblem {
  return error instanceof VersionError ? error.problem : { kind: 'failed', status: 0 };
}

/** The room's versions, newest first; `reload` asks again (after coming back online, say). */
export function useVersionList(
  source: VersionSource,
  room: string,
): { list: Loaded<VersionList>; reload: () => void } {
  const [list, setList] = useState<Loaded<VersionList>>(LOADING);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let current = true;
    void attempt;
    setList(LOADING);
    source.list(room).then(
      (value) => current && setList({ state: 'ready', value }),
      (error: unknown) => current && setList({ state: 'problem', problem: asProblem(error) }),
    );
    return () => {
      current = false;
    };
  }, [source, room, attempt]);
  return { list, reload: () => setAttempt((n) => n + 1) };
}

export interface VersionDoc {
  readonly time: number;
  /** The version's document: rebuilt from the server's bytes, only ever read. */
  readonly doc: Y.Doc;
}

/** One version rebuilt (`Y.applyUpdate(new Y.Doc(), bytes)`), or null while none is chosen. */
export function useVersionDoc(
  source: VersionSource,
  room: string,
  time: number | null,
): Loaded<VersionDoc> | null {
  const [loaded, setLoaded] = useState<Loaded<VersionDoc> | null>(null);
  useEffect(() => {
    if (time === null) {
      setLoaded(null);
      return;
    }
    let current = true;
    let built: Y.Doc | null = null;
    setLoaded(LOADING);
    source.version(room, time).then(
      (update) => {
        if (!current) return;
        built = new Y.Doc();
        Y.applyUpdate(built, update);
        setLoaded({ state: 'ready', value: { time, doc: built } });
      },
      (error: unknown) => current && setLoaded({ state: 'problem', problem: asProblem(error) }),
    );
    return () => {
      current = false;
      built?.destroy();
    };
  }, [source, room, time]);
  return loaded;
}

/** The sync server this page talks to (it also answers `/history`): as client/sync connects. */
export function syncServerUrl(): string {
  const configured = import.meta.env.VITE_SYNC_URL as string | undefined;
  return configured || defaultServerUrl(window.location);
}

/** The browser's source of versions for a board's rooms, with the board's token. */
export function browserVersionSource(token: string | null): VersionSource {
  return httpVersionSource({ serverUrl: syncServerUrl(), token });
}
