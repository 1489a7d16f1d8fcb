/** Whether the device has a network, as the browser reports it (`online`/`offline` events). */
export interface NetworkSignal {
  isOnline(): boolean;
  /** Returns an unsubscribe function. */
  onChange(listener: (online: boolean) => void): () => void;
}

/** A network that is always up; for Node and tests that do not care. */
export const alwaysOnline: NetworkSignal = { isOnline: () => true, onChange: () => () => {} };

/** A switchable network for tests. */
export function manualNetwork(initiallyOnline = true): NetworkSignal & { set(online: boolean): void } {
  let online = initiallyOnline;
  const listeners = new Set<(online: boolean) => void>();
  return {
    isOnline: () => online,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set(next) {
      if (next === online) return;
      online = next;
      for (const listener of [...listeners]) listener(next);
    },
  };
}
