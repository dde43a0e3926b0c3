// Transform renderer: labels, dynamic tags, removals, search links, formats, parents.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ingest, type IngestContext } from '../../src-main/core/ingest';
import { parseKeyPath, recordOf, render, type RenderContext } from '../../src-main/core/transform/render';
import type { TransformConfig, TransformLabel, TransformOp } from '../../src-main/core/transform/types';
import type { NormalizedEvent, RequestMeta } from '../../src-main/core/types';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'));
type Rec = Record<string, unknown>;

const KIBANA = 'https://kibana.local/app/discover#/?query={{value}}';
const FIXTURE_TAGS = { index: 'main', provider_id: 'Lotlux-7' };

const request: RequestMeta = {
  method: 'POST', path: '/services/collector/event', remote_address: '127.0.0.1', user_agent: 'test', content_length: 100,
  content_type: 'application/json', auth: 'api_key', key_id: 'key-1', idempotency_key: null,
};

async function eventsOf(dialect: 'splunk_hec' | 'generic', body: unknown): Promise<NormalizedEvent[]> {
  let n = 0;
  const ctx: IngestContext = {
    organization: { id: 'org-child', slug: 'child', name: 'Child', parent_id: 'org-partner', created_at: '2026-01-01T00:00:00.000Z' },
    source: null, receivedAt: new Date('2026-03-01T12:00:00.000Z'), request, customMappings: [], newId: () => `evt-${++n}`,
  };
  const outcome = await ingest(dialect, body, ctx);
  if (!outcome.ok) throw new Error(outcome.errors.join('; '));
  return outcome.events;
}

/** The HEC fixture as records: the detection, then its correlated event. */
async function fixtureRecords(): Promise<Rec[]> {
  return (await eventsOf('splunk_hec', fixture('splunk-hec-detection-with-events.json'))).map(recordOf);
}

/** The fixture's inner `event` objects, read straight from the file (the expected base). */
function fixtureEvents(): Rec[] {
  return (fixture('splunk-hec-detection-with-events.json') as { event: Rec }[]).map((e) => e.event);
}

function configOf(over: Partial<TransformConfig> = {}): TransformConfig {
  const body = fixture('transform-config.json') as { name: string; default_label: TransformLabel[]; transform: TransformOp[] };
  return {
    id: 'tc-1', organization: 'org-child', name: body.name, format: 'splunk',
    event_type: ['security_incident', 'security_detection', 'security_event'],
    default_label: body.default_label, transform: body.transform,
    version: 1, created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z', ...over,
  };
}

function bare(over: Partial<TransformConfig>): TransformConfig {
  return configOf({ format: 'default', default_label: [], transform: [], ...over });
}

const ctxOf = (over: Partial<RenderContext> = {}): RenderContext => ({ tags: {}, searchUrlTemplate: KIBANA, ...over });

function without(record: Rec, key: string): Rec {
  const { [key]: _dropped, ...rest } = record;
  return rest;
}

const LABELS = { idx: 'Alpha', customer_id: 'Cardify', account_id: 'Home' };

