/**
 * What keeps an open server (no auth key) from obeying any web page the person has open. A browser
 * lets a page on any site send requests to 127.0.0.1, and a page whose own name an attacker re-points
 * at 127.0.0.1 (DNS rebinding) even reads the answers; both show in the headers the browser sets and
 * the page cannot forge: `Host` names the attacker's site, or `Origin` does.
 *
 * - Host must be a name of this machine (loopback names, any IP literal: a rebinding page always
 *   uses a host name), `PUBLIC_URL`'s host, or one of `--allowed-hosts`.
 * - Origin, when a browser sends one (websocket upgrades, cross-site requests), must be this server's
 *   own (the same host and port as Host), `PUBLIC_URL`'s, or one of `--allowed-origins`. Programs that
 *   are no browser (the CLI, Node providers) send none.
 * See https://github.com/webpack/webpack-dev-server/issues/887 for the same hole in dev servers.
 */
import { isIP } from 'node:net';

export interface RequestGuardOptions {
  publicUrl: string | null;
  allowedHosts: readonly string[];
  allowedOrigins: readonly string[];
}

export interface GuardedRequest {
  headers: { host?: string | undefined; origin?: string | undefined };
}

/** Why a request is refused, with the HTTP status that says so. */
export interface Refusal {
  status: number;
  reason: string;
}

export interface RequestGuard {
  /** Null when the Host header names this server; 421 (misdirected request) otherwise. */
  checkHost(req: GuardedRequest): Refusal | null;
  /** Null when there is no Origin, or an allowed one; 403 otherwise. */
  checkOrigin(req: GuardedRequest): Refusal | null;
}

export function createRequestGuard(options: RequestGuardOptions): RequestGuard {
  const hosts = new Set(options.allowedHosts.map((host) => host.toLowerCase()));
  const origins = new Set(options.allowedOrigins.map(normaliseOrigin).filter((o) => o !== null));
  if (options.publicUrl) {
    const publicUrl = new URL(options.publicUrl);
    hosts.add(publicUrl.hostname.toLowerCase());
    origins.add(publicUrl.origin);
  }

  return {
    checkHost(req) {
      const header = req.headers.host;
      // HTTP/1.0 clients may send none; browsers always do, and they are what this guards against.
      if (header === undefined) return null;
      const name = hostName(header);
      if (name !== null && (isLocalName(name) || hosts.has(name))) return null;
      return { status: 421, reason: `host ${JSON.stringify(header)} is not a name of this server` };
    },
    checkOrigin(req) {
      const origin = req.headers.origin;
      if (origin === undefined) return null;
      const normalised = normaliseOrigin(origin);
      if (normalised !== null) {
        if (origins.has(normalised)) return null;
        const host = req.headers.host;
        if (host !== undefined && new URL(normalised).host === host.toLowerCase()) return null;
      }
      return { status: 403, reason: `origin ${JSON.stringify(origin)} is not allowed` };
    },
  };
}

/** The name part of a Host header (`[::1]:1234` → `::1`), lower case; null when unparsable. */
function hostName(header: string): string | null {
  try {
    const { hostname } = new URL(`http://${header}`);
    return hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  } catch {
    return null;
  }
}

function isLocalName(name: string): boolean {
  return name === 'localhost' || name.endsWith('.localhost') || isIP(name) !== 0;
}

function normaliseOrigin(origin: string): string | null {
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : null;
  } catch {
    return null;
  }
}
