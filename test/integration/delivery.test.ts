// Deliveries to real local receivers: retries, Retry-After, isolation, order, restart,
// signatures, history with masked secrets, redeliver, test send, and the request bin.
import { createHmac } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { DESTINATIONS_MAX } from '../../src-main/limits';
import { fixture, startHarness, tempDir, type Harness } from '../helpers/harness';
import { useDeliveryApps } from '../helpers/delivery-apps';
import { hecValues, splunkHecAnswer } from '../helpers/splunk-hec-receiver';
import { until } from '../helpers/wait';

const { app, receiver, defer } = useDeliveryApps();
async function webhook(h: Harness, uri: string, extra: Record<string, unknown> = {}) {
  const res = await h.http('POST', '/api/destinations', { body: { name: `hook ${uri}`, kind: 'webhook', uri, event_type: ['security_event'], ...extra } });
  expect(res.status).toBe(201);
  return res.json;
}
const deliveryOf = async (h: Harness, status: string) =>
  until(async () => (await h.http('GET', `/api/deliveries?status=${status}`)).json.items[0]);

describe('destinations', () => {
  it('takes the Armor notification fixture, masks secrets, refuses CR/LF headers and a 26th destination', async () => {
    const h = await app();
    const body = await fixture('notification-config.json');
    const created = await h.http('POST', '/v1/accounts/default/notifications', { body });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ kind: 'webhook', uri: 'http://127.0.0.1:9999/hooks/splunk', email_for_error: 'oncall@example.com', event_type: ['security_incident'] });
    expect(created.json.headers).toEqual([{ key: 'Authorization', value: 'Splunk ***' }]);
    expect(created.json.signing_secret).toMatch(/^whsec_/);
    const listed = await h.http('GET', '/api/destinations');
    expect(listed.text).not.toContain('hec_access_token');
    expect(listed.json.items[0].signing_secret).toBe('whsec_***');

    const crlf = await h.http('POST', '/api/destinations', { body: { name: 'bad', kind: 'webhook', uri: 'http://127.0.0.1:1/', headers: [{ key: 'X-Evil', value: 'a\r\nInjected: yes' }] } });
    expect(crlf.status).toBe(400);
    expect(crlf.json.errors).toContain('headers[0].value: must not contain CR or LF');

    for (let i = 1; i < DESTINATIONS_MAX; i++) expect((await h.http('POST', '/api/destinations', { body: { name: `d${i}`, kind: 'in_app' } })).status).toBe(201);
    const over = await h.http('POST', '/api/destinations', { body: { name: 'one too many', kind: 'in_app' } });
    expect(over.status).toBe(400);
    expect(over.json).toEqual({ errors: [`destinations: at most ${DESTINATIONS_MAX} per organization`] });
  });
});

