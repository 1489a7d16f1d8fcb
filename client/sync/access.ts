import type { DeniedReason } from './reconnect';

/** The server's access decision for a room and token. */
export type AccessAnswer = { ok: true; readOnly: boolean } | { ok: false; denied: DeniedReason };

/**
 * Asks the server what the websocket upgrade decides. Browsers hide the HTTP status of a refused
 * upgrade (the socket just closes with 1006), so the server answers the same question at
 * `GET /access/<room>?<params>`: 401/403 mean "denied, stop retrying"; 200 tells the role. Resolves to null
 * when the server could not be asked.
 */
export type AccessCheck = (room: string, params: Record<string, string>) => Promise<AccessAnswer | null>;

export function httpAccessCheck(serverUrl: string, fetchImpl: typeof fetch = fetch): AccessCheck {
  const base = serverUrl.replace(/^ws(s?):\/\//, 'http$1://').replace(/\/+$/, '');
  return async (room, params) => {
    const query = new URLSearchParams(params).toString();
    let response: Response;
    try {
      response = await fetchImpl(`${base}/access/${encodeURIComponent(room)}${query ? `?${query}` : ''}`);
    } catch {
      return null; // unreachable: a network problem, not a refusal
    }
    if (response.ok) {
      const body = (await response.json().catch(() => null)) as { role?: unknown } | null;
      return { ok: true, readOnly: body?.role === 'read' };
    }
    if (response.status !== 401 && response.status !== 403) return null;
    let reason =
      response.status === 401 ? 'a valid token is required' : 'this token does not open this board';
    try {
      const body = (await response.json()) as { reason?: unknown };
      if (typeof body.reason === 'string') reason = body.reason;
    } catch {
      // An answer without a JSON body still is a refusal.
    }
    return { ok: false, denied: { code: response.status, reason } };
  };
}
