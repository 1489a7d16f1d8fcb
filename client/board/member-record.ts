import { useEffect } from 'react';
import type * as Y from 'yjs';
import { noteMember } from '../../shared/board';
import type { Participant } from '../../shared/presence';

/**
 * Records the local participant as a board member, so they can be assigned to cards (throttled in
 * noteMember). A read-only viewer writes nothing: the server would drop the record and it would stay unsaved.
 */
export function useMemberRecord(doc: Y.Doc, me: Participant, readOnly: boolean): void {
  useEffect(() => {
    if (readOnly) return;
    try {
      noteMember(doc, me);
    } catch {
      // An id that is not a valid member id cannot be recorded; everything else still works.
    }
  }, [doc, me, readOnly]);
}
