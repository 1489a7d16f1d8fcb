/**
 * Encoding and decoding of y-websocket frames (see protocol.ts for the message types). Written as
 * `encodeX` / `decodeFrame` pairs so the format is in one place; the server decodes every inbound
 * frame strictly (one message per frame, nothing left over) and the client reads durable acks.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { MessageType, SyncStep } from './protocol';

export type InboundMessage =
  | { kind: 'syncStep1'; stateVector: Uint8Array }
  | { kind: 'syncStep2'; update: Uint8Array }
  | { kind: 'update'; update: Uint8Array }
  | { kind: 'awareness'; update: Uint8Array }
  | { kind: 'queryAwareness' }
  | { kind: 'durableAck'; stateVector: Uint8Array };

/** Thrown for a frame that is not one well-formed message. */
export class MalformedMessageError extends Error {
  override name = 'MalformedMessageError';
}

export function decodeFrame(frame: Uint8Array): InboundMessage {
  const decoder = decoding.createDecoder(frame);
  let message: InboundMessage;
  try {
    message = readMessage(decoder);
  } catch (error) {
    if (error instanceof MalformedMessageError) throw error;
    throw new MalformedMessageError(`truncated or undecodable frame: ${(error as Error).message}`);
  }
  if (decoding.hasContent(decoder)) {
    throw new MalformedMessageError(
      `${decoder.arr.length - decoder.pos} trailing bytes after a ${message.kind} message`,
    );
  }
  return message;
}

function readMessage(decoder: decoding.Decoder): InboundMessage {
  const type = decoding.readVarUint(decoder);
  switch (type) {
    case MessageType.sync: {
      const step = decoding.readVarUint(decoder);
      const payload = decoding.readVarUint8Array(decoder);
      if (step === SyncStep.step1) return { kind: 'syncStep1', stateVector: payload };
      if (step === SyncStep.step2) return { kind: 'syncStep2', update: payload };
      if (step === SyncStep.update) return { kind: 'update', update: payload };
      throw new MalformedMessageError(`unknown sync step ${step}`);
    }
    case MessageType.awareness:
      return { kind: 'awareness', update: decoding.readVarUint8Array(decoder) };
    case MessageType.queryAwareness:
      return { kind: 'queryAwareness' };
    case MessageType.durableAck:
      return { kind: 'durableAck', stateVector: decoding.readVarUint8Array(decoder) };
    default:
      throw new MalformedMessageError(`unknown message type ${type}`);
  }
}

function frame(type: number, write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, type);
  write(encoder);
  return encoding.toUint8Array(encoder);
}

export function encodeSyncStep1(stateVector: Uint8Array): Uint8Array {
  return frame(MessageType.sync, (e) => {
    encoding.writeVarUint(e, SyncStep.step1);
    encoding.writeVarUint8Array(e, stateVector);
  });
}

export function encodeSyncStep2(update: Uint8Array): Uint8Array {
  return frame(MessageType.sync, (e) => {
    encoding.writeVarUint(e, SyncStep.step2);
    encoding.writeVarUint8Array(e, update);
  });
}

export function encodeSyncUpdate(update: Uint8Array): Uint8Array {
  return frame(MessageType.sync, (e) => {
    encoding.writeVarUint(e, SyncStep.update);
    encoding.writeVarUint8Array(e, update);
  });
}

export function encodeAwarenessFrame(awarenessUpdate: Uint8Array): Uint8Array {
  return frame(MessageType.awareness, (e) => encoding.writeVarUint8Array(e, awarenessUpdate));
}

export function encodeQueryAwareness(): Uint8Array {
  return frame(MessageType.queryAwareness, () => {});
}

export function encodeDurableAck(stateVector: Uint8Array): Uint8Array {
  return frame(MessageType.durableAck, (e) => encoding.writeVarUint8Array(e, stateVector));
}
