// Circuit breaker transitions with a fake clock.
import { describe, expect, it } from 'vitest';
import { CircuitBreaker, CircuitBreakers } from '../../src-main/delivery/circuit-breaker';
import { CIRCUIT_FAILURE_THRESHOLD, CIRCUIT_PROBE_BACKOFF_MIN_MS } from '../../src-main/limits';

function fakeClock(start = Date.parse('2025-03-01T12:00:00.000Z')) {
  let t = start;
  return { now: () => t, advance: (ms: number) => { t += ms; }, iso: (offsetMs = 0) => new Date(t + offsetMs).toISOString() };
}

function failTimes(breaker: CircuitBreaker, n: number) {
  for (let i = 0; i < n; i++) breaker.failure();
}

describe('circuit breaker', () => {
  it('stays closed below the threshold, and a success resets the count', () => {
    const clock = fakeClock();
    const breaker = new CircuitBreaker({ now: clock.now });
    failTimes(breaker, CIRCUIT_FAILURE_THRESHOLD - 1);
    expect(breaker.snapshot()).toEqual({ state: 'closed', failures: CIRCUIT_FAILURE_THRESHOLD - 1, opened_at: null, next_probe_at: null });
    expect(breaker.acquire()).toBe('attempt');
    breaker.success();
    failTimes(breaker, CIRCUIT_FAILURE_THRESHOLD - 1);
    expect(breaker.snapshot().state).toBe('closed');
  });

  it('opens after the threshold of consecutive failures and refuses normal attempts', () => {
    const clock = fakeClock();
    const breaker = new CircuitBreaker({ now: clock.now });
    failTimes(breaker, CIRCUIT_FAILURE_THRESHOLD);
    expect(breaker.snapshot()).toEqual({
      state: 'open', failures: CIRCUIT_FAILURE_THRESHOLD, opened_at: clock.iso(), next_probe_at: clock.iso(CIRCUIT_PROBE_BACKOFF_MIN_MS),
    });
    expect(breaker.acquire()).toBeNull();
    clock.advance(CIRCUIT_PROBE_BACKOFF_MIN_MS - 1);
    expect(breaker.acquire()).toBeNull();
  });

  it('allows exactly one probe after the backoff; a probe success closes it', () => {
    const clock = fakeClock();
    const breaker = new CircuitBreaker({ threshold: 2, backoffMinMs: 1000, backoffMaxMs: 8000, now: clock.now });
    failTimes(breaker, 2);
    clock.advance(1000);
    expect(breaker.acquire()).toBe('probe');
    expect(breaker.snapshot()).toMatchObject({ state: 'half_open', next_probe_at: null });
    expect(breaker.acquire()).toBeNull(); // one probe at a time
    breaker.success();
    expect(breaker.snapshot()).toEqual({ state: 'closed', failures: 0, opened_at: null, next_probe_at: null });
    expect(breaker.acquire()).toBe('attempt');
  });

  it('re-opens on a probe failure with a doubling backoff up to the maximum, keeping opened_at', () => {
    const clock = fakeClock();
    const breaker = new CircuitBreaker({ threshold: 1, backoffMinMs: 1000, backoffMaxMs: 5000, now: clock.now });
    breaker.failure();
    const openedAt = clock.iso();
    const backoffs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const next = Date.parse(breaker.snapshot().next_probe_at ?? '');
      backoffs.push(next - clock.now());
      clock.advance(next - clock.now());
      expect(breaker.acquire()).toBe('probe');
      breaker.failure();
      expect(breaker.snapshot()).toMatchObject({ state: 'open', opened_at: openedAt });
    }
    expect(backoffs).toEqual([1000, 2000, 4000, 5000, 5000]);
    expect(breaker.snapshot().failures).toBe(6);
  });

  it('starts again from the minimum backoff after closing', () => {
    const clock = fakeClock();
    const breaker = new CircuitBreaker({ threshold: 1, backoffMinMs: 1000, backoffMaxMs: 8000, now: clock.now });
    breaker.failure();
    clock.advance(1000);
    breaker.acquire();
    breaker.failure(); // backoff now 2000
    clock.advance(2000);
    breaker.acquire();
    breaker.success();
    clock.advance(10);
    breaker.failure();
    expect(breaker.snapshot()).toMatchObject({ state: 'open', opened_at: clock.iso(), next_probe_at: clock.iso(1000) });
  });

  it('counts late failures while open without moving the next probe', () => {
    const clock = fakeClock();
    const breaker = new CircuitBreaker({ threshold: 2, backoffMinMs: 1000, backoffMaxMs: 8000, now: clock.now });
    failTimes(breaker, 2);
    const before = breaker.snapshot();
    clock.advance(500);
    breaker.failure();
    expect(breaker.snapshot()).toEqual({ ...before, failures: 3 });
  });

  it('permits another probe when one never reports back', () => {
    const clock = fakeClock();
    const breaker = new CircuitBreaker({ threshold: 1, backoffMinMs: 1000, backoffMaxMs: 4000, now: clock.now });
    breaker.failure();
    clock.advance(1000);
    expect(breaker.acquire()).toBe('probe');
    clock.advance(3999);
    expect(breaker.acquire()).toBeNull();
    clock.advance(1);
    expect(breaker.acquire()).toBe('probe');
  });

  it('refuses nonsensical settings', () => {
    expect(() => new CircuitBreaker({ threshold: 0 })).toThrow(RangeError);
    expect(() => new CircuitBreaker({ backoffMinMs: 10, backoffMaxMs: 5 })).toThrow(RangeError);
  });
});

describe('breakers per destination', () => {
  it('keeps one independent breaker per destination id', () => {
    const clock = fakeClock();
    const breakers = new CircuitBreakers({ threshold: 1, now: clock.now });
    breakers.get('dest-a').failure();
    expect(breakers.get('dest-a')).toBe(breakers.get('dest-a'));
    expect(breakers.snapshot('dest-a').state).toBe('open');
    expect(breakers.get('dest-b').acquire()).toBe('attempt');
    expect(breakers.snapshot('never-used')).toEqual({ state: 'closed', failures: 0, opened_at: null, next_probe_at: null });
    breakers.delete('dest-a');
    expect(breakers.snapshot('dest-a').state).toBe('closed');
  });
});
