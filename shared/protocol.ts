/**
 * The y-websocket wire protocol as Trellis speaks it. Every message is one websocket frame:
 * a varUint message type followed by its payload (lib0 encoding). Types 0–3 are the standard
 * ones the stock `y-websocket` provider understands; 100+ are Trellis's own and are only sent
 * to clients that ask for them, because the stock provider logs an error for unknown types.
 */
export const MessageType = {
  /** y-protocols/sync: step 1 (state vector), step 2 (missing updates), update. */
  sync: 0,
  /** y-protocols/awareness: an encoded awareness update. */
  awareness: 1,
  /** y-protocols/auth: permission denied (server → client). */
  auth: 2,
  /** Ask the other side to send all awareness states it knows. */
  queryAwareness: 3,
  /**
   * Trellis: the state vector the server has durably stored for this document
   * (server → client, after each persisted write, only when the client asked with `?durable=1`).
   */
  durableAck: 100,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** Sub-types of a `sync` message (y-protocols/sync). */
export const SyncStep = {
  step1: 0,
  step2: 1,
  update: 2,
} as const;

/** URL query parameter a client sets to `1` to receive `durableAck` messages. */
export const DURABLE_ACK_PARAM = 'durable';
/** URL query parameter carrying an access token (the provider's `params` option). */
export const TOKEN_PARAM = 'token';

/**
 * Websocket close codes the server uses. 4400–4499 mean "reconnecting cannot help" and stop the
 * stock provider's retries (y-websocket 3); 4500–4599 and 1xxx are retried.
 */
export const CloseCode = {
  /** Normal shutdown of the server (the client reconnects to the next instance). */
  goingAway: 1001,
  /** Undecodable or invalid message (RFC 6455 "protocol error"). */
  protocolError: 1002,
  /** A message above the size limit (RFC 6455 "message too big"). */
  messageTooBig: 1009,
  /** The server restarts; reconnect later (RFC 6455 "service restart"). */
  serviceRestart: 1012,
  /** The room's document could not be loaded from storage; retry later. */
  loadFailed: 4500,
  /**
   * The room's stored document cannot be decoded: the room is out of service until an operator
   * restores it (`trellis-server verify`, `restore`). Retried with the provider's backoff, so clients
   * come back by themselves once it is repaired; every other room keeps serving.
   */
  documentUnreadable: 4501,
  /** The token expired while connected. */
  tokenExpired: 4401,
  /** The token was revoked while connected (`trellis-server revoke`); the same code as an expiry. */
  tokenRevoked: 4401,
  /** The token does not allow this room. */
  forbidden: 4403,
  /**
   * The board was deleted by an operator (`trellis-server delete`): nothing to reconnect to, so the
   * stock provider stops (HTTP 410 Gone).
   */
  deleted: 4410,
  /** The room's document reached its size cap. */
  documentTooLarge: 4413,
  /**
   * A presence (awareness) state above the server's size limit. 44xx: the stock provider does not
   * reconnect, since it would send the same state again.
   */
  presenceTooLarge: 4414,
  /** The connection sent updates faster than its allowed rate. */
  rateLimited: 4429,
  /** Too many open connections or rooms; retry later. */
  overloaded: 4503,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];
