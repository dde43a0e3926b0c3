// The public URL is the base of every link sent out: e-mails received by a real SMTP server,
// chat messages and webhook envelopes received by local receivers, source URLs and the
// OpenAPI `servers`. Without one, links use the address served.
import { describe, expect, it } from 'vitest';
import { PUBLIC_URL_MAX } from '../../src-main/limits';
import type { Harness } from '../helpers/harness';
import { useDeliveryApps } from '../helpers/delivery-apps';
import type { Receiver } from '../helpers/receiver';
import { mailText, startSmtpServer, type SmtpSink } from '../helpers/smtp';

const { app, receiver, defer } = useDeliveryApps();
const PUBLIC = 'https://switchyard.example.test/hub';

/** Started before the appliance, so it closes after it (cleanups run in reverse): the appliance's pooled connection would hold the close. */
async function smtp(): Promise<SmtpSink> {
  const sink = await startSmtpServer();
  defer(() => sink.close());
  return sink;
}

async function useSmtp(h: Harness, sink: SmtpSink): Promise<void> {
  expect((await h.http('PUT', '/api/settings/smtp', { body: { host: '127.0.0.1', port: sink.port, from: 'switchyard@example.com' } })).status).toBe(200);
}

async function destination(h: Harness, body: Record<string, unknown>) {
  const res = await h.http('POST', '/api/destinations', { body: { event_type: ['security_event'], ...body } });
  expect(res.status, res.text).toBe(201);
  return res.json;
}

/** One destination of every kind that carries a link, each to its own receiver path. */
async function everyKind(h: Harness, r: Receiver) {
  for (const kind of ['slack', 'mattermost', 'teams']) await destination(h, { name: kind, kind, uri: `${r.url}/${kind}` });
  await destination(h, { name: 'envelope', kind: 'webhook', format: 'envelope', uri: `${r.url}/envelope` });
  await destination(h, { name: 'mail', kind: 'email', email_to: 'soc@example.com', email_enriched: false });
}

async function ingest(h: Harness, title: string): Promise<{ event_id: string; alert_id: string }> {
  const res = await h.http('POST', '/v1/ingest/generic', { body: { title, severity: 'High' } });
  expect(res.status).toBe(202);
  return res.json;
}

const byPath = (r: Receiver, path: string) => r.received.find((x) => x.url === path)!;

/** Every link the appliance sent out for one alert starts with `base`. */
async function expectLinksFrom(h: Harness, r: Receiver, mail: SmtpSink, base: string, title: string) {
  const { alert_id } = await ingest(h, title);
  const alertLink = `${base}/#/alerts/${alert_id}`;
  const before = r.received.length;
  await r.waitFor(before + 4);
  const [sent] = (await mail.waitFor(mail.mails.length + 1)).slice(-1);
  for (const kind of ['slack', 'mattermost', 'teams']) expect(r.received.slice(before).find((x) => x.url === `/${kind}`)!.body, kind).toContain(JSON.stringify(alertLink).slice(1, -1));
  const envelope = JSON.parse(r.received.slice(before).find((x) => x.url === '/envelope')!.body);
  expect(envelope.attributes).toMatchObject({ uuid: alert_id, url: alertLink, api_url: `${base}/v1/alerts/${alert_id}` });
  expect(mailText(sent.raw)).toContain(alertLink);
  expect((await h.http('GET', '/openapi.json', { key: null })).json.servers).toEqual([{ url: base, description: 'this appliance' }]);
}

