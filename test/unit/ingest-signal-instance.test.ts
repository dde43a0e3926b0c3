// Signal instance dialect (Dispatch /signals/instances).
import { describe, expect, it } from 'vitest';
import { ingest, type IngestContext } from '../../src-main/core/ingest';
import { INSTANCE_ID_MAX, NAME_MAX } from '../../src-main/limits';
import { accepted, fixture, ingestContext, refusals, requestMeta } from '../helpers/ingest-fixtures';

const request = requestMeta({ path: '/api/v1/default/signals/instances', remote_address: '10.1.2.3', user_agent: 'python-requests/2.31', content_length: 512 });
const context = (over: Partial<IngestContext> = {}) => ingestContext({ request, ...over });
const one = async (raw: Record<string, unknown>, ctx = context()) => accepted(await ingest('signal_instance', { project: 'Test', raw }, ctx))[0];
const errorsOf = async (body: unknown) => refusals(await ingest('signal_instance', body, context()));

describe('signal instance dialect', () => {
  it('normalizes the fixture: raw.id is the event id and the dedup key, raw.name the title', async () => {
    const body = fixture('dispatch-signal-instance.json');
    expect(accepted(await ingest('signal_instance', body, context()))).toEqual([{
      schema_version: 1,
      id: '6b1f7c2e-3f0a-4c8e-9a51-2d4e8b7f1c90',
      organization: 'org-1',
      project: 'Test',
      source: 'signal_instance',
      source_name: 'signal_instance',
      dialect: 'signal_instance',
      received_at: '2026-03-01T12:00:00.000Z',
      occurred_at: '2022-10-19T10:35:01.000Z',
      title: 'process_events',
      body: '',
      severity: 'pending',
      level: 'INFO',
      status: 'OPEN',
      priority: 'HIGH',
      idempotency_key: null,
      tags: [],
      catalog: [],
      annotations: {
        'private.signals.firehydrant.com/actor-source': 'api_key',
        'private.signals.firehydrant.com/via': '/api/v1/default/signals/instances',
      },
      images: [],
      links: [],
      attachments: [],
      indicators: [],
      event_type: 'security_event',
      external_id: 'someExternalValue',
      variant: 'A',
      source_rule_id: null,
      definition_id: null,
      alert_id: null,
      dedup_key: 'instance:6b1f7c2e-3f0a-4c8e-9a51-2d4e8b7f1c90',
      raw: body,
      request,
    }]);
  });

  it('generates an id when raw.id is absent, and then the Idempotency-Key header is the dedup key', async () => {
    const e = await one({ name: 'n' });
    expect([e.id, e.dedup_key]).toEqual(['evt-1', null]);
    const keyed = await one({ name: 'n' }, context({ request: { ...request, idempotency_key: 'retry-7' } }));
    expect(keyed.dedup_key).toBe('header:retry-7');
    const both = await one({ id: 'sig-1', name: 'n' }, context({ request: { ...request, idempotency_key: 'retry-7' } }));
    expect([both.id, both.dedup_key]).toEqual(['sig-1', 'instance:sig-1']);
  });

  it('takes the title from title, summary, name, externalId, else "Signal"', async () => {
    expect((await one({ title: 'T', summary: 'S', name: 'N', externalId: 'X' })).title).toBe('T');
    expect((await one({ summary: 'S', name: 'N', externalId: 'X' })).title).toBe('S');
    expect((await one({ name: 'N', externalId: 'X' })).title).toBe('N');
    expect((await one({ externalId: 'X' })).title).toBe('X');
    expect((await one({ title: '', name: 42 })).title).toBe('Signal');
  });

  it('reads description, severity, tags and idempotency_key when they have the right shape', async () => {
    const e = await one({ name: 'n', description: 'details', severity: 'critical', tags: ['a', 'b'], idempotency_key: 'k1' });
    expect([e.body, e.severity, e.level, e.tags, e.idempotency_key]).toEqual(['details', 'critical', 'FATAL', ['a', 'b'], 'k1']);
    const loose = await one({ name: 'n', description: 5, severity: 'sev1', tags: ['a', 1], idempotency_key: 'k'.repeat(256) });
    expect([loose.body, loose.severity, loose.level, loose.tags, loose.idempotency_key]).toEqual(['', 'pending', 'INFO', [], null]);
  });

  it('takes occurred_at from calendarTime, else time (epoch seconds), else now', async () => {
    expect((await one({ calendarTime: '2022-10-19T10:35:01Z', time: 1618698901 })).occurred_at).toBe('2022-10-19T10:35:01.000Z');
    expect((await one({ calendarTime: 'last tuesday', time: 1618698901 })).occurred_at).toBe('2021-04-17T22:35:01.000Z');
    expect((await one({ time: 1618698901.5 })).occurred_at).toBe('2021-04-17T22:35:01.500Z');
    expect((await one({})).occurred_at).toBe('2026-03-01T12:00:00.000Z');
  });

  it('needs raw, and names it when missing', async () => {
    expect(await errorsOf({})).toEqual(['raw: is required']);
    expect(await errorsOf([])).toEqual(['body: must be an object']);
  });

  it('takes project as a name, as Dispatch\'s ProjectRead object, or absent/null (the organization\'s default: no label)', async () => {
    const projectOf = async (body: Record<string, unknown>) => accepted(await ingest('signal_instance', { raw: { name: 'n' }, ...body }, context()))[0].project;
    expect(await projectOf({ project: 'Test' })).toBe('Test');
    expect(await projectOf({ project: { id: 1, name: 'default', display_name: 'Default', color: null, default: true } })).toBe('default');
    expect(await projectOf({})).toBeNull();
    expect(await projectOf({ project: null })).toBeNull();
    expect(await errorsOf({ project: { id: 1 }, raw: {} })).toEqual(['project.name: is required']);
    expect(await errorsOf({ project: { name: '' }, raw: {} })).toEqual(['project.name: must not be empty']);
    expect(await errorsOf({ project: 7, raw: {} })).toEqual(['project: must be a string or an object or null']);
    expect(await errorsOf({ project: 'x'.repeat(NAME_MAX + 1), raw: {} })).toEqual([`project: longer than ${NAME_MAX} characters`]);
  });

  it('takes Dispatch\'s top-level external_id when raw.externalId is absent', async () => {
    const e = accepted(await ingest('signal_instance', { project: null, external_id: 'ext-top', raw: { name: 'n' } }, context()))[0];
    expect(e.external_id).toBe('ext-top');
    const both = accepted(await ingest('signal_instance', { external_id: 'ext-top', raw: { externalId: 'ext-raw' } }, context()))[0];
    expect(both.external_id).toBe('ext-raw');
    expect(await errorsOf({ external_id: 5, raw: {} })).toEqual(['external_id: must be a string or null']);
  });

  it('checks project, raw and raw.id', async () => {
    expect(await errorsOf({ project: '', raw: [] })).toEqual(['project: must not be empty', 'raw: must be an object']);
    expect(await errorsOf({ project: 'p', raw: { id: 42, externalId: 1, variant: false } })).toEqual([
      'raw.id: must be a string', 'raw.externalId: must be a string', 'raw.variant: must be a string',
    ]);
    expect(await errorsOf({ project: 'p', raw: { id: 'has space/slash' } })).toEqual(['raw.id: must match the pattern ^[A-Za-z0-9._:-]+$']);
    expect(await errorsOf({ project: 'p', raw: { id: 'a'.repeat(INSTANCE_ID_MAX + 1) } })).toEqual([`raw.id: longer than ${INSTANCE_ID_MAX} characters`]);
    expect(await errorsOf({ project: 'p', raw: { id: 'a'.repeat(INSTANCE_ID_MAX) } })).toEqual([]);
  });
});