describe('delivery engine', () => {
  it('retries 500, 500 then succeeds on 200, recording three attempts with secrets masked; signed per Standard Webhooks', async () => {
    const h = await app();
    const r = await receiver([{ status: 500 }, { status: 500 }], { status: 200 });
    const dest = await webhook(h, `${r.url}/hook`, { headers: [{ key: 'Authorization', value: 'Bearer receiver-secret' }] });
    const ev = (await h.http('POST', '/v1/ingest/generic', { body: { title: 'deliver me', severity: 'High' } })).json;
    const done = await deliveryOf(h, 'succeeded');
    const full = (await h.http('GET', `/api/deliveries/${done.id}`)).json;
    expect(full).toMatchObject({ destination_id: dest.id, event_id: ev.event_id, alert_id: ev.alert_id, status: 'succeeded', attempt_count: 3 });
    expect(full.attempts.map((a: any) => a.response.status)).toEqual([500, 500, 200]);
    expect(full.attempts[0].request.headers.Authorization).toBe('Bearer ***');
    expect(JSON.stringify(full)).not.toContain('receiver-secret');

    const [first] = await r.waitFor(3);
    expect(first.headers.authorization).toBe('Bearer receiver-secret');
    const payload = JSON.parse(first.body);
    expect(payload[0]).toMatchObject({ event_uuid: ev.event_id, title: 'deliver me', severity: 'high' });
    // Independent Standard Webhooks verification.
    const key = Buffer.from(dest.signing_secret.slice('whsec_'.length), 'base64');
    const signed = `${first.headers['webhook-id']}.${first.headers['webhook-timestamp']}.${first.body}`;
    expect(first.headers['webhook-signature']).toBe(`v1,${createHmac('sha256', key).update(signed).digest('base64')}`);
    expect(first.headers['webhook-id']).toBe(done.id);
  });

  it('waits at least Retry-After before the next attempt after a 429', async () => {
    const h = await app();
    const r = await receiver([{ status: 429, headers: { 'retry-after': '2' } }], { status: 200 });
    await webhook(h, r.url);
    await h.http('POST', '/v1/ingest/generic', { body: { title: 'rate limited' } });
    const [a, b] = await r.waitFor(2, 8000);
    expect(b.at - a.at).toBeGreaterThanOrEqual(1900);
  });

  it('does not let a destination that never answers delay another one', async () => {
    const h = await app({ delivery: { retrySchedule: [0, 5], jitter: 0, timeoutMs: 3000 } });
    const dead = await receiver([], 'hang');
    const healthy = await receiver();
    await webhook(h, dead.url);
    await webhook(h, healthy.url);
    const sent = Date.now();
    for (let i = 0; i < 3; i++) await h.http('POST', '/v1/ingest/generic', { body: { title: `isolation ${i}` } });
    const got = await healthy.waitFor(3, 2500);
    expect(got[2].at - sent).toBeLessThan(2500);
    expect(dead.received.length).toBeGreaterThanOrEqual(1);
  });

  it("delivers an alert's events to a destination in order", async () => {
    const h = await app();
    const r = await receiver([{ status: 500 }], { status: 200 });
    await webhook(h, r.url);
    const open = await fixture('event-open.json');
    for (let i = 0; i < 4; i++) await h.http('POST', '/v1/ingest/event', { body: { ...open, body: `n=${i}` } });
    const got = await r.waitFor(5);
    const bodies = got.map((g) => JSON.parse(g.body)[0].body);
    // The first failed once and was retried before any later one went out.
    expect(bodies).toEqual(['n=0', 'n=0', 'n=1', 'n=2', 'n=3']);
  });

  it('delivers after a restart a delivery that was pending when the appliance stopped', async () => {
    const dir = await tempDir();
    defer(() => rm(dir, { recursive: true, force: true }));
    const down = await receiver([], { status: 503 });
    const delivery = { retrySchedule: [0, 1], jitter: 0 };
    const first = await startHarness({ dir, tickMs: 0, delivery });
    await webhook(first, down.url);
    const ev = (await first.http('POST', '/v1/ingest/generic', { body: { title: 'survive me' } })).json;
    await until(async () => ((await first.http('GET', '/api/deliveries')).json.items[0]?.attempt_count === 1 ? true : undefined));
    await first.stop();
    const port = Number(new URL(down.url).port);
    await down.close();
    const up = await receiver([], { status: 200 }, port);
    const second = await app({ dir, delivery });
    const [got] = await up.waitFor(1, 5000);
    expect(JSON.parse(got.body)[0].event_uuid).toBe(ev.event_id);
    const done = await deliveryOf(second, 'succeeded');
    expect(done).toMatchObject({ event_id: ev.event_id, attempt_count: 2 });
  });

  it('redelivers by hand, sends a test, and fills the built-in request bin', async () => {
    const h = await app();
    const binUrl = `${h.app.url}/bin/demo`;
    const dest = await webhook(h, binUrl);
    await h.http('POST', '/v1/ingest/generic', { body: { title: 'to the bin' } });
    const done = await deliveryOf(h, 'succeeded');
    const bin = await until(async () => {
      const items = (await h.http('GET', '/api/bins/demo')).json.items;
      return items.length ? items : undefined;
    });
    expect(JSON.parse(bin[0].body)[0].title).toBe('to the bin');
    const again = await h.http('POST', `/api/deliveries/${done.id}/redeliver`);
    expect(again.status).toBe(202);
    const test = await h.http('POST', `/api/destinations/${dest.id}/test`);
    expect(test.status).toBe(202);
    const items = await until(async () => {
      const list = (await h.http('GET', '/api/bins/demo')).json.items;
      return list.length >= 3 ? list : undefined;
    });
    expect(items.some((i: any) => JSON.parse(i.body)[0].test === true)).toBe(true);
    expect((await h.http('GET', `/api/deliveries?destination=${dest.id}`)).json.items.map((d: any) => d.origin).sort()).toEqual(['event', 'redeliver', 'test']);
  });

  it('opens the circuit after repeated failures, probes with backoff, and closes on a probe success', async () => {
    const h = await app({ delivery: { retrySchedule: [0, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05], jitter: 0, circuit: { threshold: 2, backoffMinMs: 400, backoffMaxMs: 1000 } } });
    const r = await receiver([{ status: 500 }, { status: 500 }], { status: 200 });
    const dest = await webhook(h, r.url);
    await h.http('POST', '/v1/ingest/generic', { body: { title: 'breaker' } });
    await r.waitFor(2);
    const open = await until(async () => {
      const d = (await h.http('GET', `/api/destinations/${dest.id}`)).json;
      return d.circuit.state === 'open' ? d : undefined;
    });
    expect(open.circuit).toMatchObject({ failures: 2, next_probe_at: expect.any(String) });
    const [, second, probe] = await r.waitFor(3, 5000);
    // The probe waited for the backoff, not the 50 ms retry schedule.
    expect(probe.at - second.at).toBeGreaterThanOrEqual(350);
    const closed = await until(async () => {
      const d = (await h.http('GET', `/api/destinations/${dest.id}`)).json;
      return d.circuit.state === 'closed' && d.recent_deliveries[0].status === 'succeeded' ? d : undefined;
    });
    expect(closed.recent_deliveries[0]).toMatchObject({ status: 'succeeded', attempt_count: 3 });
    expect(closed.circuit.failures).toBe(0);
  });
});

