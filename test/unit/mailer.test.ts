// Mailer against a real SMTP server on 127.0.0.1 (smtp-server, no STARTTLS): event e-mails,
// failure notices with the quiet period and digest (fake clock), verify() errors, masking.
import { createServer, type AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAILURE_QUIET_PERIOD_S } from '../../src-main/limits';
import {
  createMailer, eventEmail, FailureNotifier, failureNotice, maskSmtp, type Mailer, type MailMessage, type SendMailResult, type SmtpSettings,
} from '../../src-main/delivery/mailer';
import { normalizedEvent } from '../helpers/ingest-fixtures';

interface Received { from: string; to: string[]; raw: string }

const received: Received[] = [];
let server: SMTPServer;
let port = 0;
let mailer: Mailer;

/** Header lines unfolded, body with quoted-printable soft breaks and `=3D` undone: enough to search plain ASCII. */
function readable(raw: string): string {
  return raw.replace(/=\r?\n/g, '').replace(/=3D/gi, '=').replace(/\r?\n[ \t]+/g, ' ');
}
function header(raw: string, name: string): string | undefined {
  const head = readable(raw).split(/\r?\n\r?\n/)[0];
  const line = head.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}

function settings(over: Partial<SmtpSettings> = {}): SmtpSettings {
  return { host: '127.0.0.1', port, secure: false, user: null, password: null, from: 'switchyard@example.test', ...over };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const p = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    // Lets the auth test log in over plain TCP; only ever on loopback.
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === 'mailer' && auth.password === 's3cret-pw') cb(null, { user: auth.username });
      else cb(new Error('bad credentials'));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        cb();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  port = (server.server.address() as AddressInfo).port;
  mailer = createMailer(settings());
});

afterAll(async () => {
  mailer?.close();
  await new Promise<void>((r) => server.close(() => r()));
});

const event = normalizedEvent({
  id: 'evt-42', title: 'Brute force on vpn-gw-1', severity: 'high', body: 'Twenty failed logins in a minute.',
  tags: ['vpn', 'auth'], source: 'src-7', source_name: 'Edge firewall', occurred_at: '2026-03-01T11:59:00.000Z',
  indicators: [{ type: 'ip', value: '203.0.113.9', found_by: ['pattern'] }],
});
const link = 'https://switchyard.local/alerts/evt-42';

describe('event e-mails over SMTP', () => {
  it('verify() succeeds against the local server', async () => {
    expect(await mailer.verify()).toEqual({ ok: true });
  });

  it('a simple e-mail carries the title, severity and link only', async () => {
    received.length = 0;
    const mail = eventEmail(event, { enriched: false, link });
    const res = await mailer.send({ to: 'soc@example.test', ...mail });
    expect(res.ok).toBe(true);
    if (res.ok) expect(res.message_id).toMatch(/@/);
    expect(received).toHaveLength(1);
    const [m] = received;
    expect(m.to).toEqual(['soc@example.test']);
    expect(m.from).toBe('switchyard@example.test');
    expect(header(m.raw, 'Subject')).toBe('[Switchyard] [HIGH] Brute force on vpn-gw-1');
    expect(header(m.raw, 'To')).toBe('soc@example.test');
    const text = readable(m.raw);
    expect(text).toContain('Severity: high');
    expect(text).toContain(`Open: ${link}`);
    expect(text).toContain(`<a href="${link}">`);
    expect(text).not.toContain('203.0.113.9');
    expect(text).not.toContain('Twenty failed logins');
  });

  it('an enriched e-mail adds body, tags, indicators, source and time', async () => {
    received.length = 0;
    const res = await mailer.send({ to: 'lead@example.test', ...eventEmail(event, { enriched: true, link }) });
    expect(res.ok).toBe(true);
    const [m] = received;
    expect(m.to).toEqual(['lead@example.test']);
    const text = readable(m.raw);
    for (const part of ['Twenty failed logins in a minute.', 'Tags: vpn, auth', 'ip: 203.0.113.9', 'Source: Edge firewall (src-7)', 'Occurred at: 2026-03-01T11:59:00.000Z', link]) {
      expect(text).toContain(part);
    }
  });

  it('event text cannot add headers or markup', () => {
    const evil = normalizedEvent({ title: 'x\r\nBcc: victim@example.test', body: '<script>alert(1)</script>' });
    const mail = eventEmail(evil, { enriched: true, link: 'javascript:alert(1)' });
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).not.toContain('href="javascript:');
  });

  it('logs in with user and password when given', async () => {
    received.length = 0;
    const authed = createMailer(settings({ user: 'mailer', password: 's3cret-pw' }));
    try {
      expect((await authed.send({ to: 'a@example.test', subject: 'hi', text: 'hello' })).ok).toBe(true);
      expect(received).toHaveLength(1);
      const bad = createMailer(settings({ user: 'mailer', password: 'wrong-pw' }));
      const res = await bad.verify();
      bad.close();
      expect(res.ok).toBe(false);
      expect(res.error).toContain('authentication failed');
      expect(res.error).not.toContain('wrong-pw');
    } finally {
      authed.close();
    }
  });
});

