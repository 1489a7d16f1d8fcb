/** Helpers for the auth, limits and CLI integration tests. */
import { WebSocket } from 'ws';
import { type SignOptions, secretKey, signToken } from '../../sync-server/auth/tokens';

export const TEST_SECRET = 'integration-secret-0123456789-0123456789';

export function token(options: Partial<SignOptions> & { boards: string[] }): Promise<string> {
  return signToken(secretKey(TEST_SECRET), { role: 'write', expiresInSeconds: 3600, ...options });
}

export type UpgradeOutcome =
  | { kind: 'refused'; status: number; body: string }
  | { kind: 'open'; ws: WebSocket };

/** Tries one websocket upgrade and reports the HTTP refusal or the open socket. */
export function tryUpgrade(url: string, timeoutMs = 5_000): Promise<UpgradeOutcome> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const timer = setTimeout(() => reject(new Error(`no upgrade answer from ${url}`)), timeoutMs);
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ kind: 'refused', status: res.statusCode ?? 0, body: body.trim() });
      });
    });
    ws.once('open', () => {
      clearTimeout(timer);
      resolve({ kind: 'open', ws });
    });
    ws.once('error', (error) => {
      if (ws.readyState === WebSocket.CLOSED) return; // after unexpected-response
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** A promise for the provider's next close event (code and reason). */
export function whenProviderClosed(
  provider: {
    on(event: 'connection-close', f: (event: { code: number; reason: string } | null) => void): void;
  },
  timeoutMs = 10_000,
): Promise<{ code: number; reason: string }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`provider not closed after ${timeoutMs} ms`)), timeoutMs);
    provider.on('connection-close', (event) => {
      clearTimeout(timer);
      resolve({ code: event?.code ?? 0, reason: event?.reason ?? '' });
    });
  });
}
