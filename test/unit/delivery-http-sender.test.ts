// The HTTP sender against real node:http receivers on 127.0.0.1, and the SSRF refusal
// proven at the address check with stubbed lookups. Traffic only ever goes to loopback:
// every client connection attempt is observed, and anything else is cut before it connects.
import http from 'node:http';
import net, { type LookupFunction } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSender, type Sender } from '../../src-main/delivery/http-sender';
import { DELIVERY_RESPONSE_BODY_MAX } from '../../src-main/limits';
import { guardEgress, type EgressGuard } from '../helpers/egress-guard';

// ---- egress guard: records each TCP connection attempt; anything off loopback is cut ----
let guard: EgressGuard;
beforeEach(() => {
  guard = guardEgress();
});
afterEach(() => guard.stop());

// ---- receivers ----
interface Received { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }
interface Receiver { url: string; port: number; requests: Received[]; connections: () => number; close: () => Promise<void> }
const open: Receiver[] = [];

async function receiver(handle: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<Receiver> {
  const requests: Received[] = [];
  let connections = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      handle(req, res);
    });
  });
  server.on('connection', () => { connections += 1; });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const r: Receiver = {
    url: `http://127.0.0.1:${port}`, port, requests, connections: () => connections,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
  open.push(r);
  return r;
}

/** A bare TCP listener counting connections: proves whether anything connected at all. */
async function connectionCounter(): Promise<{ port: number; count: () => number; close: () => Promise<void> }> {
  let count = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => { count += 1; sockets.add(s); s.destroy(); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    count: () => count,
    close: () => new Promise((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }),
  };
}

