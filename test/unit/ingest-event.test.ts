// Event dialect (FireHydrant Signals event model).
import { describe, expect, it } from 'vitest';
import { ingest, type IngestContext } from '../../src-main/core/ingest';
import { ANNOTATIONS_MAX, IDEMPOTENCY_KEY_MAX } from '../../src-main/limits';
import { accepted, fixture, ingestContext, refusals, requestMeta } from '../helpers/ingest-fixtures';

const request = requestMeta({ path: '/v1/ingest/event', user_agent: 'datadog-webhook', content_length: 300 });
const context = (over: Partial<IngestContext> = {}) => ingestContext({ request, ...over });
const one = async (body: unknown, ctx = context()) => accepted(await ingest('event', body, ctx))[0];
const errorsOf = async (body: unknown) => refusals(await ingest('event', body, context()));

const SYSTEM = {
  'private.signals.firehydrant.com/actor-source': 'api_key',
  'private.signals.firehydrant.com/via': '/v1/ingest/event',
};

describe('event dialect', () => {
  it('normalizes the open fixture field by field', async () => {
    const body = fixture('event-open.json');
    expect(await one(body)).toEqual({
      schema_version: 1,
      id: 'evt-1',
      organization: 'org-1',
      project: null,
      source: 'event',
      source_name: 'event',
      dialect: 'event',
      received_at: '2026-03-01T12:00:00.000Z',
      occurred_at: '2026-03-01T12:00:00.000Z',
      title: 'CPU usage too high',
      body: 'VM CPU utilization is over 90%',
      severity: 'high',
      level: 'ERROR',
      status: 'OPEN',
      priority: 'HIGH',
      idempotency_key: '18913k2b63ifs',
      tags: ['name:myService', 'region:us-west2'],
      catalog: [],
      annotations: { 'acme-inc/team': 'sre', ...SYSTEM },
      images: [{ src: 'https://example.com/pic.png', alt: 'Snapshot from [P2] [Triggered] [TEST] Signals Test Monitor' }],
      links: [{ href: 'https://datadoghq.com/event/event?id=238472398472582', text: 'Datadog Monitor' }],
      attachments: [],
      indicators: [],
      event_type: 'security_event',
      external_id: null,
      variant: null,
      source_rule_id: null,
      definition_id: null,
      alert_id: null,
      dedup_key: null,
      raw: body,
      request,
    });
  });

  it('normalizes the closed fixture: CLOSED, INFO, informational, same key', async () => {
    const e = await one(fixture('event-closed.json'));
    expect([e.title, e.body, e.status, e.level, e.severity, e.idempotency_key]).toEqual([
      'CPU usage too high', 'VM CPU utilization back under 60%', 'CLOSED', 'INFO', 'informational', '18913k2b63ifs',
    ]);
  });

  it('keeps catalog tags as tags and the payload annotations', async () => {
    const e = await one(fixture('event-catalog-tags.json'));
    expect(e.tags).toEqual(['service:api-gateway', 'environment:production', 'functionality:public-api', 'random-tag']);
    expect(e.annotations).toEqual({ policy: 'escalatable', ...SYSTEM });
    expect(e.catalog).toEqual([]);
  });

  it('cuts a summary over 255 characters to 250 + "..." and puts the rest at the start of body', async () => {
    const exact = 's'.repeat(255);
    expect((await one({ summary: exact, body: 'b' })).title).toBe(exact);
    const e = await one({ summary: 'S'.repeat(250) + 'TAIL-OF-SUMMARY', body: 'original body' });
    expect([e.title, e.body]).toEqual(['S'.repeat(250) + '...', 'TAIL-OF-SUMMARY\n\noriginal body']);
    const noBody = await one({ summary: 'S'.repeat(256) });
    expect([noBody.title, noBody.body]).toEqual(['S'.repeat(250) + '...', 'SSSSSS']);
  });

  it('reads status OPEN|CLOSED in any case or 0|1, default OPEN', async () => {
    const statuses = await Promise.all(['OPEN', 'closed', 'Closed', 0, 1, undefined].map(async (status) => (await one({ summary: 's', status })).status));
    expect(statuses).toEqual(['OPEN', 'CLOSED', 'CLOSED', 'OPEN', 'CLOSED', 'OPEN']);
  });

  it('reads level by name in any case or 0–3 and derives severity; no level means INFO and pending', async () => {
    const levels = await Promise.all(['info', 'WARN', 'Error', 'fatal', 0, 1, 2, 3, undefined].map(async (level) => {
      const e = await one({ summary: 's', level });
      return `${e.level}/${e.severity}`;
    }));
    expect(levels).toEqual([
      'INFO/informational', 'WARN/medium', 'ERROR/high', 'FATAL/critical',
      'INFO/informational', 'WARN/medium', 'ERROR/high', 'FATAL/critical', 'INFO/pending',
    ]);
  });

  it('strips private annotations, sets its own, and reads the notification priority', async () => {
    const e = await one({
      summary: 's',
      annotations: {
        'private.signals.firehydrant.com/actor-source': 'forged',
        'private.signals.firehydrant.com/via': 'forged',
        'private.x': 1,
        'signals.firehydrant.com/notification-priority': 'low',
        count: 3,
      },
    });
    expect(e.annotations).toEqual({ 'signals.firehydrant.com/notification-priority': 'low', count: 3, ...SYSTEM });
    expect(e.priority).toBe('LOW');
    const priorities = await Promise.all(['Medium', 'HIGH', 'whenever'].map(async (p) => (await one({ summary: 's', annotations: { 'signals.firehydrant.com/notification-priority': p } })).priority));
    expect(priorities).toEqual(['MEDIUM', 'HIGH', 'HIGH']);
  });

  it('keeps only the documented keys of images, links and attachments', async () => {
    const e = await one({
      summary: 's',
      images: [{ src: 'https://x.example/a.png', extra: 1 }],
      links: [{ href: 'https://x.example', text: 'X', target: '_blank' }, { href: 'https://y.example' }],
      attachments: [{ filename: 'v.mp3', content_type: 'audio/mpg', size: 43050, label: 'Voicemail', url: 'https://x.example/v.mp3', secret: 's' }],
    });
    expect([e.images, e.links, e.attachments]).toEqual([
      [{ src: 'https://x.example/a.png' }],
      [{ href: 'https://x.example', text: 'X' }, { href: 'https://y.example' }],
      [{ filename: 'v.mp3', content_type: 'audio/mpg', size: 43050, label: 'Voicemail', url: 'https://x.example/v.mp3' }],
    ]);
  });

  it('treats an empty idempotency_key as none', async () => {
    expect((await one({ summary: 's', idempotency_key: '' })).idempotency_key).toBeNull();
  });

  it('refuses an idempotency_key over 255 characters, and only that', async () => {
    expect(await errorsOf({ summary: 's', idempotency_key: 'k'.repeat(IDEMPOTENCY_KEY_MAX + 1) })).toEqual(['idempotency_key: longer than 255 characters']);
    expect(await errorsOf({ summary: 's', idempotency_key: 'k'.repeat(IDEMPOTENCY_KEY_MAX) })).toEqual([]);
  });

  it('lists every field problem at once', async () => {
    expect(await errorsOf({
      body: 5, status: 'DONE', level: 7, tags: [1], annotations: [], images: [{ alt: 'no src' }], links: [{ href: 'ok' }, { href: 3 }],
      attachments: [{ size: -1 }],
    })).toEqual([
      'summary: is required',
      'body: must be a string',
      'status: must be one of OPEN, CLOSED, 0, 1',
      'level: must be one of INFO, WARN, ERROR, FATAL, 0, 1, 2, 3',
      'tags[0]: must be a string',
      'annotations: must be an object',
      'images[0].src: is required',
      'links[1].href: must be a string',
      'attachments[0].size: must be >= 0',
    ]);
    expect(await errorsOf({ summary: '', level: true, status: null })).toEqual([
      'summary: must not be empty', 'status: must be a string or an integer', 'level: must be a string or an integer',
    ]);
    const many = Object.fromEntries(Array.from({ length: ANNOTATIONS_MAX + 1 }, (_, i) => [`k${i}`, i]));
    expect(await errorsOf({ summary: 's', annotations: many })).toEqual([`annotations: must have at most ${ANNOTATIONS_MAX} fields`]);
    expect(await errorsOf('summary')).toEqual(['body: must be an object']);
  });

  it('finds indicators in summary and body by pattern', async () => {
    const e = await one({ summary: 'Traffic from 203.0.113.7', body: 'see https://intel.example.com/ioc/1' });
    expect(e.indicators).toEqual([
      { type: 'ip', value: '203.0.113.7', found_by: ['pattern'] },
      { type: 'url', value: 'https://intel.example.com/ioc/1', found_by: ['pattern'] },
    ]);
  });
});
