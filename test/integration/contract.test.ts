// A contract tools can consume: the live /openapi.json passes @redocly/cli lint (recommended
// rules) offline, describes every operation (operationId, typed 2xx body, error answers, the
// URL token where it really is), and the answers match what it documents; the live /metrics
// passes promtool check metrics.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src-main/schemas/validate';
import { fixture, startHarness, type Harness, type HttpAnswer } from '../helpers/harness';
import { promtoolVersion, redoclyVersion, REDOCLY_BIN, REDOCLY_OFFLINE_ENV, run, runOffline } from '../helpers/third-party-cli';
import { until } from '../helpers/wait';

let h: Harness;
let doc: any;
let dir: string;

beforeAll(async () => {
  h = await startHarness();
  doc = (await h.http('GET', '/openapi.json', { key: null })).json;
  dir = await mkdtemp(join(tmpdir(), 'sy-contract-'));
  await writeFile(join(dir, 'openapi.json'), JSON.stringify(doc));
});
afterAll(async () => {
  await h.stop();
  await rm(dir, { recursive: true, force: true });
});

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const operations = () =>
  Object.entries<Record<string, any>>(doc.paths).flatMap(([path, item]) =>
    Object.entries<any>(item).filter(([m]) => METHODS.includes(m)).map(([method, op]) => ({ method, path, op })));

/** A redirect into the UI, and HEC's indexer acknowledgement that is not offered. */
const NEVER_SUCCEED = ['GET /login', 'POST /services/collector/ack'];

const lint = (env: Record<string, string>) =>
  runOffline(REDOCLY_BIN, ['lint', 'openapi.json', '--extends=recommended', '--format=json', '--max-problems=1000'], { cwd: dir, env });

