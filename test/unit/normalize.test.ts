// Shared normalization rules: enum spellings, level/severity derivation, FireHydrant
// summary/annotation/priority rules, timestamps, slugs, and event assembly.
import { describe, expect, it } from 'vitest';
import { buildEvent, cutSummary, epochSecondsToIso, levelFromSeverity, parseLevel, parseSeverity, parseStatus, priorityFromAnnotations, severityFromLevel, severityFromWord, slugify, stripPrivateAnnotations, systemAnnotations, truncateChars, viaOf } from '../../src-main/core/normalize';
import { parseTimestamp } from '../../src-main/core/timestamps';
import type { RequestMeta, SourceRecord } from '../../src-main/core/types';
import { SUMMARY_CUT, TAG_LENGTH_MAX, TAGS_MAX, TITLE_MAX } from '../../src-main/limits';
import { ingestContext, requestMeta } from '../helpers/ingest-fixtures';

const request = (over: Partial<RequestMeta> = {}) => requestMeta({ path: '/v1/ingest/event', user_agent: 'curl/8.5', content_length: 42, ...over });

const source = (over: Partial<SourceRecord> = {}): SourceRecord => ({
  id: 'src-1', organization: 'org-1', name: 'Acme Monitor', slug: 'acme-monitor', dialect: 'custom', transposer: '{"summary": name}',
  token_hash: null, token_prefix: null, auto_resolve_after_s: null, created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z', ...over,
});

describe('severity', () => {
  it('parses the five names in any case, else pending', () => {
    expect(['Informational', 'low', 'MEDIUM', 'hIgH', 'Critical'].map(parseSeverity)).toEqual(['informational', 'low', 'medium', 'high', 'critical']);
    expect([undefined, null, 3, '', 'Severe', 'info', 'Pending'].map(parseSeverity)).toEqual(['pending', 'pending', 'pending', 'pending', 'pending', 'pending', 'pending']);
  });
  it('reads the looser words of monitoring tools', () => {
    expect(['critical', 'ERROR', 'high', 'warning', 'Warn', 'medium', 'low', 'info', 'Informational', 'page', 5, undefined].map(severityFromWord))
      .toEqual(['critical', 'high', 'high', 'medium', 'medium', 'medium', 'low', 'informational', 'informational', 'pending', 'pending', 'pending']);
  });
});

describe('level and status', () => {
  it('parses levels by name in any case or by integer 0–3', () => {
    expect(['info', 'Warn', 'ERROR', 'fatal', 0, 1, 2, 3].map(parseLevel)).toEqual(['INFO', 'WARN', 'ERROR', 'FATAL', 'INFO', 'WARN', 'ERROR', 'FATAL']);
    expect([4, -1, 1.5, '2', 'debug', null, undefined].map(parseLevel)).toEqual([null, null, null, null, null, null, null]);
  });
  it('parses statuses by name in any case or 0/1', () => {
    expect(['OPEN', 'closed', 'Open', 0, 1].map(parseStatus)).toEqual(['OPEN', 'CLOSED', 'OPEN', 'OPEN', 'CLOSED']);
    expect([2, '0', 'resolved', null].map(parseStatus)).toEqual([null, null, null, null]);
  });
  it('derives severity from level and level from severity', () => {
    expect((['INFO', 'WARN', 'ERROR', 'FATAL'] as const).map(severityFromLevel)).toEqual(['informational', 'medium', 'high', 'critical']);
    expect((['informational', 'pending', 'low', 'medium', 'high', 'critical'] as const).map(levelFromSeverity)).toEqual(['INFO', 'INFO', 'WARN', 'WARN', 'ERROR', 'FATAL']);
  });
});

describe('priority', () => {
  const key = 'signals.firehydrant.com/notification-priority';
  it('comes from the notification-priority annotation in any case, default HIGH', () => {
    expect(priorityFromAnnotations({ [key]: 'low' })).toBe('LOW');
    expect(priorityFromAnnotations({ [key]: 'Medium' })).toBe('MEDIUM');
    expect(priorityFromAnnotations({ [key]: 'HIGH' })).toBe('HIGH');
    expect(priorityFromAnnotations({ [key]: 'urgent' })).toBe('HIGH');
    expect(priorityFromAnnotations({ [key]: 1 })).toBe('HIGH');
    expect(priorityFromAnnotations({})).toBe('HIGH');
  });
});