describe('payload formats', () => {
  it('sends the Sekoia-style envelope for an alert, and HEC envelopes with the token to a splunk_hec destination', async () => {
    const h = await app();
    const r = await receiver();
    await webhook(h, r.url, { format: 'envelope' });
    const hec = await h.http('POST', '/api/destinations', { body: { name: 'hec', kind: 'splunk_hec', uri: `${r.url}/services/collector/event`, token: 'hec-token-1', event_type: ['security_event'] } });
    expect(hec.json.token).toBe('***');
    const ev = (await h.http('POST', '/v1/ingest/generic', { body: { title: 'formats', occurred_at: '2026-11-01T10:00:00Z' } })).json;
    const alert = (await h.http('GET', `/api/alerts/${ev.alert_id}`)).json;
    const got = await r.waitFor(2);
    const envelope = got.find((g) => JSON.parse(g.body).type === 'alert')!;
    expect(JSON.parse(envelope.body)).toEqual({
      type: 'alert', action: 'created',
      // url: the alert's page; api_url: the full alert for a read key (links use the public URL, here the address served).
      attributes: { uuid: alert.id, short_id: alert.short_id, event_uuid: ev.event_id, url: `${h.app.url}/#/alerts/${alert.id}`, api_url: `${h.app.url}/v1/alerts/${alert.id}` },
      metadata: { version: 2, created_at: expect.any(String), community_uuid: (await h.http('GET', '/api/session')).json.organization.id, avatar_uuid: null, user_uuid: null, permissions: [] },
    });
    const splunk = got.find((g) => g.headers.authorization === 'Splunk hec-token-1')!;
    const [wrapped] = hecValues(splunk.body).values;
    expect(wrapped).toMatchObject({ time: Date.parse('2026-11-01T10:00:00Z') / 1000, sourcetype: '_json', event: { event_uuid: ev.event_id, title: 'formats' } });
  });

  it('sends a splunk_hec destination envelopes back to back, which a Splunk HEC accepts; a webhook in splunk format keeps Armor\'s array', async () => {
    const h = await app();
    const hec = await receiver([], splunkHecAnswer);
    const armor = await receiver();
    const dest = (await h.http('POST', '/api/destinations', { body: { name: 'splunk', kind: 'splunk_hec', uri: `${hec.url}/services/collector/event`, token: 'hec-token-2', event_type: ['security_event'] } })).json;
    await webhook(h, `${armor.url}/armor`, { format: 'splunk' });
    const ev = (await h.http('POST', '/v1/ingest/generic', { body: { title: 'to splunk' } })).json;
    const [sent] = await hec.waitFor(1);
    expect(sent.body.trimStart().startsWith('{')).toBe(true);
    expect(hecValues(sent.body)).toEqual({ values: [expect.objectContaining({ sourcetype: '_json', event: expect.objectContaining({ event_uuid: ev.event_id, title: 'to splunk' }) })], error: null });
    const done = await until(async () => {
      const d = (await h.http('GET', `/api/deliveries?destination=${dest.id}`)).json.items[0];
      return d?.status === 'succeeded' ? (await h.http('GET', `/api/deliveries/${d.id}`)).json : undefined;
    });
    expect(done.attempts[0]).toMatchObject({ response: { status: 200, body: '{"text":"Success","code":0}' }, error: null });
    // Armor's webhook splunk format is a JSON array, which a Splunk HEC itself would refuse.
    const [toArmor] = await armor.waitFor(1);
    expect(JSON.parse(toArmor.body)).toEqual([expect.objectContaining({ sourcetype: '_json', event: expect.objectContaining({ title: 'to splunk' }) })]);
    expect(splunkHecAnswer(toArmor)).toEqual({ status: 400, body: '{"text":"Invalid data format","code":6,"invalid-event-number":0}' });
  });

  it('records a Splunk HEC\'s {"text","code"} refusal as the attempt\'s error', async () => {
    const h = await app();
    const hec = await receiver([], { status: 400, body: '{"text":"Incorrect index","code":7}' });
    const dest = (await h.http('POST', '/api/destinations', { body: { name: 'splunk', kind: 'splunk_hec', uri: `${hec.url}/services/collector/event`, token: 't', event_type: ['security_event'] } })).json;
    await h.http('POST', '/v1/ingest/generic', { body: { title: 'wrong index' } });
    const failed = await until(async () => {
      const d = (await h.http('GET', `/api/deliveries?destination=${dest.id}`)).json.items[0];
      const full = d && d.attempt_count > 0 ? (await h.http('GET', `/api/deliveries/${d.id}`)).json : undefined;
      return full?.attempts.length ? full : undefined;
    });
    expect(failed.attempts[0]).toMatchObject({ response: { status: 400, body: '{"text":"Incorrect index","code":7}' }, error: 'HEC code 7 (Incorrect index)', error_class: null });
  });
});

describe('in-app notifications', () => {
  it('rings the bell for an in_app destination and marks notifications read', async () => {
    const h = await app();
    await h.http('POST', '/api/destinations', { body: { name: 'bell', kind: 'in_app', event_type: ['security_event'] } });
    const ev = (await h.http('POST', '/v1/ingest/generic', { body: { title: 'ring', severity: 'Critical' } })).json;
    const list = (await h.http('GET', '/api/notifications')).json;
    expect(list.unread).toBe(1);
    expect(list.items[0]).toMatchObject({ title: 'ring', severity: 'critical', event_id: ev.event_id, alert_id: ev.alert_id, read_at: null, link: `#/alerts/${ev.alert_id}` });
    expect((await h.http('POST', '/api/notifications/read', { body: {} })).status).toBe(400);
    expect((await h.http('POST', '/api/notifications/read', { body: { all: true } })).json).toEqual({ marked: 1, unread: 0 });
    expect((await h.http('GET', '/api/notifications?unread=true')).json.items).toEqual([]);
  });
});
