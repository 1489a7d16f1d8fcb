/**
 * Where a server keeps its revoked share links (S12.3): in its LevelDB on one node, in PostgreSQL
 * when scaled out (re-read every second, so a revocation made through another instance holds here
 * too), in memory for a store a test injects.
 */
import { MemoryRevocationStore, type RevocationStore, Revocations } from './auth/revocations';
import type { DocStore } from './core/doc-store';
import type { Logger } from './core/ports';
import type { ScaleOut } from './scaleout/compose';
import { LevelDocStore } from './storage/level-doc-store';
import { LevelRevocationStore } from './storage/level-revocations';

/** How often a scaled-out instance reads the revocations other instances stored. */
export const REVOCATION_REFRESH_MS = 1_000;

export interface OpenedRevocations {
  revocations: Revocations;
  /** Stops re-reading (scale-out). */
  stop(): void;
}

export async function openRevocations(
  store: DocStore,
  scaleout: ScaleOut | null,
  logger: Logger,
): Promise<OpenedRevocations> {
  const backing: RevocationStore = scaleout
    ? scaleout.revocationStore
    : store instanceof LevelDocStore
      ? new LevelRevocationStore(store)
      : new MemoryRevocationStore();
  const revocations = await Revocations.open(backing);
  if (!scaleout) return { revocations, stop() {} };
  let refreshing = false;
  const timer = setInterval(() => {
    if (refreshing) return;
    refreshing = true;
    revocations
      .refresh()
      .catch((error: unknown) => logger.debug({ err: error }, 'reading revocations failed; retried'))
      .finally(() => {
        refreshing = false;
      });
  }, REVOCATION_REFRESH_MS);
  timer.unref();
  return { revocations, stop: () => clearInterval(timer) };
}