describe('summary cut', () => {
  it('keeps a summary of up to 255 characters', () => {
    const s = 'a'.repeat(255);
    expect(cutSummary(s, 'body')).toEqual({ title: s, body: 'body' });
  });
  it('cuts a longer one to 250 + "..." and moves the rest to the start of body, a blank line before it', () => {
    const s = 'a'.repeat(250) + 'REST!!';
    expect(cutSummary(s, 'original')).toEqual({ title: 'a'.repeat(250) + '...', body: 'REST!!\n\noriginal' });
    expect(cutSummary(s, '')).toEqual({ title: 'a'.repeat(250) + '...', body: 'REST!!' });
    expect(cutSummary(s, '').title).toHaveLength(SUMMARY_CUT + 3);
  });
  it('counts characters, not UTF-16 units, and never splits one', () => {
    const emoji = '😀'.repeat(255); // 510 UTF-16 units, 255 characters
    expect(cutSummary(emoji, '')).toEqual({ title: emoji, body: '' });
    const longer = '😀'.repeat(256);
    expect(cutSummary(longer, '')).toEqual({ title: '😀'.repeat(250) + '...', body: '😀'.repeat(6) });
    expect(truncateChars('😀😀😀', 2)).toBe('😀😀');
  });
});

describe('annotations', () => {
  it('strips every private.* annotation, whatever its case', () => {
    expect(stripPrivateAnnotations({
      'private.signals.firehydrant.com/actor-source': 'forged', 'private.x': 1, 'Private.y': 2, 'acme/private.z': 3, team: 'sre',
    })).toEqual({ 'acme/private.z': 3, team: 'sre' });
  });
  it('marks API-key requests as api_key and names the route', () => {
    expect(systemAnnotations({ request: request(), source: null, dialect: 'event' })).toEqual({
      'private.signals.firehydrant.com/actor-source': 'api_key',
      'private.signals.firehydrant.com/via': '/v1/ingest/event',
    });
  });
  it('marks configured sources as integration and names the transposer of custom ones', () => {
    expect(systemAnnotations({ request: request({ path: '/v1/ingest/custom/acme-monitor' }), source: source(), dialect: 'custom' })).toEqual({
      'private.signals.firehydrant.com/actor-source': 'integration',
      'private.signals.firehydrant.com/via': '/v1/ingest/custom/acme-monitor',
      'signals.firehydrant.com/transposer-id': 'src-1',
      'signals.firehydrant.com/transposer-name': 'acme-monitor',
    });
  });
  it('never puts a URL token in via, and gives no transposer annotations to other dialects', () => {
    const viaToken = request({ path: '/v1/hooks/syh_secret', auth: 'url_token', key_id: null });
    expect(systemAnnotations({ request: viaToken, source: source({ dialect: 'generic', transposer: null }), dialect: 'generic' })).toEqual({
      'private.signals.firehydrant.com/actor-source': 'integration',
      'private.signals.firehydrant.com/via': '/v1/hooks',
    });
    expect(viaOf(request({ path: '/v1/hooks/{token}', auth: 'url_token' }))).toBe('/v1/hooks');
    expect(viaOf(request({ path: '/v1/hooks/syh_abc' }))).toBe('/v1/hooks');
  });
});

describe('slugify', () => {
  it('makes lowercase ASCII words joined by dashes', () => {
    expect(slugify('Acme Monitor')).toBe('acme-monitor');
    expect(slugify('  Crème Brûlée -- Alerts!! ')).toBe('creme-brulee-alerts');
    expect(slugify('Prod/EU_West 2')).toBe('prod-eu-west-2');
    expect(slugify('x'.repeat(70))).toBe('x'.repeat(63));
    expect(slugify('a'.repeat(62) + ' b')).toBe('a'.repeat(62));
  });
});

