/**
 * What a share link's token says about itself, read on the client as a hint only: the server verifies every
 * token and drops a read-only connection's writes whatever the client believes. Knowing the role up front
 * makes the board read-only from its first render, before `/access/<room>` has answered (the view would
 * otherwise write its member record in that gap, and it would stay "not saved"), and offline too.
 */

/** The role claim of a compact JWT, or null when the token is not one or names no role we know. */
export function tokenRole(token: string): 'read' | 'write' | 'admin' | null {
  const payload = token.split('.')[1];
  if (payload === undefined || token.split('.').length !== 3) return null;
  let claims: unknown;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '='));
    claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
  } catch {
    return null;
  }
  if (typeof claims !== 'object' || claims === null) return null;
  const { role } = claims as { role?: unknown };
  return role === 'read' || role === 'write' || role === 'admin' ? role : null;
}

/** True when the token only reads (see tokenRole: a hint, never a grant). */
export function isReadOnlyToken(token: string | null): boolean {
  return token !== null && tokenRole(token) === 'read';
}
