// The real Prometheus Alertmanager notifying the appliance. Alertmanager treats any 4xx as
// final and drops the whole group, resolves included: a group of 1,100 alerts larger than
// the default body limit, one alert with a 3,000-character generatorURL and one with a
// 100 KB annotation must all arrive, firing and then resolved, with no failed notification.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERTMANAGER_ANNOTATION_VALUE_MAX, ALERTMANAGER_URL_MAX, BODY_LIMIT_BYTES } from '../../src-main/limits';
import { alertmanagerVersion, startAlertmanager, type RunningAlertmanager } from '../helpers/alertmanager';
import { startHarness, tempDir, type Harness } from '../helpers/harness';
import { until } from '../helpers/wait';

const GROUP_SIZE = 1100;
const LONG_URL_AT = 7;
const HUGE_AT = 8;

let h: Harness;
let am: RunningAlertmanager;
let version: string;

beforeAll(async () => {
  h = await startHarness();
  const key = await h.key(['ingest']);
  version = alertmanagerVersion();
  am = await startAlertmanager(await tempDir('sy-alertmanager-'), `
route:
  receiver: switchyard
  group_by: [alertname]
  group_wait: 1s
  group_interval: 2s
  repeat_interval: 4h
receivers:
  - name: switchyard
    webhook_configs:
      - url: '${h.app.url}/v1/ingest/alertmanager'
        send_resolved: true
        max_alerts: 0
        http_config:
          authorization:
            type: Bearer
            credentials: '${key}'
`);
}, 30_000);
afterAll(async () => {
  await am?.stop();
  await h?.stop();
});

const startsAt = new Date(Date.now() - 60_000).toISOString();
const longUrl = (() => {
  const base = 'http://127.0.0.1:9090/graph?g0.expr=';
  return base + 'a'.repeat(3000 - base.length);
})();
const huge = 'h'.repeat(100 * 1024);

function alerts(endsAt?: string) {
  return Array.from({ length: GROUP_SIZE }, (_, i) => ({
    labels: { alertname: 'DiskFull', instance: `host-${i}`, severity: 'warning' },
    annotations: {
      summary: i === LONG_URL_AT ? 'Long generator URL' : i === HUGE_AT ? 'Huge annotation' : `Disk full on host-${i}`,
      // About 1 KB each: the group is larger than the 1 MiB other endpoints take.
      description: i === HUGE_AT ? huge : `Runbook: ${'r'.repeat(1000)}`,
    },
    generatorURL: i === LONG_URL_AT ? longUrl : 'http://127.0.0.1:9090/graph?g0.expr=disk_free',
    startsAt,
    ...(endsAt ? { endsAt } : {}),
  }));
}

// Alertmanager may notify a group more than once while alerts arrive (group_wait, then
// group_interval): every notification is stored, so arrival is counted by distinct alert.
/** Waits until events of a status cover `n` distinct alerts; on time-out the failure shows what arrived and Alertmanager's log. */
async function waitForAlerts(status: 'OPEN' | 'CLOSED', n: number): Promise<void> {
  let seen = 0;
  try {
    await until(async () => ((seen = await distinctAlerts(status)) === n ? true : undefined), 40_000, `${n} alerts with ${status} events`, 500);
  } catch (err) {
    throw new Error(`${(err as Error).message}: ${seen} arrived; alertmanager log:\n${am.log().slice(-4000)}`);
  }
}

