// Faults at destinations: real local receivers that answer 500, 429 with Retry-After, hang,
// drop the connection mid-response, redirect, or trickle their answer byte by byte, each
// configured beside one healthy receiver. Every faulty one behaves as PRODUCT.md §5 says
// (attempt history, retry times, timeout, redirects not followed, truncation), and none of
// them delays the healthy one: it gets every event, once, in order per alert, while the
// faulty ones' first attempts are still waiting for their timeout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DELIVERY_RESPONSE_BODY_MAX, RETRY_AFTER_MAX_S } from '../../src-main/limits';
import { startHarness, type Harness } from '../helpers/harness';
import { startReceiver, type Receiver } from '../helpers/receiver';
import { until } from '../helpers/wait';

/** Short settings for the test, as integration tests use: a 4 s deadline and 0.5 s retries. */
const TIMEOUT_MS = 4_000;
const RETRY_S = 0.5;
const SCHEDULE = [0, RETRY_S, RETRY_S, RETRY_S];
const ALERTS = 4;
const EVENTS_PER_ALERT = 5;

let h: Harness;
const receivers: Record<string, Receiver> = {};
const destinations: Record<string, string> = {};
/** Every ingested event: its alert, its place in that alert, and when its 202 arrived. */
const ingested = new Map<string, { alert: string; key: string; seq: number; at: number }>();

beforeAll(async () => {
  // The circuit breaker is tested on its own (integration); here it must not hide the retry schedule.
  h = await startHarness({ tickMs: 0, delivery: { retrySchedule: SCHEDULE, jitter: 0, timeoutMs: TIMEOUT_MS, circuit: { threshold: 1_000 } } });
  const healthy = await startReceiver();
  receivers.healthy = healthy;
  receivers.fail500 = await startReceiver([], { status: 500, body: 'e'.repeat(20_000) });
  receivers.limited = await startReceiver([{ status: 429, headers: { 'retry-after': '2' } }, { status: 429, headers: { 'retry-after': '86400' } }]);
  receivers.hang = await startReceiver([], 'hang');
  receivers.cut = await startReceiver([], { status: 200, body: 'c'.repeat(1_000), cutAfter: 10 });
  receivers.redirect302 = await startReceiver([], { status: 302, headers: { location: `${healthy.url}/stolen-302` } });
  receivers.redirect307 = await startReceiver([], { status: 307, headers: { location: `${healthy.url}/stolen-307` } });
  // 100 bytes, one every 200 ms: bytes keep coming, but the whole answer takes 20 s.
  receivers.trickle = await startReceiver([], { status: 200, body: 't'.repeat(100), byteDelayMs: 200 });
  // 10 bytes, one every 50 ms: slow, but complete well within the deadline.
  receivers.slowOk = await startReceiver([], { status: 200, body: 's'.repeat(10), byteDelayMs: 50 });
  for (const [name, r] of Object.entries(receivers)) {
    const res = await h.http('POST', '/api/destinations', { body: { name, kind: 'webhook', uri: `${r.url}/hook`, event_type: ['security_event'] } });
    expect(res.status).toBe(201);
    destinations[name] = res.json.id;
  }
});
afterAll(async () => {
  await Promise.all(Object.values(receivers).map((r) => r.close()));
  await h?.stop();
});

/** Ingests `perAlert` events for each alert key, interleaved, and records them. */
async function ingestRound(round: string, perAlert: number, firstSeq: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < perAlert; i++) {
    for (let a = 0; a < ALERTS; a++) {
      const key = `alert-${a}`;
      const res = await h.http('POST', '/v1/ingest/event', { body: { summary: `${round} ${key} #${firstSeq + i}`, status: 'OPEN', level: 'ERROR', idempotency_key: key } });
      expect(res.status).toBe(202);
      ingested.set(res.json.event_id, { alert: res.json.alert_id, key, seq: firstSeq + i, at: Date.now() });
      ids.push(res.json.event_id);
    }
  }
  return ids;
}

const deliveriesOf = async (name: string): Promise<any[]> => (await h.http('GET', `/api/deliveries?destination=${destinations[name]}&limit=500`)).json.items;
const full = async (id: string): Promise<any> => (await h.http('GET', `/api/deliveries/${id}`)).json;
/** The first delivery of a destination (the oldest), once `ready` holds for it. */
async function firstDelivery(name: string, ready: (d: any) => boolean, timeoutMs = 15_000): Promise<any> {
  return until(async () => {
    const items = await deliveriesOf(name);
    const d = items.length ? await full(items[items.length - 1].id) : undefined;
    return d && ready(d) ? d : undefined;
  }, timeoutMs, `${name}: first delivery ready`);
}
const eventOf = (body: string): string => JSON.parse(body)[0].event_uuid;