describe('the fixture transform config over the HEC detection with events (splunk format)', () => {
  it('gives two envelopes: index main, provider_id from the tag store, no classificationTag, provider_type left out', async () => {
    const [detection, event] = fixtureEvents();
    const result = render(configOf(), { records: await fixtureRecords() }, ctxOf({ tags: FIXTURE_TAGS }));
    expect(result.payload).toEqual([
      {
        time: 1590673764,
        sourcetype: '_json',
        index: 'main',
        event: { ...without(detection, 'classificationTag'), ...LABELS, provider_id: 'Lotlux-7' },
      },
      {
        time: 1590673504,
        sourcetype: '_json',
        index: 'main',
        event: { ...event, ...LABELS, provider_id: 'Lotlux-7' },
      },
    ]);
    const first = (result.payload[0] as { event: Rec }).event;
    expect(Object.hasOwn(first, 'classificationTag')).toBe(false);
    expect(Object.hasOwn(first, 'provider_type')).toBe(false);
    expect(result.unresolved).toEqual(['provider_type']);
    // HEC records carry the SIEM document, which has no event_uuid: no link, and the preview says why.
    expect(result.notes).toEqual([
      'records[0]: transform[4] link_event_kibana: the record has no event_uuid; key left out',
      'records[1]: transform[4] link_event_kibana: the record has no event_uuid; key left out',
    ]);
  });

  it('lets the operation win over a label of the same key: labels apply first, then operations in order', async () => {
    const result = render(configOf(), { records: await fixtureRecords() }, ctxOf({ tags: FIXTURE_TAGS }));
    // default_label says provider_id "Lotlux"; the later add_dynamic_tag writes the looked-up value.
    expect(result.payload.map((p) => (p as { event: Rec }).event.provider_id)).toEqual(['Lotlux-7', 'Lotlux-7']);
  });

  it('resolves {{provider_id}} from the record (the label just added) when the tag store lacks it', async () => {
    const result = render(configOf(), { records: await fixtureRecords() }, ctxOf({ tags: { index: 'main' } }));
    expect(result.payload.map((p) => (p as { event: Rec }).event.provider_id)).toEqual(['Lotlux', 'Lotlux']);
    expect(result.unresolved).toEqual(['provider_type']);
  });

  it('leaves index out of the envelope when the tag store has no index', async () => {
    const result = render(configOf(), { records: await fixtureRecords() }, ctxOf({ tags: { provider_id: 'Lotlux-7' } }));
    expect(result.payload.map((p) => Object.hasOwn(p as Rec, 'index'))).toEqual([false, false]);
    expect(result.unresolved).toEqual(['index', 'provider_type']);
  });

  it('adds the search link where the record has the named field, URL-encoded', async () => {
    const [generic] = await eventsOf('generic', { title: 'Brute force', occurred_at: '2026-03-01T11:59:30Z' });
    const records = [...(await fixtureRecords()), recordOf({ ...generic, id: 'evt 9/ä' })];
    const result = render(configOf(), { records }, ctxOf({ tags: FIXTURE_TAGS }));
    const events = result.payload.map((p) => (p as { event: Rec }).event);
    expect(events.map((e) => e.link_event_kibana)).toEqual([
      undefined, undefined, 'https://kibana.local/app/discover#/?query=evt%209%2F%C3%A4',
    ]);
    expect(result.notes).toEqual([
      'records[0]: transform[4] link_event_kibana: the record has no event_uuid; key left out',
      'records[1]: transform[4] link_event_kibana: the record has no event_uuid; key left out',
    ]);
    // A flat record's time is its occurred_at.
    expect((result.payload[2] as Rec).time).toBe(Date.parse('2026-03-01T11:59:30Z') / 1000);
  });

  it('links by eventId for the correlated event when the operation names that field', async () => {
    const config = configOf({ transform: [{ type: 'add_log_search_url', key: 'link_event_kibana', value: 'eventId' }] });
    const result = render(config, { records: await fixtureRecords() }, ctxOf());
    expect(result.payload.map((p) => (p as { event: Rec }).event.link_event_kibana)).toEqual([
      undefined, 'https://kibana.local/app/discover#/?query=f97b30ac-3bd6-4040-b5b5-93c11825f231',
    ]);
  });

  it('without a search URL template leaves the link out and says so once', async () => {
    const [generic] = await eventsOf('generic', { title: 'A' });
    const records = [recordOf(generic), recordOf(generic)];
    const result = render(configOf(), { records }, ctxOf({ tags: FIXTURE_TAGS, searchUrlTemplate: null }));
    expect(result.payload.map((p) => Object.hasOwn((p as { event: Rec }).event, 'link_event_kibana'))).toEqual([false, false]);
    expect(result.notes).toEqual(['transform[4] link_event_kibana: no search URL template is set; key left out']);
  });

  it('never modifies the input records', async () => {
    const records = await fixtureRecords();
    const before = structuredClone(records);
    const result = render(configOf(), { records }, ctxOf({ tags: FIXTURE_TAGS }));
    expect(records).toEqual(before);
    expect((result.payload[0] as { event: Rec }).event).not.toBe(records[0]);
  });
});

