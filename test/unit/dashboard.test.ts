// The dashboard's figures: buckets by severity, attempts by outcome, failing destinations.
import { describe, expect, it } from 'vitest';
import { buildDashboard } from '../../src-main/core/dashboard';
import { attemptSucceeded } from '../../src-main/delivery/attempt-outcome';
import type { EventSummary } from '../../src-main/core/types';

const now = new Date('2026-11-23T12:00:00Z');
const ev = (minutesAgo: number, severity: string): EventSummary =>
  ({ id: `e${minutesAgo}${severity}`, received_at: new Date(now.getTime() - minutesAgo * 60_000).toISOString(), severity } as EventSummary);
// An HTTP attempt answered with `status`, or (null) one that got no answer at all.
const attempt = (minutesAgo: number, status: number | null, destination_id = 'a') => ({
  destination_id, at: new Date(now.getTime() - minutesAgo * 60_000).toISOString(), response: status === null ? null : { status }, error_class: status === null ? 'timeout' : null,
});
const mailed = (minutesAgo: number) => ({ ...attempt(minutesAgo, null, 'm'), error_class: null });

describe('buildDashboard', () => {
  const build = (over: Partial<Parameters<typeof buildDashboard>[0]> = {}) => buildDashboard({
    now, windowSeconds: 3600, buckets: 6, events: [], truncated: false, deliveries: [], attempts: [], destinations: [], circuitOf: () => 'closed', attemptSucceeded, ...over,
  });

  it('puts events in the bucket of their arrival, by severity, and leaves out older ones', () => {
    const d = build({ events: [ev(1, 'high'), ev(2, 'high'), ev(15, 'low'), ev(59, 'critical'), ev(61, 'critical')] });
    expect(d.events.map((b) => b.high)).toEqual([0, 0, 0, 0, 0, 2]);
    expect(d.events.map((b) => b.low)).toEqual([0, 0, 0, 0, 1, 0]);
    expect(d.events.map((b) => b.critical)).toEqual([1, 0, 0, 0, 0, 0]);
    expect(d.totals.events).toBe(4);
    expect(d.bucket_seconds).toBe(600);
  });

  it('counts attempts by outcome and names the failing destinations, worst first, with their circuit', () => {
    const d = build({
      destinations: [{ id: 'a', name: 'A', kind: 'webhook' }, { id: 'b', name: 'B', kind: 'slack' }, { id: 'c', name: 'C', kind: 'webhook' }, { id: 'm', name: 'M', kind: 'email' }],
      deliveries: [
        { destination_id: 'a', status: 'succeeded', created_at: attempt(5, null).at },
        { destination_id: 'm', status: 'succeeded', created_at: mailed(4).at },
        { destination_id: 'b', status: 'dead', created_at: attempt(9, null).at },
        { destination_id: 'c', status: 'pending', created_at: attempt(3, null).at },
      ],
      attempts: [attempt(5, 200), mailed(4), attempt(9, 500, 'b'), attempt(8, null, 'b'), attempt(7, 503, 'b'), attempt(3, 429, 'c')],
      circuitOf: (id) => (id === 'b' ? 'open' : 'closed'),
    });
    expect(d.totals).toMatchObject({ attempts_succeeded: 2, attempts_failed: 4, deliveries: { succeeded: 2, dead: 1, pending: 1 } });
    expect(d.failing_destinations).toEqual([
      { id: 'b', name: 'B', kind: 'slack', failed_attempts: 3, dead: 1, circuit: 'open' },
      { id: 'c', name: 'C', kind: 'webhook', failed_attempts: 1, dead: 0, circuit: 'closed' },
    ]);
  });
});