describe('public URL', () => {
  it('from SWITCHYARD_PUBLIC_URL: in e-mails, chat messages, envelopes, failure notices, source URLs and OpenAPI servers; its host is served', async () => {
    const mail = await smtp();
    const h = await app({ publicUrl: PUBLIC });
    await useSmtp(h, mail);
    const r = await receiver();
    await everyKind(h, r);
    await expectLinksFrom(h, r, mail, PUBLIC, 'linked from elsewhere');
    expect(byPath(r, '/slack')).toBeDefined();

    // A failing destination's notice links to the delivery under the public URL.
    const failing = await receiver([], { status: 500 });
    await destination(h, { name: 'failing', kind: 'webhook', uri: failing.url, email_for_error: 'oncall@example.com' });
    await ingest(h, 'fails');
    await failing.waitFor(1);
    const notice = await (async () => {
      for (let i = 0; i < 200; i++) {
        const found = mail.mails.find((m) => m.to.includes('oncall@example.com'));
        if (found) return found;
        await new Promise((res) => setTimeout(res, 25));
      }
      throw new Error('no failure notice arrived');
    })();
    expect(mailText(notice.raw)).toMatch(new RegExp(`Details: ${PUBLIC.replace(/[.]/g, '\\.')}/#/deliveries/[0-9a-f-]{36}`));

    // Source URLs handed out for other tools to call.
    const source = await h.http('POST', '/api/sources', { body: { name: 'Hooked', dialect: 'generic', url_token: true } });
    expect(source.json.ingest_url).toBe(`${PUBLIC}/v1/ingest/generic`);
    expect(source.json.hook_url).toMatch(new RegExp(`^${PUBLIC.replace(/[.]/g, '\\.')}/v1/hooks/`));

    // Requests that arrive under the public URL's name (a proxy that keeps the Host header) are answered.
    expect((await h.http('GET', '/healthz', { key: null, headers: { host: 'switchyard.example.test' } })).status).toBe(200);
    expect((await h.http('GET', '/healthz', { key: null, headers: { host: 'elsewhere.example.test' } })).status).toBe(403);
    expect((await h.http('GET', '/api/settings')).json.public_url).toEqual({ saved: null, environment: PUBLIC, served: h.app.url, effective: PUBLIC });
  });

  it('without one, links use the address served; a URL saved in Settings replaces it at once, and removing it goes back', async () => {
    const mail = await smtp();
    const h = await app();
    await useSmtp(h, mail);
    const r = await receiver();
    await everyKind(h, r);
    await expectLinksFrom(h, r, mail, h.app.url, 'served address');

    const saved = await h.http('PUT', '/api/settings/public-url', { body: { public_url: 'https://alerts.example.test:8443/switchyard/' } });
    expect(saved.status).toBe(200);
    expect(saved.json.public_url).toEqual({ saved: 'https://alerts.example.test:8443/switchyard', environment: null, served: h.app.url, effective: 'https://alerts.example.test:8443/switchyard' });
    await expectLinksFrom(h, r, mail, 'https://alerts.example.test:8443/switchyard', 'saved public URL');
    expect((await h.http('GET', '/api/settings')).json.public_url.effective).toBe('https://alerts.example.test:8443/switchyard');

    expect((await h.http('PUT', '/api/settings/public-url', { body: { public_url: null } })).json.public_url.effective).toBe(h.app.url);
    await expectLinksFrom(h, r, mail, h.app.url, 'back to the served address');
  });

  it('a URL saved in Settings wins over SWITCHYARD_PUBLIC_URL', async () => {
    const h = await app({ publicUrl: PUBLIC });
    await h.http('PUT', '/api/settings/public-url', { body: { public_url: 'http://hub.lan:8080' } });
    expect((await h.http('GET', '/openapi.json', { key: null })).json.servers[0].url).toBe('http://hub.lan:8080');
    expect((await h.http('GET', '/api/settings')).json.public_url).toMatchObject({ saved: 'http://hub.lan:8080', environment: PUBLIC, effective: 'http://hub.lan:8080' });
  });

  it('refuses what cannot be a link base, naming the problem, and changes nothing', async () => {
    const h = await app();
    for (const [value, error] of [
      ['ftp://files.example.test', 'public_url: must be an http or https URL'],
      ['switchyard.example.test', 'public_url: "switchyard.example.test" is not an absolute URL (e.g. https://switchyard.example.com)'],
      ['https://user:pw@switchyard.example.test', 'public_url: must not carry a user name or password'],
      ['https://switchyard.example.test/?a=1', 'public_url: must not have a query or fragment (links are built by appending paths to it)'],
      ['https://switchyard.example.test/#/x', 'public_url: must not have a query or fragment (links are built by appending paths to it)'],
      [`https://x.test/${'a'.repeat(PUBLIC_URL_MAX)}`, `public_url: longer than ${PUBLIC_URL_MAX} characters`],
      [42, 'public_url: must be a string or null'],
    ] as const) {
      const res = await h.http('PUT', '/api/settings/public-url', { body: { public_url: value } });
      expect(res.status, String(value)).toBe(400);
      expect(res.json.errors).toEqual([error]);
    }
    expect((await h.http('PUT', '/api/settings/public-url', { body: {} })).json.errors).toEqual(['public_url: is required']);
    expect((await h.http('GET', '/api/settings')).json.public_url.saved).toBeNull();
  });
});

