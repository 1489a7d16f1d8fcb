/**
 * Send timestamps embedded in the payload, so a receiver measures latency without decoding Yjs.
 *
 * An edit sets a Y.Map key to the string `~E<sender>:<seq>:<epochMs>$`; an awareness state carries
 * `~A<sender>:<seq>:<epochMs>$`. Yjs (update v1) and the awareness protocol write strings as UTF-8
 * (`writeVarString`; awareness states as JSON), so the ASCII marker appears verbatim in every frame
 * that carries it, however a server merges or re-encodes updates. A receiver scans the raw frame with
 * `Buffer.indexOf`, which costs far less than applying the update to a Y.Doc per simulated client.
 */

export const EDIT_TAG = '~E';
export const AWARENESS_TAG = '~A';
const TERMINATOR = 0x24; // '$'
const EDIT_TAG_BYTES = Buffer.from(EDIT_TAG, 'latin1');
const AWARENESS_TAG_BYTES = Buffer.from(AWARENESS_TAG, 'latin1');

/** Wall-clock time in ms with sub-ms resolution, comparable across processes on one machine. */
export function nowEpochMs(): number {
  return performance.timeOrigin + performance.now();
}

export function editMarker(sender: number, seq: number, epochMs: number): string {
  return `${EDIT_TAG}${sender}:${seq}:${epochMs.toFixed(3)}$`;
}

export function awarenessMarker(sender: number, seq: number, epochMs: number): string {
  return `${AWARENESS_TAG}${sender}:${seq}:${epochMs.toFixed(3)}$`;
}

export interface Marker {
  sender: number;
  seq: number;
  epochMs: number;
}

function scan(frame: Buffer, tag: Buffer, onMarker: (m: Marker) => void): number {
  let found = 0;
  let at = frame.indexOf(tag);
  while (at !== -1) {
    const start = at + tag.length;
    const end = frame.indexOf(TERMINATOR, start);
    if (end === -1) break;
    const parts = frame.toString('latin1', start, end).split(':');
    if (parts.length === 3) {
      const sender = Number(parts[0]);
      const seq = Number(parts[1]);
      const epochMs = Number(parts[2]);
      if (Number.isInteger(sender) && Number.isInteger(seq) && Number.isFinite(epochMs)) {
        onMarker({ sender, seq, epochMs });
        found++;
      }
    }
    at = frame.indexOf(tag, end + 1);
  }
  return found;
}

/** Calls `onMarker` for every edit marker in the frame; returns how many it found. */
export function scanEditMarkers(frame: Buffer, onMarker: (m: Marker) => void): number {
  return scan(frame, EDIT_TAG_BYTES, onMarker);
}

export function scanAwarenessMarkers(frame: Buffer, onMarker: (m: Marker) => void): number {
  return scan(frame, AWARENESS_TAG_BYTES, onMarker);
}
