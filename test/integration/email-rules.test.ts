// SMTP settings with a test e-mail, e-mail destinations, failure notices once per quiet
// period, and rules with their dry run — against a real SMTP server on 127.0.0.1.
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness';
import { startReceiver } from '../helpers/receiver';
import { startSmtpServer, type SmtpSink } from '../helpers/smtp';
import { until } from '../helpers/wait';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  // The appliance first: its pooled SMTP connection would hold the server's close.
  for (const c of cleanups.splice(0)) await c();
});

async function smtp(): Promise<SmtpSink> {
  const sink = await startSmtpServer();
  cleanups.push(() => sink.close());
  return sink;
}

async function app(extra: Parameters<typeof startHarness>[0] = {}): Promise<Harness> {
  const h = await startHarness({ tickMs: 0, delivery: { retrySchedule: [0, 0.1, 0.1, 0.1, 0.1], jitter: 0, failureQuietPeriodS: 60 }, ...extra });
  cleanups.push(() => h.stop());
  return h;
}

describe('SMTP and e-mail', () => {
  it('saves SMTP settings with the password never shown, and sends a test e-mail', async () => {
    const h = await app();
    const server = await smtp();
    const saved = await h.http('PUT', '/api/settings/smtp', { body: { host: '127.0.0.1', port: server.port, from: 'switchyard@example.com', user: 'u', password: 'smtp-secret-pw' } });
    expect(saved.status).toBe(200);
    expect(saved.json.smtp.password).toBe('***');
    const settings = await h.http('GET', '/api/settings');
    expect(settings.text).not.toContain('smtp-secret-pw');
    // Changing other fields keeps the saved password.
    await h.http('PUT', '/api/settings/smtp', { body: { host: '127.0.0.1', port: server.port, from: 'switchyard@example.com' } });
    expect((await h.http('GET', '/api/settings')).json.smtp.password).toBe('***');
    const test = await h.http('POST', '/api/settings/smtp/test', { body: { to: 'ops@example.com' } });
    expect(test.status).toBe(200);
    const [mail] = await server.waitFor(1);
    expect(mail.to).toEqual(['ops@example.com']);
    expect(mail.raw).toContain('Subject: [Switchyard] Test e-mail');
  });

  it('says clearly when SMTP is not set or unreachable', async () => {
    const h = await app();
    expect((await h.http('POST', '/api/settings/smtp/test', { body: { to: 'ops@example.com' } })).json).toEqual({ errors: ['smtp: not configured; PUT /api/settings/smtp first'] });
    await h.http('PUT', '/api/settings/smtp', { body: { host: '127.0.0.1', port: 1, from: 'switchyard@example.com' } });
    const res = await h.http('POST', '/api/settings/smtp/test', { body: { to: 'ops@example.com' } });
    expect(res.status).toBe(502);
    expect(res.json.errors[0]).toMatch(/^smtp: .*connection refused/);
  });

  it('delivers an enriched e-mail destination with retries and history like any other', async () => {
    const h = await app();
    const server = await smtp();
    await h.http('PUT', '/api/settings/smtp', { body: { host: '127.0.0.1', port: server.port, from: 'switchyard@example.com' } });
    const dest = await h.http('POST', '/api/destinations', { body: { name: 'mail ops', kind: 'email', email_to: 'ops@example.com', email_enriched: true, event_type: ['security_event'] } });
    expect(dest.status).toBe(201);
    expect((await h.http('POST', '/api/destinations', { body: { name: 'no to', kind: 'email' } })).json).toEqual({ errors: ['email_to: is required for an email destination'] });
    await h.http('POST', '/v1/ingest/generic', { body: { title: 'mail me', severity: 'High', description: 'the body text', tags: ['svc:a'] } });
    const [mail] = await server.waitFor(1);
    expect(mail.to).toEqual(['ops@example.com']);
    expect(mail.raw).toContain('[HIGH] mail me');
    expect(mail.raw).toContain('the body text');
    // The mail arrives just before its outcome is recorded.
    const delivered = await until(async () => (await h.http('GET', `/api/deliveries?destination=${dest.json.id}&status=succeeded`)).json.items[0]);
    expect(delivered).toMatchObject({ status: 'succeeded', attempt_count: 1 });
  });

  it('e-mails email_for_error once per quiet period however often the destination fails', async () => {
    const h = await app();
    const server = await smtp();
    await h.http('PUT', '/api/settings/smtp', { body: { host: '127.0.0.1', port: server.port, from: 'switchyard@example.com' } });
    const failing = await startReceiver([], { status: 500 });
    cleanups.push(() => failing.close());
    await h.http('POST', '/api/destinations', { body: { name: 'flaky hook', kind: 'webhook', uri: failing.url, email_for_error: 'oncall@example.com', event_type: ['security_event'] } });
    await h.http('POST', '/v1/ingest/generic', { body: { title: 'will fail' } });
    await failing.waitFor(5);
    const [notice] = await server.waitFor(1);
    expect(notice.to).toEqual(['oncall@example.com']);
    expect(notice.raw).toContain('flaky hook');
    await new Promise((r) => setTimeout(r, 300));
    expect(server.mails).toHaveLength(1);
  });
});

