import type { Page, WebSocket } from 'playwright-core';
import { readMuxFrame } from '../../../shared/mux-wire';

/**
 * The rooms a page is subscribed to, read from the frames of its websockets: joins and leaves on the
 * shared socket (`/_mux`), the server's per-room `closed` frames, and the sockets' closes.
 */
export interface RoomWatch {
  /** Every websocket the page opened. */
  readonly sockets: WebSocket[];
  /** Every room joined, in order (a room joined again appears again). */
  readonly joins: string[];
  /** Rooms subscribed now. */
  active(): Set<string>;
}

/** `onChange` runs after every change of the subscribed rooms. */
export function watchRooms(page: Page, onChange: (active: Set<string>) => void = () => {}): RoomWatch {
  const sockets: WebSocket[] = [];
  const joins: string[] = [];
  const bySocket = new Map<WebSocket, Set<string>>();
  page.on('websocket', (socket) => {
    sockets.push(socket);
    const rooms = new Set<string>();
    bySocket.set(socket, rooms);
    const read = (payload: string | Buffer) =>
      typeof payload === 'string' ? null : readMuxFrame(new Uint8Array(payload));
    socket.on('framesent', ({ payload }) => {
      const frame = read(payload);
      if (frame?.op === 'join') {
        for (const { room } of frame.rooms) {
          joins.push(room);
          rooms.add(room);
        }
        changed();
      } else if (frame?.op === 'leave') {
        rooms.delete(frame.room);
        changed();
      }
    });
    socket.on('framereceived', ({ payload }) => {
      const frame = read(payload);
      if (frame?.op !== 'closed') return;
      rooms.delete(frame.room);
      changed();
    });
    socket.on('close', () => {
      rooms.clear();
      changed();
    });
  });
  const active = () => new Set([...bySocket.values()].flatMap((rooms) => [...rooms]));
  const changed = () => onChange(active());
  return { sockets, joins, active };
}