describe('add_dynamic_tag templates', () => {
  const record = { host: 'web-1', count: 3, flag: false, nothing: null, nested: { site: 'ams' }, list: [1, 2] };

  it('fills several placeholders, from tags and from the record, turning values into text', () => {
    const config = bare({
      transform: [
        { type: 'add_dynamic_tag', key: 'where', value: '{{ region }}/{{host}}#{{count}}:{{flag}}' },
        { type: 'add_dynamic_tag', key: 'site', value: '{{[nested].site}}' },
        { type: 'add_dynamic_tag', key: 'obj', value: '{{nested}}{{list}}' },
        { type: 'add_dynamic_tag', key: 'static', value: 'no placeholders' },
      ],
    });
    const result = render(config, { records: [record] }, ctxOf({ tags: { region: 'eu' } }));
    expect(result.payload).toEqual([
      { ...record, where: 'eu/web-1#3:false', site: 'ams', obj: '{"site":"ams"}[1,2]', static: 'no placeholders' },
    ]);
    expect(result.unresolved).toEqual([]);
    expect(result.notes).toEqual([]);
  });

  it('prefers the tag store over the record', () => {
    const config = bare({ transform: [{ type: 'add_dynamic_tag', key: 'out', value: '{{host}}' }] });
    expect(render(config, { records: [record] }, ctxOf({ tags: { host: 'from-tags' } })).payload).toEqual([{ ...record, out: 'from-tags' }]);
  });

  it('an empty tag value resolves (to empty text)', () => {
    const config = bare({ transform: [{ type: 'add_dynamic_tag', key: 'out', value: '[{{blank}}]' }] });
    expect(render(config, { records: [{}] }, ctxOf({ tags: { blank: '' } })).payload).toEqual([{ out: '[]' }]);
  });

  it('leaves the key out when any placeholder is unresolved, reports each name once, keeps an existing value', () => {
    const config = bare({
      transform: [
        { type: 'add_dynamic_tag', key: 'out', value: '{{host}}-{{missing}}' },
        { type: 'add_dynamic_tag', key: 'host', value: '{{nothing}}' },
        { type: 'add_dynamic_tag', key: 'also', value: '{{missing}}{{dotted.tag}}' },
      ],
    });
    const result = render(config, { records: [record, record] }, ctxOf());
    // null counts as no value; `host` keeps what the record had; nothing is written empty.
    expect(result.payload).toEqual([record, record]);
    expect(result.unresolved).toEqual(['missing', 'nothing', 'dotted.tag']);
  });

  it('reaches dotted tag keys through the tag store', () => {
    const config = bare({ transform: [{ type: 'add_dynamic_tag', key: 'out', value: '{{dotted.tag}}' }] });
    expect(render(config, { records: [{}] }, ctxOf({ tags: { 'dotted.tag': 'yes' } })).payload).toEqual([{ out: 'yes' }]);
  });

  it('does not read inherited properties of the tag store or the record', () => {
    const config = bare({ transform: [{ type: 'add_dynamic_tag', key: 'out', value: '{{toString}}{{hasOwnProperty}}' }] });
    const result = render(config, { records: [{}] }, ctxOf());
    expect(result.payload).toEqual([{}]);
    expect(result.unresolved).toEqual(['toString', 'hasOwnProperty']);
  });
});