describe('rules', () => {
  it('sends matching events to the rule\'s destination only, and a dry run lists what would have fired', async () => {
    const h = await app();
    const r = await startReceiver();
    cleanups.push(() => r.close());
    // Subscribed to incidents only: generic events reach it through the rule alone.
    const dest = (await h.http('POST', '/api/destinations', { body: { name: 'severe hook', kind: 'webhook', uri: r.url, event_type: ['security_incident'] } })).json;
    const bad = await h.http('POST', '/api/rules', { body: { name: 'x', conditions: {}, actions: [{ type: 'destination', destination_id: 'nope' }] } });
    expect(bad.status).toBe(400);
    expect(bad.json.errors).toContain('actions[0].destination_id: no destination "nope"');
    const rule = await h.http('POST', '/api/rules', { body: { name: 'high to hook', conditions: { severity: ['high', 'critical'] }, actions: [{ type: 'destination', destination_id: dest.id }, { type: 'in_app' }] } });
    expect(rule.status).toBe(201);
    await h.http('POST', '/v1/ingest/generic', { body: { title: 'quiet one', severity: 'Low' } });
    await h.http('POST', '/v1/ingest/generic', { body: { title: 'loud one', severity: 'Critical' } });
    const [got] = await r.waitFor(1);
    expect(JSON.parse(got.body)[0].title).toBe('loud one');
    await new Promise((res) => setTimeout(res, 200));
    expect(r.received).toHaveLength(1);
    expect((await h.http('GET', '/api/notifications')).json.items.map((n: any) => n.title)).toEqual(['loud one']);

    const dry = await h.http('POST', '/api/rules/dry-run', { body: { rule: { name: 'draft', conditions: { text: 'one' }, actions: [{ type: 'destination', destination_id: dest.id }] }, last: 10 } });
    expect(dry.status).toBe(200);
    expect(dry.json.evaluated).toBe(2);
    expect(dry.json.matched.map((m: any) => m.title)).toEqual(['loud one', 'quiet one']);
    expect(dry.json.matched[0].actions).toEqual(['destination "severe hook"']);
  });

  it("e-mails a rule's e-mail action through the delivery engine", async () => {
    const h = await app();
    const server = await smtp();
    await h.http('PUT', '/api/settings/smtp', { body: { host: '127.0.0.1', port: server.port, from: 'switchyard@example.com' } });
    const rule = await h.http('POST', '/api/rules', { body: { name: 'criticals by mail', conditions: { severity: ['critical'] }, actions: [{ type: 'email', to: 'lead@example.com' }] } });
    expect(rule.status).toBe(201);
    await h.http('POST', '/v1/ingest/generic', { body: { title: 'page the lead', severity: 'Critical' } });
    const [mail] = await server.waitFor(1);
    expect(mail.to).toEqual(['lead@example.com']);
    expect(mail.raw).toContain('[CRITICAL] page the lead');
    const delivery = await until(async () => (await h.http('GET', '/api/deliveries?status=succeeded')).json.items[0]);
    expect(delivery).toMatchObject({ destination_id: `rule:${rule.json.id}:email:0`, status: 'succeeded' });
    expect((await h.http('GET', '/api/settings')).json.outgoing).toMatchObject({ allow_private: true, always_refused: expect.arrayContaining(['fd00:ec2::254']) });
  });
});