/** A stub dns.lookup that answers `address` for any name and records the names asked. */
function stubLookup(address: string) {
  const asked: string[] = [];
  const family = net.isIP(address);
  const lookup: LookupFunction = (hostname, options, callback) => {
    asked.push(hostname);
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
  return { lookup, asked };
}

const LOOPBACK_ONLY = { allowPrivate: false, allowLoopback: true };
const STRICT = { allowPrivate: false, allowLoopback: false };
const senders: Sender[] = [];
function sender(opts: Parameters<typeof createSender>[0]): Sender {
  const s = createSender(opts);
  senders.push(s);
  return s;
}

afterEach(async () => {
  await Promise.all(senders.splice(0).map((s) => s.close()));
  await Promise.all(open.splice(0).map((r) => r.close()));
});

describe('sender against local receivers', () => {
  it('POSTs headers and body and reports a 200 as ok', async () => {
    const r = await receiver((_req, res) => res.writeHead(200, { 'content-type': 'text/plain', 'x-receipt': 'r-1' }).end('accepted'));
    const result = await sender({ policy: LOOPBACK_ONLY }).send({
      url: `${r.url}/hook?x=1`, headers: { 'content-type': 'application/json', authorization: 'Splunk t0k' }, body: '{"a":1}',
    });
    expect(result).toMatchObject({ ok: true, status: 200, body: 'accepted', body_truncated: false });
    expect(result.headers).toMatchObject({ 'content-type': 'text/plain', 'x-receipt': 'r-1' });
    expect(result.error_class).toBeUndefined();
    expect(result.duration_ms).toBeGreaterThanOrEqual(0);
    expect(r.requests).toEqual([expect.objectContaining({ method: 'POST', url: '/hook?x=1', body: '{"a":1}' })]);
    expect(r.requests[0].headers).toMatchObject({ 'content-type': 'application/json', authorization: 'Splunk t0k' });
    expect(guard.attempts).toEqual(['127.0.0.1']);
  });

  it('reuses one kept-alive connection for consecutive sends', async () => {
    const r = await receiver((_req, res) => res.end('ok'));
    const s = sender({ policy: LOOPBACK_ONLY });
    for (let i = 0; i < 3; i++) {
      expect((await s.send({ url: r.url, body: String(i) })).ok).toBe(true);
      // The pool marks the connection idle a tick after the body ends; without this turn the
      // next send may find it still busy and open a second one.
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(r.requests.map((q) => q.body)).toEqual(['0', '1', '2']);
    expect(r.connections()).toBe(1);
  });

  it('reports a 500 as a failure with its status and body, not as an error', async () => {
    const r = await receiver((_req, res) => res.writeHead(500).end('boom'));
    const result = await sender({ policy: LOOPBACK_ONLY }).send({ url: r.url, body: '{}' });
    expect(result).toMatchObject({ ok: false, status: 500, body: 'boom' });
    expect(result.error_class).toBeUndefined();
  });

  it('does not follow a 302 and records it as a failure', async () => {
    const r = await receiver((req, res) => (req.url === '/hook' ? res.writeHead(302, { location: '/moved' }).end() : res.end('followed')));
    const result = await sender({ policy: LOOPBACK_ONLY }).send({ url: `${r.url}/hook`, body: '{}' });
    expect(result).toMatchObject({ ok: false, status: 302, error: 'redirect not followed (Location: /moved)' });
    expect(r.requests.map((q) => q.url)).toEqual(['/hook']);
  });

  it('times out a receiver that never answers', async () => {
    const r = await receiver(() => { /* never responds */ });
    const result = await sender({ policy: LOOPBACK_ONLY, timeoutMs: 200 }).send({ url: r.url, body: '{}' });
    expect(result).toMatchObject({ ok: false, error_class: 'timeout' });
    expect(result.status).toBeUndefined();
    expect(result.duration_ms).toBeGreaterThanOrEqual(190);
    expect(result.duration_ms).toBeLessThan(1000);
  });

  it('times out a receiver that trickles its body (one deadline, not an idle timeout)', async () => {
    const r = await receiver((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const tick = setInterval(() => res.write('.'), 40);
      res.on('close', () => clearInterval(tick));
    });
    const result = await sender({ policy: LOOPBACK_ONLY, timeoutMs: 200 }).send({ url: r.url, body: '{}' });
    expect(result).toMatchObject({ ok: false, status: 200, error_class: 'timeout' });
    expect(result.body).toMatch(/^\.+$/);
    expect(result.duration_ms).toBeLessThan(1000);
  });

  it('reports a connection closed mid-response as a connection failure, keeping what arrived', async () => {
    const r = await receiver((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial', () => res.socket?.destroy());
    });
    const result = await sender({ policy: LOOPBACK_ONLY }).send({ url: r.url, body: '{}' });
    expect(result).toMatchObject({ ok: false, status: 200, error_class: 'connection' });
    expect('partial'.startsWith(result.body ?? 'x')).toBe(true);
  });

  it('reports a connection closed before any response, and a refused connection, as connection failures', async () => {
    const r = await receiver((req) => req.socket.destroy());
    const closed = await sender({ policy: LOOPBACK_ONLY }).send({ url: r.url, body: '{}' });
    expect(closed).toMatchObject({ ok: false, error_class: 'connection' });
    expect(closed.status).toBeUndefined();

    const gone = await connectionCounter();
    await gone.close(); // the port is now closed
    const refused = await sender({ policy: LOOPBACK_ONLY }).send({ url: `http://127.0.0.1:${gone.port}/`, body: '{}' });
    expect(refused).toMatchObject({ ok: false, error_class: 'connection', error: expect.stringContaining('ECONNREFUSED') });
  });

  it('keeps only the first 8 KiB of a large response body', async () => {
    const big = 'x'.repeat(100 * 1024);
    const r = await receiver((_req, res) => res.end(big));
    const result = await sender({ policy: LOOPBACK_ONLY }).send({ url: r.url, body: '{}' });
    expect(DELIVERY_RESPONSE_BODY_MAX).toBe(8 * 1024);
    expect(result).toMatchObject({ ok: true, status: 200, body_truncated: true });
    expect(result.body).toBe(big.slice(0, DELIVERY_RESPONSE_BODY_MAX));
  });

  it('cuts the body on a character boundary instead of mangling a split UTF-8 sequence', async () => {
    const r = await receiver((_req, res) => res.end('a' + 'é'.repeat(5000))); // 'é' is 2 bytes: byte 8192 splits one
    const result = await sender({ policy: LOOPBACK_ONLY }).send({ url: r.url, body: '{}' });
    expect(result.body).toBe('a' + 'é'.repeat(4095));
    expect(result.body).not.toContain('\uFFFD');
  });

  it('classifies a TLS failure (https to a plain HTTP port) as tls', async () => {
    const r = await receiver((_req, res) => res.end('plain'));
    const result = await sender({ policy: LOOPBACK_ONLY }).send({ url: `https://127.0.0.1:${r.port}/`, body: '{}' });
    expect(result).toMatchObject({ ok: false, error_class: 'tls' });
  });
});

describe('URL validation', () => {
  it.each([
    ['ftp://127.0.0.1/x', 'url: scheme must be http or https, not ftp'],
    ['file:///etc/passwd', 'url: scheme must be http or https, not file'],
    ['not a url', 'url: not a valid URL'],
    ['http://user:pw@127.0.0.1/', 'url: credentials in the URL are not supported; use an Authorization header'],
  ])('refuses %s without any connection', async (url, error) => {
    const result = await sender({ policy: LOOPBACK_ONLY }).send({ url, body: '{}' });
    expect(result).toMatchObject({ ok: false, error_class: 'other', error });
    expect(guard.attempts).toEqual([]);
  });
});

describe('never throws', () => {
  it('turns a header undici refuses and a send after close() into results', async () => {
    const r = await receiver((_req, res) => res.end('ok'));
    const s = sender({ policy: LOOPBACK_ONLY });
    const bad = await s.send({ url: r.url, headers: { 'x-bad': 'a\r\nx-injected: 1' }, body: '{}' });
    expect(bad).toMatchObject({ ok: false, error_class: 'other', error: expect.stringContaining('invalid x-bad header') });
    expect(r.requests).toEqual([]);
    await s.close();
    expect(await s.send({ url: r.url, body: '{}' })).toMatchObject({ ok: false, error_class: 'other' });
  });
});

describe('SSRF refusal at the address check', () => {
  it('refuses a name resolving to 169.254.169.254 before any socket connects', async () => {
    const counter = await connectionCounter();
    try {
      const metadata = stubLookup('169.254.169.254');
      const result = await sender({ policy: { allowPrivate: true, allowLoopback: true }, lookup: metadata.lookup })
        .send({ url: `http://metadata.test:${counter.port}/latest/meta-data/`, body: '{}' });
      expect(result).toMatchObject({
        ok: false, error_class: 'refused_address',
        error: 'address refused: metadata.test resolved to 169.254.169.254, which is a cloud metadata or link-local address',
      });
      expect(metadata.asked).toEqual(['metadata.test']);
      expect(guard.attempts).toEqual([]); // no connect() was even attempted
      expect(counter.count()).toBe(0);
    } finally {
      await counter.close();
    }
  });

  it('connects when the policy allows the resolved address, and refuses the same address when it does not', async () => {
    const counter = await connectionCounter();
    try {
      // Control: the same name and stub reach the counter when loopback is allowed...
      const allowed = stubLookup('127.0.0.1');
      const ok = await sender({ policy: LOOPBACK_ONLY, lookup: allowed.lookup }).send({ url: `http://metadata.test:${counter.port}/`, body: '{}' });
      expect(ok.error_class).toBe('connection'); // the counter hangs up without answering
      expect(counter.count()).toBe(1);
      expect(guard.attempts).toEqual(['127.0.0.1']);

      // ...and nothing reaches it when the policy refuses that address.
      guard.attempts.length = 0;
      const denied = stubLookup('127.0.0.1');
      const refused = await sender({ policy: STRICT, lookup: denied.lookup }).send({ url: `http://metadata.test:${counter.port}/`, body: '{}' });
      expect(refused).toMatchObject({ ok: false, error_class: 'refused_address' });
      expect(denied.asked).toEqual(['metadata.test']);
      expect(guard.attempts).toEqual([]);
      expect(counter.count()).toBe(1);
    } finally {
      await counter.close();
    }
  });

  it.each(['http://169.254.169.254/latest/meta-data/', 'http://[::ffff:a9fe:a9fe]/', 'http://[::ffff:169.254.169.254]/', 'http://[fd00:ec2::254]/', 'http://100.100.100.200/', 'http://0.0.0.0/'])(
    'checks the IP literal in %s directly (no lookup happens for literals)', async (url) => {
      const spy = stubLookup('127.0.0.1');
      const result = await sender({ policy: { allowPrivate: true, allowLoopback: true }, lookup: spy.lookup }).send({ url, body: '{}' });
      expect(result).toMatchObject({ ok: false, error_class: 'refused_address' });
      expect(spy.asked).toEqual([]);
      expect(guard.attempts).toEqual([]);
    });

  it('refuses a loopback IP literal when loopback is not allowed, without connecting', async () => {
    const r = await receiver((_req, res) => res.end('should not happen'));
    const result = await sender({ policy: STRICT }).send({ url: r.url, body: '{}' });
    expect(result).toMatchObject({ ok: false, error_class: 'refused_address', error: `address refused: 127.0.0.1 is a loopback address and loopback destinations are not allowed` });
    expect(r.connections()).toBe(0);
    expect(guard.attempts).toEqual([]);
  });

  it('guards the default system lookup too (localhost resolves to loopback)', async () => {
    const r = await receiver((_req, res) => res.end('should not happen'));
    const result = await sender({ policy: STRICT }).send({ url: `http://localhost:${r.port}/`, body: '{}' });
    expect(result).toMatchObject({ ok: false, error_class: 'refused_address', error: expect.stringMatching(/^address refused: localhost resolved to /) });
    expect(r.connections()).toBe(0);
    expect(guard.attempts).toEqual([]);
  });
});
