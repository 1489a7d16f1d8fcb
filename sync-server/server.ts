import { mkdir } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloseCode } from '../shared/protocol';
import { BoardOps } from './admin/board-ops';
import { boardOpsRoutes } from './admin/board-ops-http';
import { createAdminHandler } from './admin/http';
import { writeAdminCredential, writeServerRecord } from './admin/local-files';
import { AdminOps } from './admin/ops';
import { createAccessHandler } from './auth/access-route';
import { createTokenAuthorizer, isLoopbackHost } from './auth/authorizer';
import { createShareHandler } from './auth/share-route';
import { publicVerifyKey, secretKey, type VerifyKey } from './auth/tokens';
import { DEFAULT_CONFIG, type ServerConfig } from './config';
import type { DocStore } from './core/doc-store';
import { type Clock, type Logger, systemClock } from './core/ports';
import { SyncCore } from './core/sync-core';
import { chainAdminRoutes, historyAdminRoutes } from './history/admin-routes';
import { History } from './history/history';
import { createHistoryHandler } from './history/http';
import { parseHistoryTiers } from './history/policy';
import { OffsetClock } from './history/test-clock';
import { createRequestGuard, type Refusal } from './http/request-guard';
import { createRequestHandler } from './http/routes';
import { type Authorizer, createWsTransport, openAccess } from './http/ws-transport';
import { createLogger } from './logger';
import { createMetrics } from './metrics';
import { purgedDescriptions } from './purged-descriptions';
import { openRevocations } from './revocation-setup';
import type { ScaleOut } from './scaleout/compose';
import { LevelDocStore } from './storage/level-doc-store';
import { VERSION } from './version';

export interface StartOptions {
  /** Use this store instead of LevelDB in `dataDir` (tests). */
  store?: DocStore;
  logger?: Logger;
  authorize?: Authorizer;
  /**
   * The server's clock: history times (S13.1) and every timer of the core (S11). An `OffsetClock`
   * (tests, TRELLIS_CLOCK_OFFSET_MS) can be moved, also through `POST /admin/clock`.
   */
  clock?: Clock;
}

export interface RunningServer {
  url: string;
  wsUrl: string;
  port: number;
  core: SyncCore;
  store: DocStore;
  /** Scale-out mode's Redis/PostgreSQL side; null on a single node (LevelDB). */
  scaleout: ScaleOut | null;
  /** Every document's kept versions (S13). */
  history: History;
  /** Readiness 503, stop accepting, store every document, close sockets (1001), close the store. */
  close(): Promise<void>;
}

