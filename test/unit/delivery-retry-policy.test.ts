// Retry policy with a fake clock: the schedule, jitter bounds, Retry-After and give-up.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DEFAULT_SCHEDULE_S, classify, nextAttempt, parseRetryAfter, retryPolicy, type NextAttempt, type RetryPolicy,
} from '../../src-main/delivery/retry-policy';
import { DELIVERY_GIVE_UP_S, DELIVERY_JITTER, RETRY_AFTER_MAX_S, RETRY_AFTER_MIN_S } from '../../src-main/limits';

const T0 = new Date('2025-03-01T12:00:00.000Z');
const at = (offsetS: number) => new Date(T0.getTime() + offsetS * 1000);
/** random() = 0.5 makes the jitter factor exactly 1. */
const noJitter = retryPolicy({ random: () => 0.5 });

function delayS(result: NextAttempt, now: Date): number {
  if (!('at' in result)) throw new Error(`expected a next attempt, got dead: ${result.reason}`);
  return (result.at.getTime() - now.getTime()) / 1000;
}

describe('default schedule', () => {
  it('is now, 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, then hourly up to 24 h in total', () => {
    expect(DEFAULT_SCHEDULE_S.slice(0, 7)).toEqual([0, 5, 30, 120, 600, 1800, 3600]);
    expect(DEFAULT_SCHEDULE_S.slice(7).every((s) => s === 3600)).toBe(true);
    const total = DEFAULT_SCHEDULE_S.reduce((a, b) => a + b, 0);
    expect(total).toBeLessThanOrEqual(DELIVERY_GIVE_UP_S);
    expect(total + 3600).toBeGreaterThan(DELIVERY_GIVE_UP_S);
    expect(DEFAULT_SCHEDULE_S).toHaveLength(29);
    expect(Object.isFrozen(DEFAULT_SCHEDULE_S)).toBe(true);
  });

  it('after attempt n waits schedule[n] from the end of that attempt', () => {
    const now = at(42);
    for (let attempt = 1; attempt < DEFAULT_SCHEDULE_S.length; attempt++) {
      const next = nextAttempt(noJitter, { attempt, firstAttemptAt: now, now });
      expect(delayS(next, now)).toBe(DEFAULT_SCHEDULE_S[attempt]);
    }
  });

  it('runs a failing delivery for 29 attempts within 24 h, then declares it dead', () => {
    let now = T0;
    const times: number[] = [0];
    for (let attempt = 1; ; attempt++) {
      const next = nextAttempt(noJitter, { attempt, firstAttemptAt: T0, now });
      if ('dead' in next) {
        expect(next.reason).toBe('retries exhausted after 29 attempts');
        break;
      }
      now = next.at;
      times.push((now.getTime() - T0.getTime()) / 1000);
    }
    expect(times.slice(0, 8)).toEqual([0, 5, 35, 155, 755, 2555, 6155, 9755]);
    expect(times).toHaveLength(29);
    expect(times[28]).toBeLessThanOrEqual(DELIVERY_GIVE_UP_S);
  });
});

describe('jitter', () => {
  it('spans ± the jitter fraction at the extremes of random()', () => {
    const low = retryPolicy({ random: () => 0 });
    const high = retryPolicy({ random: () => 0.999999 });
    expect(delayS(nextAttempt(low, { attempt: 2, firstAttemptAt: T0, now: T0 }), T0)).toBe(30 * (1 - DELIVERY_JITTER));
    const highDelay = delayS(nextAttempt(high, { attempt: 2, firstAttemptAt: T0, now: T0 }), T0);
    expect(highDelay).toBeGreaterThan(30 * (1 + DELIVERY_JITTER) - 0.01);
    expect(highDelay).toBeLessThanOrEqual(30 * (1 + DELIVERY_JITTER));
  });

  it('always stays within [base × (1 − j), base × (1 + j)] for any random value', () => {
    fc.assert(fc.property(
      fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
      fc.integer({ min: 1, max: 6 }),
      (r, attempt) => {
        const base = DEFAULT_SCHEDULE_S[attempt];
        const d = delayS(nextAttempt(retryPolicy({ random: () => r }), { attempt, firstAttemptAt: T0, now: T0 }), T0);
        return d >= base * (1 - DELIVERY_JITTER) - 0.001 && d <= base * (1 + DELIVERY_JITTER) + 0.001;
      },
    ));
  });

  it('leaves a zero delay at zero and can be switched off', () => {
    const policy = retryPolicy({ schedule_s: [0, 0, 10], jitter: 0, random: () => 0 });
    expect(delayS(nextAttempt(policy, { attempt: 1, firstAttemptAt: T0, now: T0 }), T0)).toBe(0);
    expect(delayS(nextAttempt(policy, { attempt: 2, firstAttemptAt: T0, now: T0 }), T0)).toBe(10);
  });
});