describe('failure notices', () => {
  it('formats destination, error, attempt and link', () => {
    const n = failureNotice({ destination_name: 'SIEM', error: 'HTTP 503', attempt: 3, at: new Date('2026-03-01T12:00:00Z'), link: '/d/1' });
    expect(n.subject).toBe('[Switchyard] Destination SIEM failed');
    expect(n.text).toContain('Destination SIEM failed: HTTP 503, attempt 3');
    expect(n.text).toContain('/d/1');
  });

  it('mails the first failure at once, then one digest per quiet period (fake clock, real SMTP)', async () => {
    received.length = 0;
    let now = new Date('2026-03-01T12:00:00.000Z');
    const advance = (s: number) => { now = new Date(now.getTime() + s * 1000); };
    const notifier = new FailureNotifier({
      send: (m) => mailer.send(m), now: () => now, link: (d, id) => `https://switchyard.local/destinations/${d}/deliveries/${id}`,
    });
    const dest = { id: 'dst-1', name: 'SIEM webhook', email_for_error: 'oncall@example.test' };
    const other = { id: 'dst-2', name: 'Chat', email_for_error: 'chat-owner@example.test' };
    const fail = (id: string, error: string) => ({ delivery_id: id, error, at: now, attempt: 2 });

    expect(await notifier.notify(dest, fail('dlv-1', 'HTTP 500'))).toBe('sent');
    expect(received).toHaveLength(1);
    expect(received[0].to).toEqual(['oncall@example.test']);
    expect(header(received[0].raw, 'Subject')).toBe('[Switchyard] Destination SIEM webhook failed');
    const first = readable(received[0].raw);
    expect(first).toContain('Destination SIEM webhook failed: HTTP 500, attempt 2');
    expect(first).toContain('https://switchyard.local/destinations/dst-1/deliveries/dlv-1');

    // Inside the quiet period: queued, nothing mailed; another destination has its own period.
    advance(60);
    expect(await notifier.notify(dest, fail('dlv-2', 'timeout after 10000 ms'))).toBe('queued');
    advance(60);
    expect(await notifier.notify(dest, fail('dlv-3', 'HTTP 502'))).toBe('queued');
    expect(await notifier.notify(other, fail('dlv-9', 'HTTP 404'))).toBe('sent');
    expect(received).toHaveLength(2);
    expect(notifier.pending('dst-1')).toBe(2);

    // Before the period ends flush sends nothing.
    expect(await notifier.flush(now)).toBe(0);
    expect(received).toHaveLength(2);

    advance(FAILURE_QUIET_PERIOD_S);
    expect(await notifier.flush(now)).toBe(1);
    expect(received).toHaveLength(3);
    const digest = received[2];
    expect(digest.to).toEqual(['oncall@example.test']);
    expect(header(digest.raw, 'Subject')).toBe('[Switchyard] Destination SIEM webhook: 2 more failures');
    const body = readable(digest.raw);
    expect(body).toContain('delivery dlv-2: timeout after 10000 ms');
    expect(body).toContain('delivery dlv-3: HTTP 502');
    expect(body).not.toContain('dlv-1:');
    expect(notifier.pending('dst-1')).toBe(0);

    // The digest started a new period: a failure right after it is queued, not mailed.
    advance(1);
    expect(await notifier.notify(dest, fail('dlv-4', 'HTTP 500'))).toBe('queued');
    expect(await notifier.flush(now)).toBe(0);
    expect(received).toHaveLength(3);
  });

  it('works with a stub sender; a failed immediate mail is kept for the digest', async () => {
    const sent: MailMessage[] = [];
    let up = false;
    const send = async (m: MailMessage): Promise<SendMailResult> => {
      if (!up) return { ok: false, error: 'SMTP down' };
      sent.push(m);
      return { ok: true, message_id: `<${sent.length}@test>` };
    };
    let now = new Date('2026-03-01T00:00:00Z');
    const notifier = new FailureNotifier({ send, quietPeriodS: 10, now: () => now });
    const dest = { id: 'd', name: 'D', email_for_error: 'x@example.test' };
    expect(await notifier.notify(dest, { delivery_id: 'a', error: 'boom', at: now })).toBe('queued');
    expect(await notifier.notify({ ...dest, email_for_error: null }, { delivery_id: 'b', error: 'boom', at: now })).toBe('skipped');
    up = true;
    now = new Date(now.getTime() + 10_000);
    expect(await notifier.flush()).toBe(1);
    expect(sent).toHaveLength(1);
    expect(sent[0].text).toContain('delivery a: boom');
    // A quiet period that ends with nothing queued resets: the next failure is mailed at once.
    now = new Date(now.getTime() + 10_000);
    expect(await notifier.flush()).toBe(0);
    expect(await notifier.notify(dest, { delivery_id: 'c', error: 'boom', at: now })).toBe('sent');
  });
});

describe('errors and masking', () => {
  it('verify() against a closed port says the connection was refused', async () => {
    const closed = await freePort();
    const m = createMailer(settings({ port: closed, password: 'hunter2-secret', user: 'u' }));
    const res = await m.verify();
    m.close();
    expect(res.ok).toBe(false);
    expect(res.error).toContain(`127.0.0.1:${closed}`);
    expect(res.error).toContain('connection refused');
    expect(res.error).not.toContain('hunter2-secret');
  });

  it('maskSmtp never shows the password', () => {
    const s = settings({ user: 'mailer', password: 'hunter2-secret' });
    const masked = maskSmtp(s);
    expect(masked.password).toBe('***');
    expect(JSON.stringify(masked)).not.toContain('hunter2-secret');
    expect(masked.user).toBe('mailer');
    expect(maskSmtp(settings()).password).toBeNull();
    expect(s.password).toBe('hunter2-secret');
  });
});
