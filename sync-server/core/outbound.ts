/** What a frame sent to a client is, which decides whether a slow reader may be owed it instead. */
export const Outbound = {
  /** A document update: a slow reader gets one diff instead of every update it missed. */
  update: 'update',
  /** An awareness change: a slow reader gets one snapshot instead. */
  awareness: 'awareness',
  /** A durable ack: a slow reader gets one, current, after its catch-up. */
  durableAck: 'durableAck',
  /** A reply to this client's own request, or its catch-up: always sent. */
  reply: 'reply',
} as const;
export type Outbound = (typeof Outbound)[keyof typeof Outbound];