describe('timestamps', () => {
  it('parses ISO 8601 date-times and dates to a canonical UTC form', () => {
    expect(parseTimestamp('2025-01-15T10:28:00Z')).toBe('2025-01-15T10:28:00.000Z');
    expect(parseTimestamp('2025-01-15T10:28:00.123456789Z')).toBe('2025-01-15T10:28:00.123Z');
    expect(parseTimestamp('2025-01-15T10:28:00.5+02:00')).toBe('2025-01-15T08:28:00.500Z');
    expect(parseTimestamp('2025-01-15T10:28:00-0530')).toBe('2025-01-15T15:58:00.000Z');
    expect(parseTimestamp('2025-01-15T10:28+01')).toBe('2025-01-15T09:28:00.000Z');
    expect(parseTimestamp('2025-01-15 10:28:00')).toBe('2025-01-15T10:28:00.000Z');
    expect(parseTimestamp('2025-01-15')).toBe('2025-01-15T00:00:00.000Z');
    expect(parseTimestamp('2024-02-29T00:00:00Z')).toBe('2024-02-29T00:00:00.000Z');
    expect(parseTimestamp('0001-01-01T00:00:00Z')).toBe('0001-01-01T00:00:00.000Z');
  });
  it('refuses what is not a real ISO 8601 time', () => {
    for (const bad of ['yesterday', '2025-13-01T00:00:00Z', '2025-02-29T00:00:00Z', '2025-01-32', '2025-01-15T24:00:00Z', '2025-01-15T10:60:00Z',
      '2025-01-15T10:28:61Z', '2025-01-15T10:28:00+25:00', '15/01/2025', '2025-1-5', '1736936880', '', 'Wed, 15 Jan 2025 10:28:00 GMT']) {
      expect(parseTimestamp(bad), bad).toBeNull();
    }
    expect(parseTimestamp(1736936880)).toBeNull();
  });
  it('reads epoch seconds as numbers or numeric strings, fractions too', () => {
    expect(epochSecondsToIso(1590673764)).toBe('2020-05-28T13:49:24.000Z');
    expect(epochSecondsToIso(1590673764.25)).toBe('2020-05-28T13:49:24.250Z');
    expect(epochSecondsToIso('1590673764.5')).toBe('2020-05-28T13:49:24.500Z');
    expect(epochSecondsToIso(0)).toBe('1970-01-01T00:00:00.000Z');
    expect([-1, 'abc', '1e9', Infinity, NaN, null, 1e20].map(epochSecondsToIso)).toEqual([null, null, null, null, null, null, null]);
  });
});

describe('buildEvent', () => {
  // One context for the whole block: its ids count on from test to test.
  const ctx = ingestContext({ receivedAt: new Date('2026-03-01T12:00:00.000Z'), request: request() });

  it('fills every shared field with its default', () => {
    const raw = { summary: 'x' };
    expect(buildEvent(ctx, { dialect: 'event', raw, title: 'x' })).toEqual({
      schema_version: 1, id: 'evt-1', organization: 'org-1', project: null, source: 'event', source_name: 'event', dialect: 'event',
      received_at: '2026-03-01T12:00:00.000Z', occurred_at: '2026-03-01T12:00:00.000Z', title: 'x', body: '', severity: 'pending',
      level: 'INFO', status: 'OPEN', priority: 'HIGH', idempotency_key: null, tags: [], catalog: [],
      annotations: { 'private.signals.firehydrant.com/actor-source': 'api_key', 'private.signals.firehydrant.com/via': '/v1/ingest/event' },
      images: [], links: [], attachments: [], indicators: [], event_type: 'security_event', external_id: null, variant: null,
      source_rule_id: null, definition_id: null, alert_id: null, dedup_key: null, raw, request: request(),
    });
  });

  it('derives level from severity and priority from annotations unless given', () => {
    const e = buildEvent(ctx, { dialect: 'event', raw: {}, title: 't', severity: 'critical', annotations: { 'signals.firehydrant.com/notification-priority': 'medium' } });
    expect([e.severity, e.level, e.priority]).toEqual(['critical', 'FATAL', 'MEDIUM']);
  });

  it('bounds title and tags, and keeps each tag once', () => {
    const tags = ['a', 'a', 'b', '', 'x'.repeat(TAG_LENGTH_MAX + 5), ...Array.from({ length: TAGS_MAX + 10 }, (_, i) => `t${i}`)];
    const e = buildEvent(ctx, { dialect: 'generic', raw: {}, title: 'T'.repeat(TITLE_MAX + 1), tags });
    expect(e.title).toBe('T'.repeat(TITLE_MAX));
    expect(e.tags).toHaveLength(TAGS_MAX);
    expect(e.tags.slice(0, 4)).toEqual(['a', 'b', 'x'.repeat(TAG_LENGTH_MAX), 't0']);
  });

  it('uses the source id and name for configured sources, and a given id', () => {
    const e = buildEvent({ ...ctx, source: source({ dialect: 'event', transposer: null }) }, { dialect: 'event', raw: {}, title: 't', id: 'given-id' });
    expect([e.id, e.source, e.source_name, e.annotations['private.signals.firehydrant.com/actor-source']]).toEqual(['given-id', 'src-1', 'Acme Monitor', 'integration']);
  });
});
