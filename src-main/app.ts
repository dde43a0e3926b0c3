// Composition root: wires store, core services and the HTTP server for either shell
// (headless `serve` or the Electron main process).
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EventBus } from './bus';
import * as ops from './core/config-ops';
import { linkBase } from './core/public-url';
import { sha256Hex } from './core/secrets';
import { ALERTMANAGER_BODY_LIMIT_BYTES, CONNECTIONS_CHECK_INTERVAL_MS, HEADERS_TIMEOUT_MS, HEADER_BYTES_MAX, RATE_BURST, RATE_PER_SECOND, REQUEST_TIMEOUT_MS } from './limits';
import { createLogger, type Logger } from './logger';
import { removeServerInfo, takeLoginLinkFile, writeServerInfo } from './login-link-files';
import { followOtherInstances } from './other-instances';
import { createPipeline } from './pipeline/accept';
import { allowedHostnames } from './server/middleware/host-origin';
import { createKoaApp } from './server/create-server';
import type { ServerDeps } from './server/deps';
import { createMetrics } from './server/metrics';
import { RateLimiter } from './server/rate-limit';
import { SESSION_COOKIE, SessionManager, type UiSessions } from './server/sessions';
import { SharedSessions } from './server/shared-sessions';
import { StoreHealth } from './server/store-health';
import { StreamHub } from './server/stream';
import { DeliveryRuntime, upgradeStoredDeliveries, type DeliveryOptions } from './delivery-runtime';
import { RequestBins } from './server/request-bins';
import { SignalsRuntime, upgradeStoredAlerts } from './signals-runtime';
import { createStore, type StoreFs } from './store';
import { withKeyedQueue } from './store/keyed-queue';
import { maskedDatabaseUrl } from './store/database-url';
import type { OpenReport, Store } from './store/types';

export const VERSION = '0.1.0';

export interface AppOptions {
  dataDir: string;
  /** postgres://… selects the PostgreSQL store (SWITCHYARD_DATABASE_URL, --database-url); otherwise the file store in dataDir. */
  databaseUrl?: string | null;
  host?: string;
  port?: number;
  /** SWITCHYARD_API_KEY: accepted as an admin key of the default organization. */
  apiKey?: string | null;
  /** Extra names accepted in the Host header (SWITCHYARD_ALLOWED_HOSTS). */
  allowedHosts?: string[];
  /** Base of the links sent out (SWITCHYARD_PUBLIC_URL, --public-url), unless Settings saves another; default the address served. */
  publicUrl?: string | null;
  uiDir?: string | null;
  rateLimit?: { perSecond: number; burst: number };
  /** Body limit of the Alertmanager endpoint in bytes (default ALERTMANAGER_BODY_LIMIT_BYTES). */
  alertmanagerBodyLimit?: number;
  writeQueueMax?: number;
  /** How often time-based signal rules (auto-resolve, flap settling) run; 0 = never (tests tick by hand). */
  tickMs?: number;
  /** Retry schedule, timeouts, circuit and failure e-mail settings of the delivery engine. */
  delivery?: DeliveryOptions;
  logger?: Logger;
  now?: () => Date;
  /** The store's file-system calls (default node:fs); tests inject failing ones (a full disk). */
  storeFs?: StoreFs;
}

export interface RunningApp {
  url: string;
  port: number;
  host: string;
  store: Store;
  bus: EventBus;
  signals: SignalsRuntime;
  deliveries: DeliveryRuntime;
  openReport: OpenReport;
  /** The admin key created on the very first start (no SWITCHYARD_API_KEY, no keys yet); shown once. */
  initialAdminKey: string | null;
  /** A one-time login URL for the UI (headless prints it); with a shared database it works on every instance. */
  loginUrl(): Promise<string>;
  /** A session cookie for the desktop window, set by the main process. */
  createUiSession(): Promise<{ name: string; value: string }>;
  close(): Promise<void>;
}

/** A start-up problem worth one line to the user, not a stack trace. */
export class StartupError extends Error {
  override name = 'StartupError';
}

