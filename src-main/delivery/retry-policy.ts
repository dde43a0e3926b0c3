// Retry policy as data: when a failed delivery is attempted again, or when it is dead.
// Pure functions of (policy, attempt state); the clock and the random source are inputs.
import { DELIVERY_GIVE_UP_S, DELIVERY_JITTER, RETRY_AFTER_MAX_S, RETRY_AFTER_MIN_S } from '../limits';

const HOUR_S = 60 * 60;

/**
 * Delay in seconds before each attempt, measured from the end of the previous one.
 * Entry 0 is the first attempt ("now"); after 1 h the delay stays hourly until the
 * attempts span DELIVERY_GIVE_UP_S (24 h).
 */
export const DEFAULT_SCHEDULE_S: readonly number[] = Object.freeze(defaultSchedule());

function defaultSchedule(): number[] {
  const schedule = [0, 5, 30, 120, 600, 1800, HOUR_S];
  let total = schedule.reduce((sum, s) => sum + s, 0);
  while (total + HOUR_S <= DELIVERY_GIVE_UP_S) {
    schedule.push(HOUR_S);
    total += HOUR_S;
  }
  return schedule;
}

export interface RetryPolicy {
  /** Delay before attempt n (0-based), from the end of attempt n-1. No entry left → dead. */
  readonly schedule_s: readonly number[];
  /** Each delay is scaled by a factor in [1 - jitter, 1 + jitter). */
  readonly jitter: number;
  /** No attempt is scheduled later than this after the first one. */
  readonly give_up_after_s: number;
  readonly retry_after_min_s: number;
  readonly retry_after_max_s: number;
  /** Uniform in [0, 1); injectable so tests can pin the jitter. */
  readonly random: () => number;
}

export function retryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy: RetryPolicy = {
    schedule_s: DEFAULT_SCHEDULE_S,
    jitter: DELIVERY_JITTER,
    give_up_after_s: DELIVERY_GIVE_UP_S,
    retry_after_min_s: RETRY_AFTER_MIN_S,
    retry_after_max_s: RETRY_AFTER_MAX_S,
    random: Math.random,
    ...overrides,
  };
  // A broken policy would silently retry forever or never; refuse it where it is built.
  if (policy.schedule_s.length === 0 || !policy.schedule_s.every((s) => Number.isFinite(s) && s >= 0)) {
    throw new RangeError('schedule_s: must be a non-empty list of non-negative seconds');
  }
  if (!(policy.jitter >= 0 && policy.jitter < 1)) throw new RangeError('jitter: must be at least 0 and below 1');
  if (!(policy.give_up_after_s > 0)) throw new RangeError('give_up_after_s: must be positive');
  if (!(policy.retry_after_min_s >= 0 && policy.retry_after_max_s >= policy.retry_after_min_s)) {
    throw new RangeError('retry_after_min_s/retry_after_max_s: must satisfy 0 <= min <= max');
  }
  return policy;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = retryPolicy();

export interface AttemptState {
  /** Attempts made so far, including the one that just failed (1 after the first). */
  attempt: number;
  firstAttemptAt: Date;
  /** When the failed attempt ended. */
  now: Date;
  response?: { status: number; retryAfter?: string };
}

export type NextAttempt = { at: Date } | { dead: true; reason: string };

/** After a failed attempt: when to try again, or that the delivery is dead. */
export function nextAttempt(policy: RetryPolicy, state: AttemptState): NextAttempt {
  const { attempt, firstAttemptAt, now, response } = state;
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError('attempt: must be a whole number from 1');
  if (attempt >= policy.schedule_s.length) {
    return { dead: true, reason: `retries exhausted after ${attempt} attempts` };
  }
  const factor = 1 + policy.jitter * (2 * policy.random() - 1);
  let delayMs = Math.round(policy.schedule_s[attempt] * factor * 1000);
  // Retry-After is a floor: never sooner than the receiver asked, never slower than our own backoff.
  const retryAfterS = response && (response.status === 429 || response.status === 503) && response.retryAfter !== undefined
    ? parseRetryAfter(response.retryAfter, now)
    : null;
  if (retryAfterS !== null) {
    const clamped = Math.min(Math.max(retryAfterS, policy.retry_after_min_s), policy.retry_after_max_s);
    delayMs = Math.max(delayMs, Math.round(clamped * 1000));
  }
  const at = new Date(now.getTime() + delayMs);
  if (at.getTime() - firstAttemptAt.getTime() > policy.give_up_after_s * 1000) {
    return { dead: true, reason: `gave up: still failing ${formatSeconds(policy.give_up_after_s)} after the first attempt (${attempt} attempts)` };
  }
  return { at };
}

/**
 * Seconds to wait according to a Retry-After value: delta-seconds or an HTTP date
 * (a date in the past gives 0). Unparseable values give null and are ignored.
 */
export function parseRetryAfter(value: string, now: Date): number | null {
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v);
  // Only date-shaped values: Date.parse alone would also accept "1.5" or "-3".
  if (!/^[A-Za-z]{3,9},? /.test(v)) return null;
  const ms = Date.parse(v);
  if (Number.isNaN(ms)) return null;
  return Math.max(0, Math.ceil((ms - now.getTime()) / 1000));
}

export type AttemptClass = 'success' | 'retry';

/** 2xx is success; any other status, a timeout or a network error is retried. */
export function classify(outcome: number | Error): AttemptClass {
  return typeof outcome === 'number' && outcome >= 200 && outcome <= 299 ? 'success' : 'retry';
}

function formatSeconds(s: number): string {
  if (s % HOUR_S === 0) return `${s / HOUR_S} h`;
  if (s % 60 === 0) return `${s / 60} min`;
  return `${s} s`;
}
