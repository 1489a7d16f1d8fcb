import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { MUX_PATH } from '../../shared/mux-wire';
import { createStaticHandler } from './static-files';

export interface HttpState {
  version: string;
  startedAt: number;
  /** False from the moment shutdown begins, so load balancers stop sending traffic. */
  ready(): boolean;
  /**
   * Why it is not ready, for the `/readyz` body: a status, and what it cannot reach (`down`, e.g.
   * `['postgresql']`). Asked only when `ready()` is false; without it the status is `shutting down`.
   */
  notReady?(): { status: string; down?: string[] };
  connections(): number;
  rooms(): number;
}

/** Plain HTTP: health, readiness, metrics, then the built client. */
export function createRequestHandler(state: HttpState, registry: Registry, staticDir: string | null) {
  const serveStatic = staticDir ? createStaticHandler(staticDir) : null;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    try {
      if (path === '/healthz') {
        return json(res, 200, {
          status: 'ok',
          version: state.version,
          uptimeSeconds: Math.round((Date.now() - state.startedAt) / 1000),
          connections: state.connections(),
          rooms: state.rooms(),
        });
      }
      if (path === '/readyz') {
        if (state.ready()) return json(res, 200, { status: 'ready' });
        return json(res, 503, state.notReady?.() ?? { status: 'shutting down' });
      }
      if (path === '/metrics') {
        const body = await registry.metrics();
        res.writeHead(200, { 'content-type': registry.contentType });
        res.end(body);
        return;
      }
      if (path === MUX_PATH) {
        // Plain HTTP here tells a client this server multiplexes (S14.7): the reference server
        // answers 200 on every path, and would take `/_mux` for a room.
        res.writeHead(426, {
          'content-type': 'text/plain',
          upgrade: 'websocket',
          'access-control-allow-origin': '*',
          'cache-control': 'no-store',
        });
        res.end('websocket endpoint carrying many rooms\n');
        return;
      }
      if (serveStatic && (await serveStatic(req, res))) return;
      json(res, 404, { error: 'not found' });
    } catch (error) {
      if (!res.headersSent) json(res, 500, { error: (error as Error).message });
      else res.destroy();
    }
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
