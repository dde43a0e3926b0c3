// What the routes are given: the store and the shared services of one appliance.
import type { EventBus } from '../bus';
import type { Logger } from '../logger';
import type { DeliveryRuntime } from '../delivery-runtime';
import type { Pipeline } from '../pipeline/accept';
import type { SignalsRuntime } from '../signals-runtime';
import type { Store } from '../store/types';
import type { AuthDeps } from './auth';
import type { Metrics } from './metrics';
import type { RateLimiter } from './rate-limit';
import type { UiSessions } from './sessions';
import type { StoreHealth } from './store-health';
import type { StreamHub } from './stream';
import type { RequestBins } from './request-bins';

export interface ServerDeps extends AuthDeps {
  store: Store;
  /** Every submitted body (ingest, samples, replays) goes through it. */
  pipeline: Pipeline;
  /** Whether the store can write (GET /api/status, /healthz, `status.changed`). */
  health: StoreHealth;
  sessions: UiSessions;
  limiter: RateLimiter;
  bus: EventBus;
  hub: StreamHub;
  metrics: Metrics;
  signals: SignalsRuntime;
  deliveries: DeliveryRuntime;
  bins: RequestBins;
  logger: Logger;
  allowedHosts: Set<string>;
  /** Body limit of Alertmanager webhooks (a group is one request, and a 413 loses it). */
  alertmanagerBodyLimit: number;
  /** Built UI (out/renderer); null when not built. */
  uiDir: string | null;
  version: string;
  startedAt: number;
  now: () => Date;
  /** Base of the links the appliance hands out: the public URL when one is set, else the address served. */
  baseUrl: () => string;
  /** The address the appliance serves on (its own requests to itself, e.g. the demo's request bin). */
  servedUrl: () => string;
  /** SWITCHYARD_PUBLIC_URL / --public-url; a URL saved in Settings takes precedence. */
  publicUrlFromEnvironment: string | null;
}
