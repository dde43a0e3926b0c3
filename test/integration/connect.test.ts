// GET /api/connect lists every built-in ingest endpoint for the caller's organization, and
// each path it lists is one the appliance serves (the list and the routes share one table).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.stop());

it('lists each built-in endpoint with how it authenticates, and each is served', async () => {
  const res = await h.http('GET', '/api/connect');
  expect(res.status).toBe(200);
  expect(res.json.organization).toBe('default');
  expect(res.json.items.map((i: any) => [i.kind, i.path, i.auth])).toEqual([
    ['generic', '/v1/ingest/generic', 'bearer'],
    ['event', '/v1/ingest/event', 'bearer'],
    ['signal_instance', '/api/v1/default/signals/instances', 'bearer'],
    ['alertmanager', '/v1/ingest/alertmanager', 'bearer'],
    ['splunk_hec', '/services/collector/event', 'splunk'],
    ['custom', '/v1/ingest/custom/<slug>', 'bearer'],
    ['url_token', '/v1/hooks/<token>', 'url_token'],
  ]);
  const ingestKey = await h.key(['ingest']);
  for (const item of res.json.items) {
    const path = item.path.replace('<slug>', 'no-such-source').replace('<token>', 'no-such-token');
    const key = item.auth === 'url_token' ? null : ingestKey;
    const answer = await h.http('POST', path, { body: {}, key, headers: item.auth === 'splunk' ? { authorization: `Splunk ${ingestKey}` } : {} });
    // A refusal of the body, source or token: never "no such endpoint".
    expect(answer.text, path).not.toContain('no endpoint');
    expect([400, 401, 404], `${path}: ${answer.text}`).toContain(answer.status);
  }
  expect((await h.http('GET', '/api/connect', { key: ingestKey })).status).toBe(403);
});
