// Whether the store can write (disk full, data directory not writable, I/O errors, the
// database unreachable), for
// GET /api/status, /healthz, /metrics and the `status.changed` stream message. The store is
// watched at its interface: every write the appliance makes through it reports success or
// failure here, so nothing inside store/ has to know about this. While writes fail, a probe
// write is tried on a timer, so the condition clears by itself when the disk recovers even
// if no request comes in.
import { STORE_PROBE_INTERVAL_MS } from '../limits';
import type { Logger } from '../logger';
import { withMembers } from '../store/store-proxy';
import { StoreUnavailableError, type AppendResult, type StateRecord, type Store } from '../store/types';
import { ALL_ORGANIZATIONS, type EventBus } from '../bus';
import type { ApplianceStatus, StoreWriteStatus } from '../../src-shared/status';

/** GET /api/status and the data of the `status.changed` stream message; its store part. */
export type { ApplianceStatus, StoreWriteStatus };

/** The state record a probe writes; nothing reads it back. */
const PROBE_KIND = 'store_probe';

export interface StoreHealthOptions {
  bus: EventBus;
  logger: Logger;
  now: () => Date;
  version: string;
  startedAt: number;
  probeIntervalMs?: number;
}

export class StoreHealth {
  private current: StoreWriteStatus = { backend: 'file', writable: true, error: null, since: null };
  private target: Store | null = null;
  private probeTimer: NodeJS.Timeout | null = null;
  private probing = false;
  private closed = false;
  private readonly probeIntervalMs: number;

  constructor(private readonly opts: StoreHealthOptions) {
    this.probeIntervalMs = opts.probeIntervalMs ?? STORE_PROBE_INTERVAL_MS;
  }

  status(): StoreWriteStatus {
    return { ...this.current };
  }

  appliance(): ApplianceStatus {
    return { store: this.status(), version: this.opts.version, uptime_s: Math.round((Date.now() - this.opts.startedAt) / 1000) };
  }

  /**
   * The same store, with its writes observed. Reads and every other member go straight to
   * `store` (whatever the Store interface grows), so this wrapper never needs updating.
   */
  watch(store: Store): Store {
    this.target = store;
    this.current = { ...this.current, backend: store.backend };
    const observed: Partial<Record<keyof Store, unknown>> = {
      appendEvents: (events: Parameters<Store['appendEvents']>[0], state?: StateRecord[]) =>
        this.observe(store.appendEvents(events, state), (results: AppendResult[]) => results.some((r) => !r.duplicate_of && !r.id_conflict)),
      appendState: (state: StateRecord[]) => this.observe(store.appendState(state), () => state.length > 0),
      updateConfig: <T>(mutate: (draft: Parameters<Parameters<Store['updateConfig']>[0]>[0]) => T) => this.observe(store.updateConfig(mutate), () => true),
      close: () => {
        this.stop();
        return store.close();
      },
    };
    return withMembers(store, observed);
  }

  /**
   * Asks a database whether it answers (a load balancer's health check must see it down even
   * while nothing is written); the outcome counts like a write's. Files answer at once: their
   * failures show only on writes, so they are not asked.
   */
  async check(): Promise<void> {
    if (this.target?.backend !== 'postgres') return;
    await this.observe(this.target.ping(), () => true).catch(() => undefined);
  }

  /** Stops probing; failures reported after this (the store closing) change nothing. */
  stop(): void {
    this.closed = true;
    if (this.probeTimer) clearInterval(this.probeTimer);
    this.probeTimer = null;
  }

  private observe<T>(write: Promise<T>, wroteSomething: (value: T) => boolean): Promise<T> {
    write.then(
      (value) => {
        if (wroteSomething(value)) this.succeeded();
      },
      (err: unknown) => {
        if (err instanceof StoreUnavailableError) this.failed(err);
      },
    );
    return write;
  }

  private succeeded(): void {
    if (this.current.writable || this.closed) return;
    const since = this.current.since;
    this.current = { backend: this.current.backend, writable: true, error: null, since: null };
    if (this.probeTimer) clearInterval(this.probeTimer);
    this.probeTimer = null;
    this.opts.logger.info('store: writes succeed again', { unwritable_since: since });
    this.changed();
  }

  private failed(err: StoreUnavailableError): void {
    if (this.closed) return;
    const error = err.message;
    if (!this.current.writable && this.current.error === error) return;
    const wasWritable = this.current.writable;
    this.current = { backend: this.current.backend, writable: false, error, since: wasWritable ? this.opts.now().toISOString() : this.current.since };
    if (wasWritable) {
      this.opts.logger.error(`store: cannot write to ${this.current.backend === 'postgres' ? 'the database' : 'the data directory'}; ingest answers 503 until writes succeed again`, { error });
      this.probeTimer = setInterval(() => this.probe(), this.probeIntervalMs);
      this.probeTimer.unref();
    }
    this.changed();
  }

  /** One small write through the same path as everything else; its outcome is observed like any other. */
  private probe(): void {
    if (this.probing || this.closed || !this.target) return;
    this.probing = true;
    const at = this.opts.now().toISOString();
    this.observe(this.target.appendState([{ kind: PROBE_KIND, id: 'probe', data: { at } }]), () => true)
      .catch(() => undefined)
      .finally(() => {
        this.probing = false;
      });
  }

  private changed(): void {
    this.opts.bus.publish({ type: 'status.changed', organization: ALL_ORGANIZATIONS, data: this.appliance() });
  }
}
