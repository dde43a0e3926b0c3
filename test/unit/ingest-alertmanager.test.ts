// Alertmanager dialect (Prometheus Alertmanager webhook, version 4).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { labelSetKey } from '../../src-main/core/dialects/alertmanager';
import { ingest, type IngestContext } from '../../src-main/core/ingest';
import {
  ALERTMANAGER_ANNOTATION_VALUE_MAX, ALERTMANAGER_LABEL_VALUE_MAX, ALERTMANAGER_URL_MAX, ANNOTATIONS_MAX, MAX_EVENTS_PER_REQUEST, TAGS_MAX,
} from '../../src-main/limits';
import { accepted, ingestContext, refusals, requestMeta } from '../helpers/ingest-fixtures';

const request = requestMeta({ path: '/v1/ingest/alertmanager', user_agent: 'Alertmanager/0.27.0', content_length: 900 });
const context = (over: Partial<IngestContext> = {}) => ingestContext({ receivedAt: new Date('2026-11-01T12:00:00.000Z'), request, ...over });
const errorsOf = async (body: unknown) => refusals(await ingest('alertmanager', body, context()));

const header = {
  version: '4', groupKey: '{}:{alertname="HighCPU"}', truncatedAlerts: 0, status: 'firing', receiver: 'switchyard',
  groupLabels: { alertname: 'HighCPU' }, commonLabels: { alertname: 'HighCPU' }, commonAnnotations: {}, externalURL: 'http://127.0.0.1:9093',
};
const firing = {
  status: 'firing', labels: { instance: 'web-1', alertname: 'HighCPU', severity: 'critical' },
  annotations: { summary: 'CPU high on web-1', description: 'load 12', 'private.x': 'forged' },
  startsAt: '2026-11-01T10:00:00.123456789Z', endsAt: '0001-01-01T00:00:00Z', generatorURL: 'http://127.0.0.1:9090/graph?g0.expr=up', fingerprint: 'fp-web-1',
};
const resolved = {
  status: 'resolved', labels: { alertname: 'HighCPU', instance: 'web-2', severity: 'warning' }, annotations: { summary: 'CPU high on web-2' },
  startsAt: '2026-11-01T09:00:00Z', endsAt: '2026-11-01T10:00:00Z', generatorURL: '', fingerprint: 'fp-web-2',
};
const payload = { ...header, alerts: [firing, resolved] };
const single = async (alert: Record<string, unknown>, ctx = context()) => accepted(await ingest('alertmanager', { ...header, alerts: [alert] }, ctx))[0];

