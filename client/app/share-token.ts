/**
 * What a share link's token says about itself, read on the client as a hint only: the server verifies every
 * token and drops a read-only connection's writes whatever the client believes. Knowing the role up front
 * makes the board read-only from its first render, before `/access/<room>` has answered (the view would
 * otherwise write its member record in that gap, and it would stay "not saved"), and offline too.
 */

import { decodeJwt } from 'jose';

/** The role claim of a compact JWT, or null when the token is not one or names no role we know. */
export function tokenRole(token: string): 'read' | 'write' | 'admin' | null {
  let role: unknown;
  try {
    // Decodes only (no signature check): the server verifies.
    role = decodeJwt(token).role;
  } catch {
    return null;
  }
  return role === 'read' || role === 'write' || role === 'admin' ? role : null;
}

/** True when the token only reads (see tokenRole: a hint, never a grant). */
export function isReadOnlyToken(token: string | null): boolean {
  return token !== null && tokenRole(token) === 'read';
}

/** When the token says it expires (epoch ms), or null when it names no expiry or is not a JWT (a hint only). */
export function tokenExpiry(token: string): number | null {
  try {
    const exp = decodeJwt(token).exp;
    return typeof exp === 'number' ? exp * 1000 : null;
  } catch {
    return null;
  }
}