export function defaultUiDir(): string {
  // Built layout: out/main/cli.js or out/main/chunks/*.js → out/renderer.
  // From sources (tests): src-main/app.ts → <repo>/out/renderer.
  const here = dirname(fileURLToPath(import.meta.url));
  const parts = here.split(sep);
  const out = parts.findLastIndex((p, i) => p === 'out' && parts[i + 1] === 'main');
  return out >= 0 ? join(parts.slice(0, out + 1).join(sep), 'renderer') : join(here, '..', 'out', 'renderer');
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (err.code === 'EADDRINUSE') reject(new StartupError(`port ${port} on ${host} is already in use; stop the other process or pick another with --port`));
      else if (err.code === 'EACCES') reject(new StartupError(`no permission to listen on ${host}:${port}; pick a port above 1023 with --port`));
      else if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') reject(new StartupError(`cannot listen on host ${host}: no such local address; use --host 127.0.0.1`));
      else reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

export async function createApp(opts: AppOptions): Promise<RunningApp> {
  const host = opts.host ?? '127.0.0.1';
  const logger = opts.logger ?? createLogger();
  const now = opts.now ?? (() => new Date());
  const opened = opts.databaseUrl
    ? (await import('./store/pg')).createPgStore({ url: opts.databaseUrl, dataDir: opts.dataDir, writeQueueMax: opts.writeQueueMax, logger, now, ...(opts.delivery?.leaseMs ? { leaseMs: opts.delivery.leaseMs } : {}) })
    : createStore({ dataDir: opts.dataDir, writeQueueMax: opts.writeQueueMax, ...(opts.storeFs ? { fs: opts.storeFs } : {}) });
  let openReport: OpenReport;
  try {
    openReport = await opened.open();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EACCES' || e.code === 'EROFS' || e.code === 'ENOTDIR') throw new StartupError(`cannot use data directory ${opts.dataDir}: ${e.code}; pick a writable one with --data-dir`);
    // Refused, unknown host, wrong password, no such database: one line naming the database.
    if (opts.databaseUrl) throw new StartupError(`cannot reach the database ${maskedDatabaseUrl(opts.databaseUrl)}: ${(err as Error).message || (err as NodeJS.ErrnoException).code}; check that PostgreSQL runs there and --database-url (SWITCHYARD_DATABASE_URL)`);
    throw err;
  }
  const bus = new EventBus();
  const startedAt = Date.now();
  // Every write below goes through the watched store, so a failing disk shows in /api/status.
  const health = new StoreHealth({ bus, logger, now, version: VERSION, startedAt });
  const store = withKeyedQueue(health.watch(opened));
  const defaultOrg = await store.updateConfig((d) => ops.ensureDefaultOrg(d, now()));
  let initialAdminKey: string | null = null;
  if (!opts.apiKey && store.config().keys.length === 0) {
    // Checked again inside the change: instances starting together on one database make one key.
    initialAdminKey = await store.updateConfig((d) => (d.keys.length === 0 ? ops.createKey(d, { name: 'initial admin', scopes: ['admin'], organization: defaultOrg.id }, now()).key : null));
  }

  // Links from `switchyard login-link` (login-link-files.ts) log in to the default organization.
  const linkFile = (hash: string) => {
    const link = takeLoginLinkFile(opts.dataDir, hash);
    return link && { organization: defaultOrg.id, expires: link.expires };
  };
  // Several instances on one database: logins work on any of them. Alone: in memory, a restart asks again.
  const sessions: UiSessions = store.shared ? new SharedSessions(store, () => now().getTime(), linkFile) : new SessionManager(() => now().getTime(), linkFile);
  const upgradedAlerts = await upgradeStoredAlerts(store);
  if (upgradedAlerts) logger.info('alerts kept in memory by an earlier version rewritten in the current shape', { upgraded: upgradedAlerts });
  const signals = new SignalsRuntime(store, bus, logger, now);
  let baseUrl = '';
  // Links sent out (e-mails, chat, envelopes, source URLs, OpenAPI servers) use the public URL when one is set.
  const linkBaseUrl = () => linkBase(store.config().settings, opts.publicUrl ?? null, baseUrl);
  const upgraded = await upgradeStoredDeliveries(store);
  if (upgraded) logger.info('deliveries stored by an earlier version rewritten in the current shape', { upgraded });
  const deliveries = new DeliveryRuntime(store, bus, logger, now, linkBaseUrl, opts.delivery);
  await deliveries.start();
  const metrics = createMetrics(store, { defaultMetrics: true, storeWritable: () => health.status().writable });
  const pipeline = createPipeline({
    store, signals, deliveries, bus, now, newId: randomUUID,
    counted: (dialect, outcome, n) => metrics.events.inc({ dialect, outcome }, n),
  });
  const deps: ServerDeps = {
    store,
    pipeline,
    health,
    sessions,
    envKeyHash: opts.apiKey ? sha256Hex(opts.apiKey) : null,
    limiter: new RateLimiter(opts.rateLimit ?? { perSecond: RATE_PER_SECOND, burst: RATE_BURST }),
    bus,
    hub: new StreamHub(bus),
    metrics,
    signals,
    deliveries,
    bins: new RequestBins(),
    logger,
    allowedHosts: allowedHostnames(host, opts.allowedHosts),
    alertmanagerBodyLimit: opts.alertmanagerBodyLimit ?? ALERTMANAGER_BODY_LIMIT_BYTES,
    uiDir: opts.uiDir === undefined ? defaultUiDir() : opts.uiDir,
    version: VERSION,
    startedAt,
    now,
    baseUrl: linkBaseUrl,
    servedUrl: () => baseUrl,
    publicUrlFromEnvironment: opts.publicUrl ?? null,
  };
  followOtherInstances({ store, bus, hub: deps.hub, signals, deliveries, logger });
  const koa = createKoaApp(deps);
  const server = createServer(
    // requireHostHeader off: Node would answer a missing Host with a bare 400; the Host check
    // refuses it in the error shape instead.
    { maxHeaderSize: HEADER_BYTES_MAX, requestTimeout: REQUEST_TIMEOUT_MS, headersTimeout: HEADERS_TIMEOUT_MS, connectionsCheckingInterval: CONNECTIONS_CHECK_INTERVAL_MS, requireHostHeader: false },
    koa.callback(),
  );
  server.keepAliveTimeout = 5_000;
  // Requests Node's parser refuses (oversized headers, malformed, too slow) still get the one error shape.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const [status, text, message] =
      err.code === 'HPE_HEADER_OVERFLOW' ? [431, 'Request Header Fields Too Large', `headers: larger than ${HEADER_BYTES_MAX} bytes`]
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'Request Timeout', 'request: not received in time']
      : [400, 'Bad Request', 'request: malformed HTTP'];
    const body = JSON.stringify({ errors: [message] });
    socket.end(`HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  try {
    await listen(server, opts.port ?? 8080, host);
  } catch (err) {
    await store.close();
    throw err;
  }
  signals.start(opts.tickMs ?? 1000);
  const port = (server.address() as AddressInfo).port;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  baseUrl = `http://${urlHost}:${port}`;
  writeServerInfo(opts.dataDir, baseUrl);
  logger.info('listening', { url: baseUrl, data_dir: opts.dataDir, events: openReport.events, torn_lines_discarded: openReport.torn_lines_discarded });

  let closing: Promise<void> | null = null;
  return {
    url: baseUrl,
    port,
    host,
    store,
    bus,
    signals,
    deliveries,
    openReport,
    initialAdminKey,
    loginUrl: async () => `${baseUrl}/login?token=${await sessions.mintLoginToken(defaultOrg.id)}`,
    createUiSession: async () => ({ name: SESSION_COOKIE, value: (await sessions.createSession(defaultOrg.id)).id }),
    close: () =>
      (closing ??= (async () => {
        // Stop taking requests, let in-flight ones finish briefly, then flush the store.
        const closed = new Promise<void>((r) => server.close(() => r()));
        server.closeIdleConnections();
        const grace = setTimeout(() => sockets.forEach((s) => s.destroy()), 2_000);
        await closed;
        clearTimeout(grace);
        await signals.stop();
        await deliveries.close();
        await store.close();
        removeServerInfo(opts.dataDir);
        logger.info('stopped', {});
      })()),
  };
}
