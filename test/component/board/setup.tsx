import { render, screen } from '@testing-library/react';
import { act } from 'react';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { BoardView, type BoardViewProps } from '../../../client/board';
import { initBoard } from '../../../shared/board';
import type { BoardPresence, Participant } from '../../../shared/presence';

// React's act() warns unless the environment says it is a test environment.
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

/** Rendering a whole board is quick, but CI's two cores may be busy with other suites. */
export const SLOW_MACHINE_TIMEOUT_MS = 30_000;

/** A board column, found by its accessible name. */
export const column = (title: string) => screen.getByRole('region', { name: title });

export const ada: Participant = { id: 'ada', name: 'Ada Lovelace', color: '#d9480f' };
export const grace: Participant = { id: 'grace', name: 'Grace Hopper', color: '#1971c2' };

const opened: { destroy(): void }[] = [];

/** Destroys every doc and awareness the tests made (awareness runs a timer). */
export function destroyAll(): void {
  for (const thing of opened.splice(0)) thing.destroy();
}

export function newDoc(clientId: number): Y.Doc {
  const doc = new Y.Doc();
  doc.clientID = clientId;
  opened.push(doc);
  return doc;
}

export function newAwareness(doc: Y.Doc): Awareness {
  const awareness = new Awareness(doc);
  opened.push(awareness);
  return awareness;
}

/** A board with the default columns, as its creator would have it. */
export function newBoard(): Y.Doc {
  const doc = newDoc(1);
  initBoard(doc, { title: 'Launch', createdBy: ada.id });
  return doc;
}

export function renderBoard(props: Partial<BoardViewProps> & { doc?: Y.Doc } = {}) {
  const doc = props.doc ?? newBoard();
  const awareness = props.awareness ?? newAwareness(doc);
  const utils = render(<BoardView {...props} doc={doc} awareness={awareness} me={props.me ?? ada} />);
  return { ...utils, doc, awareness };
}

/** A second participant (its own doc and awareness) that shares updates with `doc` on demand. */
export function remotePeer(doc: Y.Doc, clientId = 2) {
  const peerDoc = newDoc(clientId);
  Y.applyUpdate(peerDoc, Y.encodeStateAsUpdate(doc));
  const peerAwareness = newAwareness(peerDoc);
  return {
    doc: peerDoc,
    awareness: peerAwareness,
    /** Sends the peer's document changes to `doc`. */
    push() {
      act(() => Y.applyUpdate(doc, Y.encodeStateAsUpdate(peerDoc, Y.encodeStateVector(doc)), 'remote'));
    },
    /** Brings the peer up to date with `doc`. */
    pull() {
      Y.applyUpdate(peerDoc, Y.encodeStateAsUpdate(doc, Y.encodeStateVector(peerDoc)), 'remote');
    },
    /** Publishes the peer's presence into `awareness`. */
    announce(awareness: Awareness, presence: BoardPresence) {
      peerAwareness.setLocalState(presence);
      act(() =>
        applyAwarenessUpdate(
          awareness,
          encodeAwarenessUpdate(peerAwareness, [peerAwareness.clientID]),
          'remote',
        ),
      );
    },
  };
}