describe('remove_dynamic_tag', () => {
  it('deletes the key and blocks later operations from writing it, saying which removal blocked', () => {
    const config = bare({
      default_label: [{ key: 'classificationTag', value: 'from-label' }],
      transform: [
        { type: 'remove_dynamic_tag', key: 'classificationTag', value: null },
        { type: 'add_dynamic_tag', key: 'classificationTag', value: 'again' },
        { type: 'add_log_search_url', key: 'classificationTag', value: 'id' },
        { type: 'remove_dynamic_tag', key: 'absent' },
        { type: 'add_dynamic_tag', key: 'kept', value: 'yes' },
      ],
    });
    const result = render(config, { records: [{ id: 'x', classificationTag: 'secret' }, { id: 'y' }] }, ctxOf());
    expect(result.payload).toEqual([{ id: 'x', kept: 'yes' }, { id: 'y', kept: 'yes' }]);
    expect(result.notes).toEqual([
      'transform[1] classificationTag: not written, removed by transform[0] classificationTag',
      'transform[2] classificationTag: not written, removed by transform[0] classificationTag',
    ]);
  });

  it('blocks writes below the removed key, and a nested removal leaves its siblings', () => {
    const config = bare({
      transform: [
        { type: 'remove_dynamic_tag', key: 'meta' },
        { type: 'add_dynamic_tag', key: '[meta].x', value: '1' },
        { type: 'remove_dynamic_tag', key: '[event].secret' },
      ],
    });
    const result = render(config, { records: [{ meta: { a: 1 }, event: { secret: 's', other: 'o' } }] }, ctxOf());
    expect(result.payload).toEqual([{ event: { other: 'o' } }]);
    expect(result.notes).toEqual(['transform[1] [meta].x: not written, removed by transform[0] meta']);
  });

  it('in splunk format removes from the event, or from the envelope for envelope fields', () => {
    const config = configOf({
      default_label: [{ key: 'host', value: 'h1' }],
      transform: [
        { type: 'remove_dynamic_tag', key: '[event].classificationTag' },
        { type: 'add_dynamic_tag', key: 'classificationTag', value: 'x' },
        { type: 'remove_dynamic_tag', key: 'host' },
      ],
    });
    const result = render(config, { records: [{ startTime: 10, classificationTag: null, a: 1 }] }, ctxOf());
    expect(result.payload).toEqual([{ time: 10, sourcetype: '_json', event: { startTime: 10, a: 1 } }]);
    // `classificationTag` and `[event].classificationTag` are the same place in a HEC envelope.
    expect(result.notes).toEqual(['transform[1] classificationTag: not written, removed by transform[0] [event].classificationTag']);
  });
});

