// Generic dialect (Calseta generic webhook source).
import { describe, expect, it } from 'vitest';
import { ingest, type IngestContext } from '../../src-main/core/ingest';
import type { SourceRecord } from '../../src-main/core/types';
import { INDICATOR_VALUE_MAX, INDICATORS_MAX, TAG_LENGTH_MAX, TAGS_MAX, TITLE_MAX } from '../../src-main/limits';
import { accepted, fixture, ingestContext, refusals, requestMeta } from '../helpers/ingest-fixtures';

const request = requestMeta({ path: '/v1/ingest/generic', user_agent: 'curl/8.5', content_length: 420 });
const context = (over: Partial<IngestContext> = {}) => ingestContext({ request, ...over });
const one = async (body: unknown, ctx = context()) => accepted(await ingest('generic', body, ctx))[0];
const errorsOf = async (body: unknown) => refusals(await ingest('generic', body, context()));

describe('generic dialect', () => {
  it('normalizes the fixture field by field', async () => {
    const body = fixture('generic-alert.json');
    expect(await one(body)).toEqual({
      schema_version: 1,
      id: 'evt-1',
      organization: 'org-1',
      project: null,
      source: 'generic',
      source_name: 'generic',
      dialect: 'generic',
      received_at: '2026-03-01T12:00:00.000Z',
      occurred_at: '2025-01-15T10:28:00.000Z',
      title: 'Suspicious Process Execution',
      body: 'cmd.exe spawned from Excel.exe on WORKSTATION-42',
      severity: 'high',
      level: 'ERROR',
      status: 'OPEN',
      priority: 'HIGH',
      idempotency_key: null,
      tags: ['endpoint', 'execution'],
      catalog: [],
      annotations: {
        'private.signals.firehydrant.com/actor-source': 'api_key',
        'private.signals.firehydrant.com/via': '/v1/ingest/generic',
      },
      images: [],
      links: [],
      attachments: [],
      indicators: [
        { type: 'ip', value: '10.0.0.42', found_by: ['explicit'] },
        { type: 'hash_sha256', value: 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90', found_by: ['explicit'] },
        { type: 'account', value: 'jsmith@company.com', found_by: ['explicit'] },
      ],
      event_type: 'security_event',
      external_id: null,
      variant: null,
      source_rule_id: 'RULE-001',
      definition_id: null,
      alert_id: null,
      dedup_key: null,
      raw: body,
      request,
    });
  });

  it('defaults severity to pending (level INFO), the time to now, and the rest to empty', async () => {
    const e = await one({ title: 'only a title' });
    expect({
      severity: e.severity, level: e.level, status: e.status, priority: e.priority, occurred_at: e.occurred_at, body: e.body,
      tags: e.tags, source_rule_id: e.source_rule_id, indicators: e.indicators,
    }).toEqual({
      severity: 'pending', level: 'INFO', status: 'OPEN', priority: 'HIGH', occurred_at: '2026-03-01T12:00:00.000Z', body: '',
      tags: [], source_rule_id: null, indicators: [],
    });
  });

  it('reads severity in any case and derives the level from it', async () => {
    const pairs: [string, string, string][] = [
      ['informational', 'informational', 'INFO'], ['LOW', 'low', 'WARN'], ['Medium', 'medium', 'WARN'], ['high', 'high', 'ERROR'], ['cRiTiCaL', 'critical', 'FATAL'],
    ];
    for (const [given, severity, level] of pairs) {
      const e = await one({ title: 't', severity: given });
      expect([e.severity, e.level], given).toEqual([severity, level]);
    }
  });

  it('converts occurred_at with an offset to UTC', async () => {
    expect((await one({ title: 't', occurred_at: '2025-01-15T12:28:00+02:00' })).occurred_at).toBe('2025-01-15T10:28:00.000Z');
  });

  it('adds the other passes to explicit indicators, merging what they share', async () => {
    const e = await one({ title: 'Beacon from 10.0.0.42', description: 'to evil.example.com', src_ip: '10.0.0.42', indicators: [{ type: 'ip', value: '10.0.0.42' }] });
    expect(e.indicators).toEqual([
      { type: 'ip', value: '10.0.0.42', found_by: ['explicit', 'system', 'pattern'] },
      { type: 'domain', value: 'evil.example.com', found_by: ['pattern'] },
    ]);
  });

  it('marks a configured generic source as integration without transposer annotations', async () => {
    const source: SourceRecord = {
      id: 'src-9', organization: 'org-1', name: 'Hook Source', slug: 'hook-source', dialect: 'generic', transposer: null,
      token_hash: 'h', token_prefix: 'syh_ab', auto_resolve_after_s: null, created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z',
    };
    const e = await one({ title: 't' }, context({ source, request: { ...request, path: '/v1/hooks/{token}', auth: 'url_token', key_id: null } }));
    expect([e.source, e.source_name]).toEqual(['src-9', 'Hook Source']);
    expect(e.annotations).toEqual({
      'private.signals.firehydrant.com/actor-source': 'integration',
      'private.signals.firehydrant.com/via': '/v1/hooks',
    });
  });

  it('lists every field problem at once', async () => {
    expect(await errorsOf({
      severity: 'Severe', occurred_at: 'yesterday', tags: 'x', source_rule_id: 7,
      indicators: [{ type: 'ip', value: 'not-an-ip' }, { type: 'mac', value: 'aa' }, { value: 'x' }],
    })).toEqual([
      'title: is required',
      'severity: must be one of Informational, Low, Medium, High, Critical',
      'occurred_at: must be an ISO 8601 timestamp',
      'tags: must be an array',
      'source_rule_id: must be a string',
      'indicators[1].type: must be one of ip, domain, hash_md5, hash_sha1, hash_sha256, url, email, account',
      'indicators[2].type: is required',
      'indicators[0].value: is not a valid ip',
    ]);
  });

  it('checks each indicator value against its type, naming its index', async () => {
    expect(await errorsOf({
      title: 't',
      indicators: [
        { type: 'ip', value: '10.0.0.1' },
        { type: 'domain', value: 'not_a_domain' },
        { type: 'hash_md5', value: 'abc' },
        { type: 'hash_sha1', value: 'a'.repeat(32) },
        { type: 'hash_sha256', value: 'a1b2c3d4e5f6...' },
        { type: 'url', value: 'javascript:alert(1)' },
        { type: 'email', value: 'jsmith' },
        { type: 'account', value: '  ' },
        { type: 'ip', value: '' },
      ],
    })).toEqual([
      'indicators[8].value: must not be empty',
      'indicators[1].value: is not a valid domain',
      'indicators[2].value: is not a valid hash_md5',
      'indicators[3].value: is not a valid hash_sha1',
      'indicators[4].value: is not a valid hash_sha256',
      'indicators[5].value: is not a valid url',
      'indicators[6].value: is not a valid email',
      'indicators[7].value: is not a valid account',
    ]);
  });

  it('bounds title, tags and indicators', async () => {
    expect(await errorsOf({
      title: 'x'.repeat(TITLE_MAX + 1),
      tags: [...Array.from({ length: TAGS_MAX }, () => 'ok'), 'x'.repeat(TAG_LENGTH_MAX + 1)],
      indicators: Array.from({ length: INDICATORS_MAX + 1 }, () => ({ type: 'account', value: 'a' })),
    })).toEqual([
      `title: longer than ${TITLE_MAX} characters`,
      `tags: must have at most ${TAGS_MAX} items`,
      `tags[${TAGS_MAX}]: longer than ${TAG_LENGTH_MAX} characters`,
      `indicators: must have at most ${INDICATORS_MAX} items`,
    ]);
    expect(await errorsOf({ title: 't', indicators: [{ type: 'ip', value: '1'.repeat(INDICATOR_VALUE_MAX + 1) }] })).toEqual([
      `indicators[0].value: longer than ${INDICATOR_VALUE_MAX} characters`,
    ]);
    expect(await errorsOf({ title: '' })).toEqual(['title: must not be empty']);
    expect(await errorsOf({ title: 't', tags: ['a', 3] })).toEqual(['tags[1]: must be a string']);
  });

  it('refuses a body that is not an object', async () => {
    for (const body of [[], null, 'title', 42]) expect(await errorsOf(body)).toEqual(['body: must be an object']);
  });
});