describe('Retry-After', () => {
  const now = at(100);
  const next = (status: number, retryAfter: string | undefined, policy: RetryPolicy = noJitter, attempt = 1) =>
    delayS(nextAttempt(policy, { attempt, firstAttemptAt: T0, now, response: { status, retryAfter } }), now);

  it('is honoured in seconds on 429 and 503', () => {
    expect(next(429, '120')).toBe(120);
    expect(next(503, '45')).toBe(45);
  });

  it('is honoured as an HTTP date', () => {
    expect(next(503, at(100 + 90).toUTCString())).toBe(90);
    expect(next(429, 'Sat, 01 Mar 2025 12:05:00 GMT')).toBe(200); // 12:05:00 is 200 s after now (12:01:40)
  });

  it('is ignored on other statuses and when unparseable', () => {
    expect(next(500, '120')).toBe(5);
    expect(next(302, '120')).toBe(5);
    expect(next(429, 'soon')).toBe(5);
    expect(next(429, '1.5')).toBe(5);
    expect(next(429, undefined)).toBe(5);
  });

  it('is clamped to the maximum', () => {
    expect(next(429, '999999')).toBe(RETRY_AFTER_MAX_S);
    expect(next(503, at(100 + 3 * 86400).toUTCString())).toBe(RETRY_AFTER_MAX_S);
  });

  it('is clamped to the minimum (0 s or a past date still waits)', () => {
    const fast = retryPolicy({ schedule_s: [0, 0, 0], random: () => 0.5 });
    expect(next(429, '0', fast)).toBe(RETRY_AFTER_MIN_S);
    expect(next(503, at(0).toUTCString(), fast)).toBe(RETRY_AFTER_MIN_S);
  });

  it('never brings an attempt forward: the schedule wins when it is longer', () => {
    expect(next(503, '10', noJitter, 6)).toBe(3600);
    expect(next(429, '0')).toBe(5);
  });

  it('parses the three HTTP date formats', () => {
    const ref = new Date('2015-10-21T07:27:00Z');
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', ref)).toBe(60);
    expect(parseRetryAfter('Wednesday, 21-Oct-15 07:28:00 GMT', ref)).toBe(60);
    expect(parseRetryAfter(' 30 ', ref)).toBe(30);
    expect(parseRetryAfter('-3', ref)).toBeNull();
    expect(parseRetryAfter('', ref)).toBeNull();
  });
});

describe('give-up', () => {
  it('declares dead an attempt that would land more than 24 h after the first', () => {
    const now = at(DELIVERY_GIVE_UP_S - 1800);
    const result = nextAttempt(noJitter, { attempt: 10, firstAttemptAt: T0, now });
    expect(result).toEqual({ dead: true, reason: 'gave up: still failing 24 h after the first attempt (10 attempts)' });
  });

  it('still allows an attempt exactly at 24 h', () => {
    const now = at(DELIVERY_GIVE_UP_S - 3600);
    expect(delayS(nextAttempt(noJitter, { attempt: 10, firstAttemptAt: T0, now }), now)).toBe(3600);
  });

  it('counts a long Retry-After against the give-up time', () => {
    const now = at(DELIVERY_GIVE_UP_S - 60);
    const result = nextAttempt(noJitter, { attempt: 1, firstAttemptAt: T0, now, response: { status: 429, retryAfter: '120' } });
    expect('dead' in result).toBe(true);
  });

  it('makes late jitter end a delivery by time rather than by count', () => {
    const late = retryPolicy({ random: () => 0.999 });
    let now = T0;
    let result: NextAttempt;
    let attempt = 0;
    do {
      attempt += 1;
      result = nextAttempt(late, { attempt, firstAttemptAt: T0, now });
      if ('at' in result) now = result.at;
    } while ('at' in result);
    expect(result.reason).toMatch(/^gave up: still failing 24 h/);
    expect(attempt).toBeLessThan(DEFAULT_SCHEDULE_S.length);
    expect(now.getTime() - T0.getTime()).toBeLessThanOrEqual(DELIVERY_GIVE_UP_S * 1000);
  });
});

describe('shortened schedules and validation', () => {
  it('uses a schedule passed in and ends when it runs out', () => {
    const short = retryPolicy({ schedule_s: [0, 0.1, 0.2], jitter: 0 });
    expect(delayS(nextAttempt(short, { attempt: 1, firstAttemptAt: T0, now: T0 }), T0)).toBe(0.1);
    expect(delayS(nextAttempt(short, { attempt: 2, firstAttemptAt: T0, now: T0 }), T0)).toBe(0.2);
    expect(nextAttempt(short, { attempt: 3, firstAttemptAt: T0, now: T0 })).toEqual({ dead: true, reason: 'retries exhausted after 3 attempts' });
  });

  it('honours a shorter give-up time', () => {
    const policy = retryPolicy({ schedule_s: [0, 60, 60, 60], jitter: 0, give_up_after_s: 100 });
    expect('at' in nextAttempt(policy, { attempt: 1, firstAttemptAt: T0, now: at(0) })).toBe(true);
    expect(nextAttempt(policy, { attempt: 2, firstAttemptAt: T0, now: at(60) })).toMatchObject({ dead: true, reason: expect.stringContaining('100 s') });
  });

  it('refuses policies that cannot work and attempt numbers below 1', () => {
    expect(() => retryPolicy({ schedule_s: [] })).toThrow(/schedule_s/);
    expect(() => retryPolicy({ schedule_s: [0, -1] })).toThrow(/schedule_s/);
    expect(() => retryPolicy({ jitter: 1 })).toThrow(/jitter/);
    expect(() => retryPolicy({ retry_after_min_s: 10, retry_after_max_s: 5 })).toThrow(/retry_after/);
    expect(() => nextAttempt(noJitter, { attempt: 0, firstAttemptAt: T0, now: T0 })).toThrow(/attempt/);
  });
});

describe('classify', () => {
  it('treats 2xx as success and everything else, errors included, as retry', () => {
    for (const s of [200, 201, 202, 204, 299]) expect(classify(s)).toBe('success');
    for (const s of [100, 199, 300, 302, 304, 400, 404, 408, 429, 500, 502, 503]) expect(classify(s)).toBe('retry');
    expect(classify(new Error('timeout'))).toBe('retry');
  });
});