async function distinctAlerts(status: 'OPEN' | 'CLOSED'): Promise<number> {
  const alerts = new Set<string>();
  let cursor = '';
  for (;;) {
    const page = (await h.http('GET', `/api/events?dialect=alertmanager&status=${status}&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)).json;
    for (const e of page.items) alerts.add(e.alert_id);
    if (!page.next_cursor) return alerts.size;
    cursor = page.next_cursor;
  }
}

/** The newest event of that title and status, in full. */
async function eventTitled(title: string, status: 'OPEN' | 'CLOSED') {
  const page = (await h.http('GET', `/api/events?dialect=alertmanager&status=${status}&text=${encodeURIComponent(title)}`)).json;
  expect(new Set(page.items.map((e: { title: string }) => e.title))).toEqual(new Set([title]));
  return (await h.http('GET', `/api/events/${page.items[0].id}`)).json;
}

describe(`Prometheus Alertmanager (the real binary)`, () => {
  it('delivers a group of 1,100 alerts with a 3,000-character generatorURL and a 100 KB annotation, firing then resolved, without a failed notification', async () => {
    expect(version).toMatch(/^\d+\.\d+/);
    await am.postAlerts(alerts());
    await waitForAlerts('OPEN', GROUP_SIZE);

    const long = await eventTitled('Long generator URL', 'OPEN');
    const cutUrl = `${longUrl.slice(0, ALERTMANAGER_URL_MAX)}… [truncated ${longUrl.length - ALERTMANAGER_URL_MAX} chars]`;
    expect(long.links).toEqual([{ href: cutUrl, text: 'Source' }]);
    expect(long.raw.alerts[0].generatorURL).toBe(cutUrl);
    // It came from Alertmanager itself, in one group larger than the default body limit.
    expect(long.request.user_agent).toBe(`Alertmanager/${version}`);
    expect(long.request.content_length).toBeGreaterThan(BODY_LIMIT_BYTES);
    expect(long.raw).toMatchObject({ version: '4', status: 'firing', receiver: 'switchyard', groupLabels: { alertname: 'DiskFull' } });

    const big = await eventTitled('Huge annotation', 'OPEN');
    const cutHuge = `${huge.slice(0, ALERTMANAGER_ANNOTATION_VALUE_MAX)}… [truncated ${huge.length - ALERTMANAGER_ANNOTATION_VALUE_MAX} chars]`;
    expect(big.annotations.description).toBe(cutHuge);
    expect(big.body).toBe(cutHuge);
    expect(big.alert_id).toEqual(expect.any(String));

    // The same alerts ended: Alertmanager sends the resolved group, and every alert closes.
    await am.postAlerts(alerts(new Date().toISOString()));
    await waitForAlerts('CLOSED', GROUP_SIZE);
    const resolved = await eventTitled('Huge annotation', 'CLOSED');
    expect(resolved.alert_id).toBe(big.alert_id);
    expect((await h.http('GET', `/api/alerts/${big.alert_id}`)).json.status).toBe('resolved');

    expect(await am.metric('alertmanager_notifications_total', 'integration="webhook"')).toBeGreaterThanOrEqual(2);
    expect(await am.metric('alertmanager_notifications_failed_total', 'integration="webhook"')).toBe(0);
    expect(am.log()).not.toMatch(/Notify for alerts failed|Notify attempt failed|level=error/);
  }, 120_000);
});

describe('the Alertmanager body limit', () => {
  it('is its own setting: a body over it is a 413 naming it, and other endpoints keep theirs', async () => {
    const limit = 2 * BODY_LIMIT_BYTES;
    const small = await startHarness({ alertmanagerBodyLimit: limit });
    try {
      const key = await small.key(['ingest']);
      const group = (bytes: number) => JSON.stringify({ version: '4', status: 'firing', alerts: [{ status: 'firing', labels: { alertname: 'Big' }, annotations: { description: 'd'.repeat(bytes) } }] });
      const fits = await small.http('POST', '/v1/ingest/alertmanager', { raw: group(limit - 1024), key, headers: { 'content-type': 'application/json' } });
      expect(fits.status, fits.text).toBe(202);
      const over = await small.http('POST', '/v1/ingest/alertmanager', { raw: group(limit), key, headers: { 'content-type': 'application/json' } });
      expect([over.status, over.json]).toEqual([413, { errors: [`body: larger than the limit of ${limit} bytes`] }]);
      // A source's URL token for Alertmanager takes the same limit.
      const hook = new URL((await small.http('POST', '/api/sources', { body: { name: 'AM by token', dialect: 'alertmanager', url_token: true } })).json.hook_url).pathname;
      const hooked = await small.http('POST', hook, { raw: group(limit - 1024), key: null, headers: { 'content-type': 'application/json' } });
      expect(hooked.status, hooked.text).toBe(202);
      expect((await small.http('POST', hook, { raw: group(limit), key: null, headers: { 'content-type': 'application/json' } })).status).toBe(413);
      const generic = await small.http('POST', '/v1/ingest/generic', { raw: JSON.stringify({ title: 't', description: 'd'.repeat(BODY_LIMIT_BYTES) }), key, headers: { 'content-type': 'application/json' } });
      expect([generic.status, generic.json]).toEqual([413, { errors: [`body: larger than the limit of ${BODY_LIMIT_BYTES} bytes`] }]);
    } finally {
      await small.stop();
    }
  });
});