describe('/openapi.json and @redocly/cli', () => {
  it(`passes \`redocly lint\` (recommended rules) with no errors, without touching the network`, async () => {
    expect(redoclyVersion()).toMatch(/^\d+\.\d+\.\d+$/);
    const res = await lint(REDOCLY_OFFLINE_ENV);
    expect(res.attempts, 'network attempts').toEqual([]);
    const problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[] = JSON.parse(res.stdout).problems;
    expect(problems.filter((p) => p.severity === 'error').map((p) => `${p.ruleId} ${p.location[0].pointer}: ${p.message}`)).toEqual([]);
    // The warnings left are choices, not omissions: the project has chosen no license, GET /login
    // is a redirect into the UI (302), and HEC's indexer acknowledgement is not offered (it
    // always answers Splunk's code 14, "ACK is disabled").
    expect(problems.map((p) => `${p.ruleId} ${p.location[0].pointer}`).sort()).toEqual([
      'info-license #/info',
      'operation-2xx-response #/paths/~1login/get/responses',
      'operation-2xx-response #/paths/~1services~1collector~1ack/post/responses',
    ]);
    expect(res.code).toBe(0);
  }, 60_000);

  it('would see it if the checker went to the network (the same run without its offline switches tries its telemetry host)', async () => {
    const res = await lint({ REDOCLY_TELEMETRY: '', REDOCLY_SUPPRESS_UPDATE_NOTICE: '' });
    expect(res.attempts.some((a) => a.startsWith('lookup ') && a.includes('redocly'))).toBe(true);
  }, 60_000);

  it('gives every operation a unique operationId, a typed 2xx body, its error answers and its credential where it really is', () => {
    const ops = operations();
    expect(ops.length).toBeGreaterThan(90);
    const ids = ops.map((o) => o.op.operationId);
    expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z0-9]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { method, path, op } of ops) {
      const where = `${method.toUpperCase()} ${path}`;
      const success = Object.entries<any>(op.responses).filter(([code]) => /^2/.test(code));
      if (!NEVER_SUCCEED.includes(where)) expect(success.length, where).toBeGreaterThan(0);
      for (const [code, answer] of success) {
        if (code === '204') continue;
        const [media] = Object.values<any>(answer.content ?? {});
        expect(media?.schema, `${where} ${code}`).toBeDefined();
        expect(media.schema.type ?? media.schema.anyOf, `${where} ${code}`).toBeDefined();
      }
      const errors = Object.entries<any>(op.responses).filter(([code]) => /^[45]/.test(code));
      expect(errors.map(([code]) => code), where).toContain('403');
      // One error shape; Splunk HEC paths answer in Splunk's, with the same list beside it.
      const shape = path.startsWith('/services/collector') ? 'HecErrors' : 'Errors';
      for (const [, answer] of errors) expect(answer.content['application/json'].schema, where).toEqual({ $ref: `#/components/schemas/${shape}` });
      if (op.security.length > 0) expect(Object.keys(op.responses), where).toEqual(expect.arrayContaining(['401', '403']));
      if (op.requestBody) expect(Object.keys(op.responses), where).toEqual(expect.arrayContaining(['400', '413', '415']));
    }
    // The URL token is a path segment: no header or query scheme pretends otherwise.
    const hook = doc.paths['/v1/hooks/{token}'].post;
    expect(hook.security).toEqual([]);
    expect(hook.parameters).toContainEqual(expect.objectContaining({ name: 'token', in: 'path', required: true, description: expect.stringContaining('credential') }));
    for (const scheme of Object.values<any>(doc.components.securitySchemes)) expect(scheme.in).not.toBe('query');
  });

  it('answers as it documents: live 2xx bodies of most operations match their schemas', async () => {
    const checked = new Set<string>();
    const matchers = operations().map((o) => ({
      ...o, re: new RegExp(`^${o.path.replace(/\{\w+\}/g, '[^/]+')}$`), params: (o.path.match(/\{/g) ?? []).length,
    }));
    const call = async (method: string, path: string, body?: unknown, opts: { key?: string | null } = {}): Promise<HttpAnswer> => {
      const res = await h.http(method, path, { body, ...opts });
      expect(res.status, `${method} ${path}: ${res.text.slice(0, 300)}`).toBeLessThan(300);
      const bare = path.split('?')[0];
      const op = matchers.filter((m) => m.method === method.toLowerCase() && m.re.test(bare)).sort((a, b) => a.params - b.params)[0];
      expect(op, `${method} ${path} is documented`).toBeDefined();
      const documented = op.op.responses[String(res.status)];
      expect(documented, `${method} ${path} documents ${res.status}`).toBeDefined();
      const media = documented.content?.['application/json'];
      if (media) {
        const validate = compile(media.schema);
        expect(validate(res.json) ? [] : validate.errors, `${method} ${path} answers as documented`).toEqual([]);
        checked.add(`${op.method} ${op.path}`);
      }
      return res;
    };

    const ingestKey = (await call('POST', '/api/keys', { name: 'ingest', scopes: ['ingest'] })).json.key;
    const readKey = (await call('POST', '/api/keys', { name: 'read', scopes: ['read'] })).json.key;
    await call('GET', '/api/keys');
    await call('POST', '/api/orgs', { name: 'Child Co' });
    await call('GET', '/api/orgs');
    await call('GET', '/healthz', undefined, { key: null });
    await call('GET', '/api/status');
    await call('GET', '/api/session');
    await call('POST', '/api/login-links');
    await call('GET', '/openapi.json', undefined, { key: null });

    const source = (await call('POST', '/api/sources', { name: 'Acme', dialect: 'custom', url_token: true, transposer: '{ "summary": alert.name, "idempotency_key": alert.id }' })).json;
    await call('GET', '/api/sources');
    await call('GET', `/api/sources/${source.id}`);
    const renamed = (await call('PATCH', `/api/sources/${source.id}`, { name: 'Acme Monitor' })).json;
    const rotated = (await call('POST', `/api/sources/${source.id}/rotate-token`)).json;
    await call('POST', `/api/sources/${source.id}/test`, { sample: { alert: { name: 'Disk', id: 'd1' } } });
    await call('POST', '/api/indicator-mappings', { path: 'alert.host', type: 'domain' });
    await call('GET', '/api/indicator-mappings');

    const definition = (await call('POST', '/api/definitions', { name: 'Process events', external_id: 'proc', create_case: true })).json;
    await call('GET', '/api/definitions');
    await call('GET', `/api/definitions/${definition.id}`);
    await call('PATCH', `/api/definitions/${definition.id}`, { owner: 'secops' });
    const filter = (await call('POST', `/api/definitions/${definition.id}/filters`, { kind: 'deduplicate', name: 'by host', expression: 'raw.raw.host', window_s: 60 })).json;
    await call('GET', `/api/definitions/${definition.id}/filters`);
    await call('POST', `/api/filters/${filter.id}/expire`);
    await call('POST', '/api/catalog', { kind: 'service', name: 'Checkout' });
    await call('GET', '/api/catalog');
    await call('PUT', '/api/signals/settings/flap', { max_transitions: 5, window_s: 600 });
    await call('GET', '/api/signals/settings');

    const generic = (await call('POST', '/v1/ingest/generic', { title: 'Contract check', severity: 'High' }, { key: ingestKey })).json;
    await call('POST', '/v1/ingest/event', { summary: 'Event check', idempotency_key: 'k1' }, { key: ingestKey });
    await call('POST', '/v1/ingest/alertmanager', { version: '4', status: 'firing', alerts: [{ status: 'firing', labels: { alertname: 'A' } }] }, { key: ingestKey });
    await call('POST', '/services/collector/event', { event: 'hec line' }, { key: ingestKey });
    const instance = (await call('POST', '/api/v1/default/signals/instances', { project: 'p', raw: { id: 'inst-1', name: 'proc', externalId: 'proc' } }, { key: ingestKey })).json;
    await call('POST', `/v1/ingest/custom/${renamed.slug}`, { alert: { name: 'Custom', id: 'c1' } }, { key: ingestKey });
    await call('POST', `/v1/hooks/${rotated.url_token}`, { alert: { name: 'Hooked', id: 'c2' } }, { key: null });
    await call('GET', '/api/events?limit=5');
    await call('GET', `/api/events/${generic.event_id}`);
    await call('POST', `/api/events/${generic.event_id}/replay`);
    await call('GET', '/api/alerts');
    await call('GET', `/api/alerts/${generic.alert_id}`);
    await call('GET', `/v1/alerts/${generic.alert_id}`, undefined, { key: readKey });
    await call('POST', `/api/alerts/${generic.alert_id}/ack`);
    const kase = (await call('GET', `/api/alerts/${instance.alert_id}`)).json.case_id;
    await call('GET', '/api/cases');
    await call('GET', `/api/cases/${kase}`);
    await call('POST', `/api/cases/${kase}/status`, { status: 'triage' });

    await call('POST', '/api/transform', await fixture('transform-config.json'));
    await call('GET', '/api/transform');
    await call('PUT', '/api/transform', { ...(await fixture('transform-config.json')), name: 'Second' });
    await call('GET', '/api/transform/versions');
    await call('GET', '/api/transform/diff?a=1&b=2');
    await call('POST', '/api/transform/rollback', { version: 1 });
    await call('POST', '/api/transform/preview', { event_id: generic.event_id });
    await call('PUT', '/api/tags/index', { value: 'main' });
    await call('GET', '/api/tags');
    await call('PUT', '/api/settings/search-url-template', { template: 'http://127.0.0.1:5601/?q={{value}}' });

    const destination = (await call('POST', '/api/destinations', { name: 'Nowhere', kind: 'webhook', uri: 'http://127.0.0.1:1/' })).json;
    await call('POST', '/v1/accounts/default/notifications', await fixture('notification-config.json'));
    await call('GET', '/api/destinations');
    await call('GET', `/api/destinations/${destination.id}`);
    await call('PATCH', `/api/destinations/${destination.id}`, { name: 'Still nowhere' });
    await call('POST', `/api/destinations/${destination.id}/rotate-secret`);
    const test = (await call('POST', `/api/destinations/${destination.id}/test`)).json;
    await call('GET', '/api/deliveries');
    await until(async () => ((await h.http('GET', `/api/deliveries/${test.id}`)).json.attempt_count > 0 ? true : undefined), 10_000, 'a first attempt');
    await call('GET', `/api/deliveries/${test.id}`);
    await call('POST', `/api/deliveries/${test.id}/redeliver`);

    const rule = (await call('POST', '/api/rules', { name: 'Bell', actions: [{ type: 'in_app' }] })).json;
    await call('GET', '/api/rules');
    await call('PATCH', `/api/rules/${rule.id}`, { name: 'Bell for all' });
    await call('POST', '/api/rules/dry-run', { rule: { name: 'draft', actions: [{ type: 'in_app' }] } });
    await call('POST', '/v1/ingest/generic', { title: 'Rings the bell' }, { key: ingestKey });
    await call('GET', '/api/notifications');
    await call('POST', '/api/notifications/read', { all: true });

    await call('GET', '/api/settings');
    await call('PUT', '/api/settings/retention', { max_age_days: 30, max_bytes: null });
    await call('PUT', '/api/settings/smtp', { host: '127.0.0.1', port: 2525, from: 'switchyard@example.com' });
    await call('GET', '/api/dashboard');
    await call('GET', '/api/samples');
    await call('POST', '/api/samples/generic/send');
    await call('POST', '/api/demo');
    await call('POST', '/bin/contract', { hello: 'bin' }, { key: null });
    await call('GET', '/api/bins');
    await call('GET', '/api/bins/contract');

    // Most of the API was exercised and every answer matched its schema.
    expect(checked.size).toBeGreaterThanOrEqual(75);
  }, 60_000);
});

describe('/metrics and promtool', () => {
  it('passes `promtool check metrics` on the live exposition after traffic', async () => {
    expect(promtoolVersion()).toMatch(/^\d+\.\d+/);
    const key = await h.key(['ingest']);
    await h.http('POST', '/v1/ingest/generic', { body: { title: 'metered' }, key });
    await h.http('POST', '/v1/ingest/generic', { body: { nope: true }, key });
    const metrics = (await h.http('GET', '/metrics', { key: null })).text;
    expect(metrics).toMatch(/switchyard_events_total\{dialect="generic",outcome="accepted"\} \d+/);
    const res = await run('promtool', ['check', 'metrics'], { input: metrics });
    expect({ code: res.code, out: res.stdout + res.stderr }).toEqual({ code: 0, out: '' });
  });

  it('is a real check: promtool refuses a gauge named like a counter', async () => {
    const res = await run('promtool', ['check', 'metrics'], { input: '# HELP x_total A gauge.\n# TYPE x_total gauge\nx_total 1\n' });
    expect(res.code).not.toBe(0);
    expect(res.stdout + res.stderr).toContain('non-counter metrics should not have "_total" suffix');
  });
});