/** Composes store, core, HTTP and websocket transport into one listening server. */
export async function startServer(
  overrides: Partial<ServerConfig> = {},
  options: StartOptions = {},
): Promise<RunningServer> {
  const config: ServerConfig = { ...DEFAULT_CONFIG, ...overrides };
  const logger = options.logger ?? createLogger(config.logLevel, config.prettyLogs);
  // Checked before the store opens, so a bad key fails fast without touching the data.
  const verifyKey = authKey(config);
  const clock = options.clock ?? systemClock;
  const now = () => clock.now();
  const historyTiers = parseHistoryTiers(config.historyTiers);
  let store = options.store;
  let scaleout: ScaleOut | null = null;
  if (!store && config.redisUrl && config.databaseUrl) {
    // Loaded only when configured: a single server never pays for the Redis and PostgreSQL clients.
    const { openScaleOut } = await import('./scaleout/compose');
    scaleout = await openScaleOut({
      redisUrl: config.redisUrl,
      databaseUrl: config.databaseUrl,
      role: config.role,
      trimGraceMs: config.trimGraceMs,
      logger,
      now,
      history: historyTiers !== null,
    });
    store = scaleout.store;
  }
  // The data directory also holds the admin credential and the server record in scale-out mode.
  await mkdir(config.dataDir, { recursive: true });
  if (!store) {
    store = await LevelDocStore.open(config.dataDir, {
      fsync: config.fsync,
      now,
      history: historyTiers !== null,
      logger,
    });
  }
  // Descriptions of cards purged from a board's trash are deleted with them (board rule B15.5).
  const purged = purgedDescriptions(store, logger);
  store = purged.store;
  const { registry, core: metrics } = createMetrics();
  scaleout?.registerMetrics(registry);
  const core = new SyncCore({
    store,
    clock,
    ...(scaleout ? { feed: scaleout.feed } : {}),
    logger,
    metrics,
    unloadDelayMs: config.unloadDelayMs,
    compactThreshold: config.compactThreshold,
    batchWindowMs: config.batchWindowMs,
    maxBufferedBytes: config.maxBufferedBytes,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    maxRooms: config.maxRooms,
    maxMessagesPerSecond: config.maxMessagesPerSecond,
    messageBurst: config.messageBurst,
    maxDocumentBytes: config.maxDocumentBytes,
    maxPresenceBytes: config.maxPresenceBytes,
  });
  purged.attach(core);
  let ready = true;
  // Scale-out: without Redis no write can be stored, without PostgreSQL no document can be opened,
  // and a compactor-only instance serves no clients.
  const acceptsClients = () =>
    ready && (scaleout === null || (scaleout.role !== 'compactor' && scaleout.healthy()));
  const notReady = () => {
    if (!ready) return { status: 'shutting down' };
    const down = scaleout?.unavailable() ?? [];
    return {
      status: scaleout?.role === 'compactor' ? 'compactor role: serves no clients' : 'unavailable',
      down,
    };
  };
  const { revocations, stop: stopRevocations } = await openRevocations(store, scaleout, logger);
  const authorize =
    options.authorize ?? (verifyKey ? createTokenAuthorizer(verifyKey, Date.now, revocations) : openAccess);
  const history = new History({ store, clock, tiers: historyTiers, logger });
  // Thinned where documents are compacted: scaled out, a sync-only instance leaves it to the others.
  if (scaleout?.role !== 'sync') history.start();
  // Written before listening, so no admin request can arrive before the CLI can read it.
  const adminCredential = await writeAdminCredential(config.dataDir);
  const boardOps = new BoardOps(core, store, revocations);
  const admin = createAdminHandler({
    ops: new AdminOps(core, store),
    verifyKey,
    adminCredential,
    logger,
    more: chainAdminRoutes(
      boardOpsRoutes({ ops: boardOps, authConfigured: verifyKey !== null, logger }),
      historyAdminRoutes({
        history,
        store,
        logger,
        testClock: clock instanceof OffsetClock ? clock : null,
      }),
    ),
  });
  // Without a key anyone's browser is a client: refuse what a foreign page sends (request-guard.ts).
  const guard =
    verifyKey === null && !options.authorize
      ? createRequestGuard({
          publicUrl: config.publicUrl,
          allowedHosts: config.allowedHosts,
          allowedOrigins: config.allowedOrigins,
        })
      : null;
  const refuse = (req: IncomingMessage, what: string, refusal: Refusal) => {
    logger.warn(
      { addr: req.socket.remoteAddress, host: req.headers.host, origin: req.headers.origin, url: req.url },
      `${what} refused: ${refusal.reason}`,
    );
  };
  const access = createAccessHandler(authorize);
  const historyRoutes = createHistoryHandler({ history, authorize, logger });
  // Share links are signed with the HS256 secret; a public key alone can verify but not sign.
  const share = createShareHandler({
    verifyKey,
    signKey: config.authSecret ? secretKey(config.authSecret) : null,
    logger,
    revocations,
  });
  const routes = createRequestHandler(
    {
      version: VERSION,
      startedAt: Date.now(),
      ready: acceptsClients,
      notReady,
      connections: () => core.connectionCount,
      rooms: () => core.rooms.size,
    },
    registry,
    config.staticDir,
  );
  const http = createServer((req, res) => {
    const refusal =
      guard &&
      (guard.checkHost(req) ?? (STATE_CHANGING.has(req.method ?? 'GET') ? guard.checkOrigin(req) : null));
    if (refusal) {
      refuse(req, 'request', refusal);
      res.writeHead(refusal.status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ error: refusal.reason }));
      return;
    }
    admin(req, res)
      .then((handled) => handled || access(req, res))
      .then((handled) => handled || share(req, res))
      .then((handled) => handled || historyRoutes(req, res))
      .then((handled) => (handled ? undefined : routes(req, res)))
      .catch(() => res.destroy());
  });
  const transport = createWsTransport({
    core,
    logger,
    maxMessageBytes: config.maxMessageBytes,
    maxConnectionsPerAddress: config.maxConnectionsPerAddress,
    connectRatePerAddress: config.connectRatePerAddress,
    connectBurstPerAddress: config.connectBurstPerAddress,
    muxJoinsPerSecond: config.muxJoinsPerSecond,
    muxJoinBurst: config.muxJoinBurst,
    trustProxy: config.trustProxy,
    authorize,
    heartbeatMs: config.heartbeatMs,
  });
  revocations.onRevoked((board, revokedAt) => transport.closeRevoked(board, revokedAt));
  http.on('upgrade', (req, socket, head) => {
    const refusal = guard && (guard.checkHost(req) ?? guard.checkOrigin(req));
    if (refusal) {
      refuse(req, 'websocket', refusal);
      const text = refusal.status === 421 ? 'Misdirected Request' : 'Forbidden';
      socket.end(`HTTP/1.1 ${refusal.status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    if (!acceptsClients()) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    void transport.handleUpgrade(req, socket, head);
  });

  // Redis went away: updates already received stay in memory and are retried, but clients are sent
  // away with a retryable code (1013 "try again later") rather than told their edits are live.
  scaleout?.onRedisLost(() => {
    for (const ws of transport.wss.clients) ws.close(STORE_UNAVAILABLE_CLOSE, 'storage unavailable; retry');
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.port, config.host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const { port } = http.address() as AddressInfo;
  const hostForUrl = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${hostForUrl}:${port}`;
  await writeServerRecord(config.dataDir, {
    url: localUrl(config.host, port),
    pid: process.pid,
    ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
  });
  logger.info(
    {
      url,
      dataDir: options.store || scaleout ? null : config.dataDir,
      mode: scaleout ? `scale-out (${scaleout.role}, instance ${scaleout.instanceId})` : 'single node',
      version: VERSION,
    },
    'listening',
  );
  if (!verifyKey && !options.authorize && !isLoopbackHost(config.host)) {
    logger.warn(
      { host: config.host },
      'no auth secret or public key configured: anyone who can reach this address can read and edit every board (set AUTH_SECRET)',
    );
  }

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      // Readiness turns 503 at once while HTTP keeps answering (so balancers see it); new
      // websocket upgrades are refused from here on.
      ready = false;
      stopRevocations();
      // Scale-out clients reconnect to another instance at once (1012 "service restart").
      const stopCode = scaleout ? CloseCode.serviceRestart : CloseCode.goingAway;
      const { unstoredRooms } = await core.stop(stopCode);
      // Multiplexed sockets outlive their rooms' connections: close them too.
      for (const ws of transport.wss.clients) ws.close(stopCode, 'server is shutting down');
      transport.wss.close();
      const stopped = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
      await stopped;
      await history.stop();
      await store.close();
      await scaleout?.close();
      logger.info({ unstoredRooms: unstoredRooms.length }, 'stopped');
    })();
    return closing;
  };
  return { url, wsUrl: url.replace(/^http/, 'ws'), port, core, store, scaleout, history, close };
}

/** Methods a page could use to change something: their Origin is checked in open mode. */
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** How a CLI on this machine reaches the server (a wildcard address is reached on loopback). */
function localUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

/** RFC 6455 "try again later": the stock provider reconnects (it stops only on 4400–4499). */
const STORE_UNAVAILABLE_CLOSE = 1013;

function authKey(config: ServerConfig): VerifyKey | null {
  if (config.authSecret) return secretKey(config.authSecret);
  if (config.authPublicKey) return publicVerifyKey(config.authPublicKey);
  return null;
}