describe('formats and key paths', () => {
  const config = (format: 'default' | 'splunk'): TransformConfig => bare({
    format,
    default_label: [
      { key: 'index', value: 'sec' },
      { key: 'team', value: 'blue' },
      { key: '[event].provider_id', value: 'P1' },
      { key: '[nested].key', value: 'Alpha' },
      { key: '[fields].tenant', value: 'acme' },
      { key: 'event', value: 'plain' },
      { key: 'host', value: 'hub' },
    ],
  });

  it('default: an array of records; bracket paths create the objects they write into', () => {
    const result = render(config('default'), { records: [{ a: 1 }] }, ctxOf());
    expect(result.payload).toEqual([{
      a: 1, index: 'sec', team: 'blue', event: 'plain', nested: { key: 'Alpha' }, fields: { tenant: 'acme' }, host: 'hub',
    }]);
    // `event` was an object when [event].provider_id wrote, then the plain `event` label replaced it.
    expect(result.notes).toEqual([]);
  });

  it('default: a path through a non-object is not written, with a note', () => {
    const cfg = bare({ default_label: [{ key: '[event].provider_id', value: 'P1' }, { key: '[list].x', value: 'L' }] });
    const result = render(cfg, { records: [{ event: 'text', list: [1] }] }, ctxOf());
    expect(result.payload).toEqual([{ event: 'text', list: [1] }]);
    expect(result.notes).toEqual([
      'records[0]: default_label[0] [event].provider_id: not written, event is not an object',
      'records[0]: default_label[1] [list].x: not written, list is not an object',
    ]);
  });

  it('splunk: envelope fields on the envelope, [event].x and other keys inside the event, [fields].x in HEC fields', () => {
    const result = render(config('splunk'), { records: [{ a: 1, startTime: 1590673764 }] }, ctxOf());
    expect(result.payload).toEqual([{
      time: 1590673764,
      sourcetype: '_json',
      index: 'sec',
      host: 'hub',
      fields: { tenant: 'acme' },
      event: { a: 1, startTime: 1590673764, team: 'blue', provider_id: 'P1', nested: { key: 'Alpha' }, event: 'plain' },
    }]);
  });

  it('splunk: time is the integer epoch seconds of startTime (seconds, milliseconds or text) or occurred_at', () => {
    const records = [
      { startTime: 1590673764.9 },
      { startTime: 1590673764004 },
      { startTime: '1590673764' },
      { startTime: '2020-05-28T13:49:24.500Z' },
      { occurred_at: '2026-03-01T11:59:30.250Z' },
      { startTime: null, occurred_at: '2026-03-01T11:59:30Z' },
    ];
    const result = render(bare({ format: 'splunk' }), { records }, ctxOf());
    expect(result.payload.map((p) => (p as Rec).time)).toEqual([1590673764, 1590673764, 1590673764, 1590673764, 1772366370, 1772366370]);
    expect(result.notes).toEqual([]);
  });

  it('splunk: a record without a time gets no time (HEC stamps it) and a note', () => {
    const result = render(bare({ format: 'splunk' }), { records: [{ a: 1 }, { startTime: 'soon' }] }, ctxOf());
    expect(result.payload).toEqual([{ sourcetype: '_json', event: { a: 1 } }, { sourcetype: '_json', event: { startTime: 'soon' } }]);
    expect(result.notes).toEqual(['records[0]: no startTime or occurred_at; time left out', 'records[1]: no startTime or occurred_at; time left out']);
  });

  it('an empty record list renders to an empty payload', () => {
    expect(render(configOf(), { records: [] }, ctxOf({ tags: FIXTURE_TAGS }))).toEqual({ payload: [], unresolved: [], notes: [] });
  });

  it('skips a stored key that is not a key path instead of failing the render', () => {
    const cfg = bare({ default_label: [{ key: 'a.b', value: '1' }, { key: 'ok', value: '2' }], transform: [{ type: 'add_log_search_url', key: 'l', value: '__proto__' }] });
    const result = render(cfg, { records: [{}] }, ctxOf());
    expect(result.payload).toEqual([{ ok: '2' }]);
    expect(result.notes).toEqual([
      'default_label[0] a.b: "a.b" is not a key: use a name (letters, digits, _ $ @ -) or a bracket path like [event].provider_id; skipped',
      'transform[0] l: "__proto__" is a reserved name; skipped',
    ]);
  });
});

describe('parent organizations', () => {
  const partner = bare({
    id: 'tc-partner', organization: 'org-partner', format: 'default',
    default_label: [{ key: 'provider_id', value: 'Lotlux' }, { key: 'tier', value: 'gold' }],
    transform: [
      { type: 'remove_dynamic_tag', key: 'classificationTag' },
      { type: 'add_dynamic_tag', key: 'partner_ref', value: '{{partner_ref}}' },
    ],
  });
  const child = bare({
    id: 'tc-child', organization: 'org-child', format: 'splunk',
    default_label: [{ key: 'customer_id', value: 'Cardify' }, { key: 'tier', value: 'silver' }, { key: 'classificationTag', value: 'mine' }],
    transform: [{ type: 'add_dynamic_tag', key: '[event].classificationTag', value: '{{cls}}' }],
  });

  it('applies the parent first: the child adds and overrides, the parent removal still blocks, the child format shapes', () => {
    const result = render(child, { records: [{ startTime: 5, classificationTag: 'orig' }] }, ctxOf({ parents: [partner], tags: { partner_ref: 'PR-1', cls: 'c' } }));
    expect(result.payload).toEqual([{
      time: 5,
      sourcetype: '_json',
      event: { startTime: 5, provider_id: 'Lotlux', tier: 'silver', partner_ref: 'PR-1', customer_id: 'Cardify' },
    }]);
    expect(result.notes).toEqual([
      'default_label[2] classificationTag: not written, removed by org-partner/transform[0] classificationTag',
      'transform[0] [event].classificationTag: not written, removed by org-partner/transform[0] classificationTag',
    ]);
  });

  it('applies every ancestor in order, root first', () => {
    const root = bare({ organization: 'org-root', default_label: [{ key: 'chain', value: 'root' }, { key: 'root_only', value: 'r' }] });
    const mid = bare({ organization: 'org-mid', default_label: [{ key: 'chain', value: 'mid' }] });
    const own = bare({ organization: 'org-leaf', transform: [{ type: 'add_dynamic_tag', key: 'seen', value: '{{chain}}+{{root_only}}' }] });
    const result = render(own, { records: [{}] }, ctxOf({ parents: [root, mid] }));
    expect(result.payload).toEqual([{ chain: 'mid', root_only: 'r', seen: 'mid+r' }]);
  });
});