describe('alertmanager dialect', () => {
  it('makes one event per alert, field by field', async () => {
    const [a, b] = accepted(await ingest('alertmanager', payload, context()));
    expect(a).toEqual({
      schema_version: 1,
      id: 'evt-1',
      organization: 'org-1',
      project: null,
      source: 'alertmanager',
      source_name: 'alertmanager',
      dialect: 'alertmanager',
      received_at: '2026-11-01T12:00:00.000Z',
      occurred_at: '2026-11-01T10:00:00.123Z',
      title: 'CPU high on web-1',
      body: 'load 12',
      severity: 'critical',
      level: 'FATAL',
      status: 'OPEN',
      priority: 'HIGH',
      idempotency_key: 'fp-web-1',
      tags: ['alertname:HighCPU', 'instance:web-1', 'severity:critical'],
      catalog: [],
      annotations: {
        summary: 'CPU high on web-1',
        description: 'load 12',
        'private.signals.firehydrant.com/actor-source': 'api_key',
        'private.signals.firehydrant.com/via': '/v1/ingest/alertmanager',
      },
      images: [],
      links: [{ href: 'http://127.0.0.1:9090/graph?g0.expr=up', text: 'Source' }],
      attachments: [],
      indicators: [],
      event_type: 'security_event',
      external_id: null,
      variant: null,
      source_rule_id: null,
      definition_id: null,
      alert_id: null,
      dedup_key: null,
      raw: { ...header, alerts: [firing] },
      // Which alert of the group this is, and where it sits in the stored raw.
      request: { ...request, batch: { index: 0, count: 2, in_request: 'alerts[0]', in_raw: ['alerts', 0] } },
    });
    expect([b.id, b.title, b.body, b.status, b.severity, b.level, b.idempotency_key, b.occurred_at, b.links, b.tags]).toEqual([
      'evt-2', 'CPU high on web-2', '', 'CLOSED', 'medium', 'WARN', 'fp-web-2', '2026-11-01T10:00:00.000Z', [],
      ['alertname:HighCPU', 'instance:web-2', 'severity:warning'],
    ]);
    expect(b.raw).toEqual({ ...header, alerts: [resolved] });
    expect(b.request).toEqual({ ...request, batch: { index: 1, count: 2, in_request: 'alerts[1]', in_raw: ['alerts', 0] } });
  });

  it('uses the sorted label set as the key without a fingerprint, hashed when too long', async () => {
    const e = await single({ status: 'firing', labels: { b: '2', a: '1', c: 'x=y' } });
    expect(e.idempotency_key).toBe('a=1,b=2,c=x=y');
    const long = { alertname: 'A', text: 'v'.repeat(300) };
    const joined = `alertname=A,text=${'v'.repeat(300)}`;
    expect((await single({ status: 'firing', labels: long })).idempotency_key).toBe(`labels-sha256:${createHash('sha256').update(joined).digest('hex')}`);
    expect(labelSetKey({})).toBeNull();
    expect((await single({ status: 'firing' })).idempotency_key).toBeNull();
  });

  it('maps severity labels', async () => {
    const words = ['critical', 'error', 'high', 'warning', 'warn', 'medium', 'low', 'info', 'informational', 'page', 'CRITICAL'];
    const severities = await Promise.all(words.map(async (severity) => (await single({ status: 'firing', labels: { severity } })).severity));
    expect(severities).toEqual(['critical', 'high', 'high', 'medium', 'medium', 'medium', 'low', 'informational', 'informational', 'pending', 'critical']);
    expect((await single({ status: 'firing' })).severity).toBe('pending');
  });

  it('takes the title from summary, title, alertname, else a default; the body from description or message', async () => {
    const titleOf = async (annotations: Record<string, string>, labels: Record<string, string> = {}) => {
      const e = await single({ status: 'firing', annotations, labels });
      return [e.title, e.body];
    };
    expect(await titleOf({ summary: 'S', title: 'T', description: 'D', message: 'M' }, { alertname: 'A' })).toEqual(['S', 'D']);
    expect(await titleOf({ title: 'T', message: 'M' }, { alertname: 'A' })).toEqual(['T', 'M']);
    expect(await titleOf({}, { alertname: 'A' })).toEqual(['A', '']);
    expect(await titleOf({})).toEqual(['Alertmanager alert', '']);
  });

  it('times a firing alert by startsAt and a resolved one by endsAt, falling back to startsAt, then now', async () => {
    expect((await single({ status: 'resolved', startsAt: '2026-11-01T09:00:00Z', endsAt: '0001-01-01T00:00:00Z' })).occurred_at).toBe('2026-11-01T09:00:00.000Z');
    expect((await single({ status: 'resolved', startsAt: '2026-11-01T09:00:00Z', endsAt: 'soon' })).occurred_at).toBe('2026-11-01T09:00:00.000Z');
    expect((await single({ status: 'firing', startsAt: 'not a time' })).occurred_at).toBe('2026-11-01T12:00:00.000Z');
    expect((await single({ status: 'firing', startsAt: '0001-01-01T00:00:00Z' })).occurred_at).toBe('2026-11-01T12:00:00.000Z');
  });

  it('gives a batch with an Idempotency-Key header numbered dedup keys', async () => {
    const ctx = context({ request: { ...request, idempotency_key: 'batch-1' } });
    const events = accepted(await ingest('alertmanager', { ...header, alerts: [firing, resolved, firing] }, ctx));
    expect(events.map((e) => e.dedup_key)).toEqual(['header:batch-1', 'header:batch-1#1', 'header:batch-1#2']);
  });

  it('accepts the minimal form Alertmanager-compatible senders use', async () => {
    const events = accepted(await ingest('alertmanager', { alerts: [{ status: 'firing', labels: { a: '1' } }] }, context()));
    expect(events.map((e) => [e.title, e.status, e.idempotency_key, e.tags])).toEqual([['Alertmanager alert', 'OPEN', 'a=1', ['a:1']]]);
  });

  it('names the index of every bad alert', async () => {
    expect(await errorsOf({ ...payload, alerts: [firing, { ...resolved, status: 'exploded' }] })).toEqual(['alerts[1].status: must be one of firing, resolved']);
    expect(await errorsOf({
      version: '3', status: 'burning',
      alerts: [{ labels: { instance: 5 } }, { status: 'firing', annotations: [], fingerprint: 'f'.repeat(256), startsAt: 7 }],
    })).toEqual([
      'version: must be "4"',
      'status: must be one of firing, resolved',
      'alerts[0].status: is required',
      'alerts[0].labels.instance: must be a string',
      'alerts[1].annotations: must be an object',
      'alerts[1].startsAt: must be a string',
      'alerts[1].fingerprint: longer than 255 characters',
    ]);
  });

  it(`takes any number of alerts (more than the ${MAX_EVENTS_PER_REQUEST} of other batches), but at least one`, async () => {
    expect(await errorsOf({ version: '4' })).toEqual(['alerts: is required']);
    expect(await errorsOf({ alerts: [] })).toEqual(['alerts: must have at least 1 item']);
    const many = Array.from({ length: 5 * MAX_EVENTS_PER_REQUEST }, (_, i) => ({ status: 'firing', labels: { alertname: 'Many', n: String(i) } }));
    const events = accepted(await ingest('alertmanager', { ...header, alerts: many }, context()));
    expect(events).toHaveLength(5 * MAX_EVENTS_PER_REQUEST);
    expect(new Set(events.map((e) => e.idempotency_key)).size).toBe(5 * MAX_EVENTS_PER_REQUEST);
    expect(await errorsOf([])).toEqual(['body: must be an object']);
  });

  it('cuts over-long label, annotation and URL values with a visible mark instead of refusing them', async () => {
    const mark = (n: number) => `… [truncated ${n} chars]`;
    const url = `http://127.0.0.1:9090/graph?g0.expr=${'a'.repeat(3000)}`;
    const huge = 'd'.repeat(100 * 1024);
    const alert = {
      status: 'firing', fingerprint: 'fp-long',
      labels: { alertname: 'Long', instance: 'i'.repeat(ALERTMANAGER_LABEL_VALUE_MAX + 10) },
      annotations: { summary: 'short', description: huge },
      generatorURL: url,
    };
    const body = { ...header, groupKey: 'g'.repeat(ALERTMANAGER_LABEL_VALUE_MAX + 1), externalURL: `http://am/${'x'.repeat(ALERTMANAGER_URL_MAX)}`, alerts: [alert] };
    expect(await errorsOf(body)).toEqual([]);
    const [e] = accepted(await ingest('alertmanager', body, context()));
    const cutUrl = `${url.slice(0, ALERTMANAGER_URL_MAX)}${mark(url.length - ALERTMANAGER_URL_MAX)}`;
    expect(e.links).toEqual([{ href: cutUrl, text: 'Source' }]);
    const cutDescription = `${huge.slice(0, ALERTMANAGER_ANNOTATION_VALUE_MAX)}${mark(huge.length - ALERTMANAGER_ANNOTATION_VALUE_MAX)}`;
    expect(e.annotations.description).toBe(cutDescription);
    // The body is the description, mark included (the annotation limit is below the body's).
    expect(e.body).toBe(cutDescription);
    expect(e.title).toBe('short');
    const rawAlert = (e.raw as any).alerts[0];
    expect(rawAlert.labels.instance).toBe(`${'i'.repeat(ALERTMANAGER_LABEL_VALUE_MAX)}${mark(10)}`);
    expect(rawAlert.generatorURL).toBe(cutUrl);
    expect(rawAlert.annotations.description).toBe(cutDescription);
    expect((e.raw as any).groupKey).toBe(`${'g'.repeat(ALERTMANAGER_LABEL_VALUE_MAX)}${mark(1)}`);
    expect((e.raw as any).externalURL.endsWith(mark(10))).toBe(true);
    // Values at the limit, and characters outside the BMP, are counted as characters and never split.
    const emoji = '😀'.repeat(ALERTMANAGER_LABEL_VALUE_MAX + 2);
    const exact = await single({ status: 'firing', labels: { a: 'v'.repeat(ALERTMANAGER_LABEL_VALUE_MAX), b: emoji } });
    expect((exact.raw as any).alerts[0].labels).toEqual({ a: 'v'.repeat(ALERTMANAGER_LABEL_VALUE_MAX), b: `${'😀'.repeat(ALERTMANAGER_LABEL_VALUE_MAX)}${mark(2)}` });
  });

  it('keys two alerts that differ only past a cut apart, by the label set as received', async () => {
    const base = 'x'.repeat(ALERTMANAGER_LABEL_VALUE_MAX);
    const [a, b] = accepted(await ingest('alertmanager', { alerts: [{ status: 'firing', labels: { v: `${base}1` } }, { status: 'firing', labels: { v: `${base}2` } }] }, context()));
    expect(a.idempotency_key).not.toBe(b.idempotency_key);
  });

  it('keeps more labels and annotations than other dialects allow, never refusing the count', async () => {
    const labels = Object.fromEntries(Array.from({ length: 3 * ANNOTATIONS_MAX }, (_, i) => [`l${i}`, String(i)]));
    const annotations = Object.fromEntries(Array.from({ length: 3 * ANNOTATIONS_MAX }, (_, i) => [`a${i}`, String(i)]));
    const e = await single({ status: 'firing', labels, annotations });
    expect(Object.keys((e.raw as any).alerts[0].labels)).toHaveLength(3 * ANNOTATIONS_MAX);
    expect(Object.keys(e.annotations).filter((k) => k.startsWith('a'))).toHaveLength(3 * ANNOTATIONS_MAX);
    expect(e.tags).toHaveLength(TAGS_MAX);
  });

  it("keeps in each event's raw only the group-wide entries its alert shares (all of them from Alertmanager itself)", async () => {
    const big = { note: 'n'.repeat(1000) };
    const body = { ...header, commonLabels: { alertname: 'HighCPU', forged: 'yes' }, commonAnnotations: big, alerts: [firing, { ...resolved, annotations: { ...resolved.annotations, ...big } }] };
    const [a, b] = accepted(await ingest('alertmanager', body, context()));
    expect((a.raw as any).commonLabels).toEqual({ alertname: 'HighCPU' });
    expect((a.raw as any).commonAnnotations).toEqual({});
    expect((b.raw as any).commonAnnotations).toEqual(big);
    expect((a.raw as any).groupLabels).toEqual({ alertname: 'HighCPU' });
  });
});
