// Circuit breaker per destination: after repeated failures stop sending and probe with
// a growing backoff instead, so a dead receiver costs one request per backoff, not one per delivery.
import { CIRCUIT_FAILURE_THRESHOLD, CIRCUIT_PROBE_BACKOFF_MAX_MS, CIRCUIT_PROBE_BACKOFF_MIN_MS } from '../limits';

export type CircuitStateName = 'closed' | 'open' | 'half_open';

/** What the UI shows for a destination. Times are ISO strings, null when not applicable. */
export interface CircuitSnapshot {
  state: CircuitStateName;
  /** Consecutive failures (reset by any success). */
  failures: number;
  /** When the circuit opened; kept through re-openings until it closes again. */
  opened_at: string | null;
  /** When the next probe is allowed (null while closed or while a probe is in flight). */
  next_probe_at: string | null;
}

export interface CircuitOptions {
  threshold?: number;
  backoffMinMs?: number;
  backoffMaxMs?: number;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
  /** Told when a circuit opens or closes (instances sharing a database share it). */
  onTransition?: (destinationId: string, snapshot: CircuitSnapshot) => void;
}

/** 'attempt': a normal send; 'probe': the one trial send while open; null: do not send now. */
export type Permit = 'attempt' | 'probe' | null;

export class CircuitBreaker {
  readonly #threshold: number;
  readonly #backoffMin: number;
  readonly #backoffMax: number;
  readonly #now: () => number;
  #state: CircuitStateName = 'closed';
  #failures = 0;
  #openedAt: number | null = null;
  #nextProbeAt: number | null = null;
  #backoff: number;
  #probeStartedAt: number | null = null;

  readonly #onTransition: (snapshot: CircuitSnapshot) => void;

  constructor(opts: CircuitOptions = {}, onTransition: (snapshot: CircuitSnapshot) => void = () => undefined) {
    this.#onTransition = onTransition;
    this.#threshold = opts.threshold ?? CIRCUIT_FAILURE_THRESHOLD;
    this.#backoffMin = opts.backoffMinMs ?? CIRCUIT_PROBE_BACKOFF_MIN_MS;
    this.#backoffMax = opts.backoffMaxMs ?? CIRCUIT_PROBE_BACKOFF_MAX_MS;
    this.#now = opts.now ?? Date.now;
    if (!(this.#threshold >= 1 && this.#backoffMin > 0 && this.#backoffMax >= this.#backoffMin)) {
      throw new RangeError('circuit breaker: threshold >= 1 and 0 < backoffMinMs <= backoffMaxMs');
    }
    this.#backoff = this.#backoffMin;
  }

  /** Ask before sending. A 'probe' permit must be followed by success() or failure(). */
  acquire(): Permit {
    const now = this.#now();
    if (this.#state === 'closed') return 'attempt';
    if (this.#state === 'open' && this.#nextProbeAt !== null && now >= this.#nextProbeAt) {
      this.#state = 'half_open';
      this.#probeStartedAt = now;
      this.#nextProbeAt = null;
      return 'probe';
    }
    // A probe whose outcome never arrives (crash, lost task) must not wedge the circuit.
    if (this.#state === 'half_open' && this.#probeStartedAt !== null && now - this.#probeStartedAt >= this.#backoffMax) {
      this.#probeStartedAt = now;
      return 'probe';
    }
    return null;
  }

  /** Any success (probe or a late answer to an earlier attempt) proves the receiver works. */
  success(): void {
    const wasClosed = this.#state === 'closed';
    this.#close();
    if (!wasClosed) this.#onTransition(this.snapshot());
  }

  /**
   * Takes on what another instance's breaker for the same destination became: open (no send
   * before its next probe) or closed. Tells no one.
   */
  adopt(s: CircuitSnapshot): void {
    if (s.state === 'closed') return this.#close();
    this.#state = 'open';
    this.#failures = Math.max(this.#failures, s.failures);
    this.#openedAt = s.opened_at === null ? this.#openedAt : Date.parse(s.opened_at);
    this.#nextProbeAt = s.next_probe_at === null ? this.#now() + this.#backoff : Date.parse(s.next_probe_at);
    this.#probeStartedAt = null;
  }

  #close(): void {
    this.#state = 'closed';
    this.#failures = 0;
    this.#openedAt = null;
    this.#nextProbeAt = null;
    this.#probeStartedAt = null;
    this.#backoff = this.#backoffMin;
  }

  failure(): void {
    const now = this.#now();
    this.#failures += 1;
    if (this.#state === 'closed') {
      if (this.#failures >= this.#threshold) this.#open(now, this.#backoffMin);
    } else if (this.#state === 'half_open') {
      this.#open(now, Math.min(this.#backoff * 2, this.#backoffMax));
    }
    // While open, late failures of attempts sent before it opened only count.
  }

  snapshot(): CircuitSnapshot {
    return {
      state: this.#state,
      failures: this.#failures,
      opened_at: iso(this.#openedAt),
      next_probe_at: iso(this.#nextProbeAt),
    };
  }

  #open(now: number, backoff: number): void {
    this.#state = 'open';
    this.#openedAt ??= now;
    this.#backoff = backoff;
    this.#nextProbeAt = now + backoff;
    this.#probeStartedAt = null;
    this.#onTransition(this.snapshot());
  }
}

/** One breaker per destination id, created on first use. */
export class CircuitBreakers {
  readonly #byId = new Map<string, CircuitBreaker>();
  readonly #opts: CircuitOptions;
  constructor(opts: CircuitOptions = {}) {
    this.#opts = opts;
  }

  get(destinationId: string): CircuitBreaker {
    let breaker = this.#byId.get(destinationId);
    if (!breaker) {
      breaker = new CircuitBreaker(this.#opts, (snapshot) => this.#opts.onTransition?.(destinationId, snapshot));
      this.#byId.set(destinationId, breaker);
    }
    return breaker;
  }

  /** Closed for a destination that never failed. */
  snapshot(destinationId: string): CircuitSnapshot {
    return this.#byId.get(destinationId)?.snapshot() ?? { state: 'closed', failures: 0, opened_at: null, next_probe_at: null };
  }

  /** Forget a deleted destination (or reset it after its URL changed). */
  delete(destinationId: string): void {
    this.#byId.delete(destinationId);
  }
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
