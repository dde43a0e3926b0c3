// 10,000 generated bodies across every ingest endpoint: wrong types, deep nesting, huge
// strings, invalid UTF-8, duplicate keys, empty bodies. Every answer must be a documented
// status with {"errors": [...]}, never a 5xx, and the appliance keeps answering.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startHarness, type Harness } from '../helpers/harness';

let h: Harness;
let key: string;
let hookToken: string;

beforeAll(async () => {
  h = await startHarness({ rateLimit: { perSecond: 1_000_000, burst: 1_000_000 }, tickMs: 0 });
  key = await h.key(['ingest']);
  await h.http('POST', '/api/sources', { body: { name: 'fuzz custom', dialect: 'custom', transposer: '{ "summary": $string(title), "body": $string(text) }' } });
  hookToken = (await h.http('POST', '/api/sources', { body: { name: 'fuzz hook', dialect: 'event', url_token: true } })).json.url_token;
});
afterAll(async () => h.stop());

const ENDPOINTS = ['/v1/ingest/generic', '/v1/ingest/event', '/v1/ingest/alertmanager', '/services/collector/event', '/api/v1/default/signals/instances', '/v1/ingest/custom/fuzz-custom'];
const DOCUMENTED = new Set([200, 202, 400, 401, 403, 404, 413, 415, 429]);

const deep = fc.integer({ min: 1, max: 5000 }).map((n) => '['.repeat(n) + ']'.repeat(n));
const duplicateKeys = fc.tuple(fc.string(), fc.jsonValue(), fc.jsonValue()).map(([k, a, b]) => `{${JSON.stringify(k)}:${JSON.stringify(a)},${JSON.stringify(k)}:${JSON.stringify(b)}}`);
const hugeString = fc.integer({ min: 1, max: 3 }).map((n) => JSON.stringify({ title: 'x'.repeat(n * 400_000), summary: 'y'.repeat(n * 300_000) }));
const wrongTypes = fc.record({ title: fc.anything(), summary: fc.anything(), severity: fc.anything(), status: fc.anything(), level: fc.anything(), alerts: fc.anything(), raw: fc.anything(), project: fc.anything(), event: fc.anything(), tags: fc.anything(), indicators: fc.anything(), annotations: fc.anything() }, { requiredKeys: [] }).map((v) => {
  try {
    return JSON.stringify(v) ?? 'null';
  } catch {
    return '{}';
  }
});
const body: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  wrongTypes,
  deep,
  duplicateKeys,
  hugeString,
  fc.uint8Array({ minLength: 0, maxLength: 2048 }),
  fc.constant(''),
  fc.string(),
);

async function send(path: string, payload: string | Uint8Array, contentType: string): Promise<{ status: number; json: any }> {
  const auth = path.startsWith('/v1/hooks/') ? {} : { authorization: `Bearer ${key}` };
  const res = await request(h.app.url + path, { method: 'POST', headers: { 'content-type': contentType, ...auth }, body: payload });
  const text = await res.body.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, json };
}

describe('bad input', () => {
  it('answers 10,000 generated bodies with documented statuses and the error shape', async () => {
    const endpoints = [...ENDPOINTS, `/v1/hooks/${hookToken}`];
    const seen = new Map<number, number>();
    const rssBefore = process.memoryUsage().rss;
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom(...endpoints), fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain'), async (payload, path, type) => {
        const res = await send(path, payload, type);
        seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
        expect(DOCUMENTED.has(res.status), `status ${res.status} for ${path}`).toBe(true);
        if (res.status >= 400) {
          expect(Array.isArray(res.json?.errors) && res.json.errors.length > 0 && res.json.errors.every((e: unknown) => typeof e === 'string')).toBe(true);
        }
      }),
      { numRuns: 10_000 },
    );
    // Still healthy, and memory did not run away.
    expect((await h.http('GET', '/healthz', { key: null })).status).toBe(200);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(512 * 1024 * 1024);
    expect([...seen.keys()].some((s) => s === 400)).toBe(true);
  });
});