describe('faults at destinations', () => {
  it('a healthy destination gets every event, once, in order per alert, while the faulty ones are still waiting for their timeout', async () => {
    const ids = await ingestRound('first', EVENTS_PER_ALERT, 0);
    const got = await receivers.healthy.waitFor(ids.length, TIMEOUT_MS);
    // None of the hanging or trickling attempts has ended yet: the healthy lane did not wait for them.
    for (const name of ['hang', 'trickle']) {
      const items = await deliveriesOf(name);
      expect(items.length, name).toBe(ids.length);
      expect(items.every((d) => d.attempt_count === 0), `${name} attempts still in flight`).toBe(true);
    }
    expect(receivers.hang.received.length).toBeGreaterThan(0);
    expect(new Set(got.map((g) => eventOf(g.body)))).toEqual(new Set(ids));
    expect(got).toHaveLength(ids.length);
    // Per alert, in the order the events were ingested; each one within the faulty ones' timeout of its 202.
    for (let a = 0; a < ALERTS; a++) {
      const seqs = got.map((g) => ingested.get(eventOf(g.body))!).filter((e) => e.key === `alert-${a}`).map((e) => e.seq);
      expect(seqs).toEqual([0, 1, 2, 3, 4]);
    }
    for (const g of got) expect(g.at).toBeLessThan(ingested.get(eventOf(g.body))!.at + TIMEOUT_MS);
  });

  it('keeps serving the healthy destination while the faulty ones time out, retry and back off', async () => {
    // Wait until every faulty lane is in its retry cycle (timeouts fired, 429s waiting, 500s retrying).
    await firstDelivery('hang', (d) => d.attempt_count >= 1, TIMEOUT_MS * 3);
    await firstDelivery('limited', (d) => d.attempt_count >= 1);
    const before = receivers.healthy.received.length;
    const ids = await ingestRound('second', 2, EVENTS_PER_ALERT);
    const got = (await receivers.healthy.waitFor(before + ids.length, TIMEOUT_MS)).slice(before);
    expect(new Set(got.map((g) => eventOf(g.body)))).toEqual(new Set(ids));
    for (let a = 0; a < ALERTS; a++) {
      const seqs = got.map((g) => ingested.get(eventOf(g.body))!).filter((e) => e.key === `alert-${a}`).map((e) => e.seq);
      expect(seqs).toEqual([EVENTS_PER_ALERT, EVENTS_PER_ALERT + 1]);
    }
    for (const g of got) expect(g.at).toBeLessThan(ingested.get(eventOf(g.body))!.at + TIMEOUT_MS);
    // Nothing was sent to the healthy receiver twice, and no redirect was followed to it.
    expect(receivers.healthy.received.map((r) => r.url).every((u) => u === '/hook')).toBe(true);
    expect(new Set(receivers.healthy.received.map((r) => eventOf(r.body))).size).toBe(receivers.healthy.received.length);
    // Each recorded as succeeded at the first attempt (the record follows the receiver's answer).
    const healthy = await until(async () => {
      const items = await deliveriesOf('healthy');
      return items.every((d) => d.status === 'succeeded') ? items : undefined;
    }, 5_000, 'healthy deliveries recorded');
    expect(healthy).toHaveLength(ingested.size);
    expect(healthy.every((d) => d.attempt_count === 1)).toBe(true);
  });

  it('500: every attempt recorded with status and the first 8 KiB of the body, retried on the schedule, then dead', async () => {
    const d = await firstDelivery('fail500', (x) => x.status === 'dead');
    expect(d).toMatchObject({ attempt_count: SCHEDULE.length, dead_reason: `retries exhausted after ${SCHEDULE.length} attempts`, next_attempt_at: null });
    for (const a of d.attempts) {
      expect(a.response.status).toBe(500);
      expect(a.response.body).toBe('e'.repeat(DELIVERY_RESPONSE_BODY_MAX));
      expect(a).toMatchObject({ error_class: null, error: null });
    }
    for (let i = 1; i < d.attempts.length; i++) {
      expect(Date.parse(d.attempts[i].at) - Date.parse(d.attempts[i - 1].at)).toBeGreaterThanOrEqual(RETRY_S * 1000);
    }
    // Per alert order on the failing destination too: the alert's second event waited for the first to die.
    const same = (await deliveriesOf('fail500')).filter((x) => x.alert_id === d.alert_id).reverse();
    expect(same[0].id).toBe(d.id);
    const second = await until(async () => {
      const x = await full(same[1].id);
      return x.attempts.length ? x : undefined;
    }, 10_000, "the alert's second delivery attempted");
    expect(Date.parse(second.attempts[0].at)).toBeGreaterThanOrEqual(Date.parse(d.attempts[d.attempts.length - 1].at));
  });

  it('429: the next attempt honours Retry-After over the shorter schedule, and a huge one is clamped to 1 h', async () => {
    const items = await until(async () => {
      const all = await Promise.all((await deliveriesOf('limited')).map((x) => full(x.id)));
      const hit = all.filter((x) => x.attempts.some((a: any) => a.response?.status === 429));
      return hit.length === 2 ? hit : undefined;
    }, 10_000, 'two 429 answers recorded');
    const byRetryAfter = (v: string) => items.find((x) => x.attempts[0].response.headers['retry-after'] === v);
    const short = byRetryAfter('2');
    const huge = byRetryAfter('86400');
    const ended = (a: any) => Date.parse(a.at) + a.duration_ms;
    // Retry-After: 2 beats the 0.5 s schedule; the second attempt went out no sooner.
    const shortDone = await until(async () => {
      const x = await full(short.id);
      return x.status === 'succeeded' ? x : undefined;
    }, 10_000, 'the Retry-After: 2 delivery succeeded');
    expect(shortDone.attempts.map((a: any) => a.response.status)).toEqual([429, 200]);
    expect(Date.parse(shortDone.attempts[1].at) - Date.parse(shortDone.attempts[0].at)).toBeGreaterThanOrEqual(2_000);
    // Retry-After: 86400 is clamped to RETRY_AFTER_MAX_S: still pending, due in about an hour.
    const hugeNow = await full(huge.id);
    expect(hugeNow).toMatchObject({ status: 'pending', attempt_count: 1 });
    const wait = Date.parse(hugeNow.next_attempt_at) - ended(hugeNow.attempts[0]);
    expect(wait).toBeGreaterThanOrEqual(RETRY_AFTER_MAX_S * 1000 - 5);
    expect(wait).toBeLessThanOrEqual(RETRY_AFTER_MAX_S * 1000 + 5_000);
  });

  it('hang: the attempt is cut at the timeout, recorded as a timeout with no response, and retried', async () => {
    const d = await firstDelivery('hang', (x) => x.attempt_count >= 2, TIMEOUT_MS * 4);
    for (const a of d.attempts) {
      expect(a).toMatchObject({ response: null, error_class: 'timeout', error: `no complete response within ${TIMEOUT_MS} ms` });
      expect(a.duration_ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    }
    expect(d.status).toBe('pending');
  });

  it('connection closed mid-response: a failure, recording the status and the bytes that arrived', async () => {
    const d = await firstDelivery('cut', (x) => x.attempt_count >= 1);
    const [a] = d.attempts;
    expect(a.response).toMatchObject({ status: 200, body: 'c'.repeat(10) });
    expect(a.error_class).toBe('connection');
    expect(a.error).toEqual(expect.any(String));
    expect(d.status).not.toBe('succeeded');
  });

  it('302 and 307: not followed, each attempt a failure naming the Location, until the delivery is dead', async () => {
    for (const [name, status] of [['redirect302', 302], ['redirect307', 307]] as const) {
      const d = await firstDelivery(name, (x) => x.status === 'dead');
      expect(d.attempts).toHaveLength(SCHEDULE.length);
      for (const a of d.attempts) {
        expect(a.response.status).toBe(status);
        expect(a.error).toBe(`redirect not followed (Location: ${receivers.healthy.url}/stolen-${status})`);
      }
    }
    expect(receivers.healthy.received.filter((r) => r.url.startsWith('/stolen'))).toEqual([]);
  });

  it('byte by byte: a trickle past the deadline is a timeout keeping what arrived; a slow answer within it succeeds', async () => {
    const d = await firstDelivery('trickle', (x) => x.attempt_count >= 1, TIMEOUT_MS * 3);
    const [a] = d.attempts;
    expect(a.error_class).toBe('timeout');
    expect(a.response.status).toBe(200);
    // Some bytes arrived before the deadline, not all 100: the whole answer is bounded, not each byte.
    expect(a.response.body).toMatch(/^t+$/);
    expect(a.response.body.length).toBeLessThan(100);
    expect(d.status).not.toBe('succeeded');

    const ok = await firstDelivery('slowOk', (x) => x.status === 'succeeded');
    expect(ok.attempts).toHaveLength(1);
    expect(ok.attempts[0].response).toMatchObject({ status: 200, body: 's'.repeat(10) });
    expect(ok.attempts[0].duration_ms).toBeGreaterThanOrEqual(9 * 50 - 10);
  });
});