describe('parseKeyPath', () => {
  it.each([
    ['name', ['name']],
    ['link_event_kibana', ['link_event_kibana']],
    ['@timestamp', ['@timestamp']],
    ['[event].provider_id', ['event', 'provider_id']],
    ['[nested].key', ['nested', 'key']],
    ['[a][b].c', ['a', 'b', 'c']],
    ['[a].b.c', ['a', 'b', 'c']],
  ])('%s → %j', (key, path) => {
    expect(parseKeyPath(key)).toEqual(path);
  });

  it.each(['', 'a.b', '[event]', '[event]x', '[event].', '[].x', '.x', 'a b', '[a.b].c', 'event.[x]', 'a]', '[[a]].b'])('rejects %j', (key) => {
    expect(() => parseKeyPath(key)).toThrow(`"${key}" is not a key`);
  });

  it.each(['__proto__', '[__proto__].x', '[a].constructor', 'prototype'])('rejects the reserved name in %s', (key) => {
    expect(() => parseKeyPath(key)).toThrow(/is a reserved name/);
  });
});

describe('recordOf', () => {
  it('gives a Splunk HEC event its own event object, as a copy', async () => {
    const [detection] = await eventsOf('splunk_hec', fixture('splunk-hec-detection-with-events.json'));
    const record = recordOf(detection);
    expect(record).toEqual(fixtureEvents()[0]);
    expect(record).not.toBe((detection.raw as { event: Rec }).event);
  });

  it('gives a HEC line of text the flat normalized record', async () => {
    const [line] = await eventsOf('splunk_hec', { event: 'disk full on web-1', time: 1590673764 });
    expect(recordOf(line)).toMatchObject({ event_uuid: 'evt-1', title: 'disk full on web-1', dialect: 'splunk_hec' });
  });

  it('gives other events the flat normalized fields: event_uuid for id, no raw, request or bookkeeping', async () => {
    const [event] = await eventsOf('generic', { title: 'Brute force', severity: 'High', occurred_at: '2026-03-01T11:59:30Z', tags: ['team:sec'] });
    const record = recordOf({ ...event, decision: null });
    expect(Object.keys(record).sort()).toEqual([
      'alert_id', 'annotations', 'attachments', 'body', 'catalog', 'definition_id', 'dialect', 'event_type', 'event_uuid', 'external_id',
      'idempotency_key', 'images', 'indicators', 'level', 'links', 'occurred_at', 'organization', 'priority', 'project', 'received_at',
      'severity', 'source', 'source_name', 'source_rule_id', 'status', 'tags', 'title', 'variant',
    ]);
    expect(record).toMatchObject({
      event_uuid: 'evt-1', title: 'Brute force', severity: 'high', status: 'OPEN', tags: ['team:sec'], occurred_at: '2026-03-01T11:59:30.000Z',
    });
  });

  it('leaves the event as it was when a transform writes into its record', async () => {
    const [event] = await eventsOf('generic', { title: 'Brute force', severity: 'High', tags: ['team:sec'], indicators: [{ type: 'ip', value: '10.0.0.1' }] });
    const before = structuredClone(event);
    const writes = bare({ transform: [{ type: 'add_dynamic_tag', key: '[annotations].team', value: 'blue' }, { type: 'remove_dynamic_tag', key: 'tags' }] });
    const result = render(writes, { records: [recordOf(event)] }, ctxOf());
    expect(result.payload[0]).toMatchObject({ annotations: { team: 'blue' } });
    expect(result.payload[0]).not.toHaveProperty('tags');
    expect(event).toEqual(before);
  });
});
