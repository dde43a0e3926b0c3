// Dispatch's own client: its SignalInstanceCreate model serialized as pydantic does (every
// field present, unset ones null, `project` a ProjectRead object), sent the way
// python-requests sends it; and the documented form without a project.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, startHarness, type Harness } from '../helpers/harness';

let h: Harness;
let key: string;
beforeAll(async () => {
  h = await startHarness();
  key = await h.key(['ingest']);
  expect((await h.http('POST', '/api/definitions', { body: { name: 'Process events', external_id: 'someExternalValue', variant: 'A' } })).status).toBe(201);
});
afterAll(async () => h.stop());

// The headers python-requests 2.x sends with `json=`.
const REQUESTS_HEADERS = { 'user-agent': 'python-requests/2.31.0', 'accept-encoding': 'gzip, deflate', accept: '*/*', connection: 'keep-alive', 'content-type': 'application/json' };
const send = (body: unknown) => h.http('POST', '/api/v1/default/signals/instances', { raw: JSON.stringify(body), key, headers: REQUESTS_HEADERS });

describe("Dispatch's client", () => {
  it('accepts a SignalInstanceCreate with a ProjectRead object: the project is its name, the signal attaches to its definition', async () => {
    const body = await fixture('dispatch-signal-instance-create.json');
    const res = await send(body);
    expect(res.status, res.text).toBe(202);
    expect(res.json.event_id).toBe(body.raw.id);
    const ev = (await h.http('GET', `/api/events/${res.json.event_id}`)).json;
    expect(ev).toMatchObject({ project: 'default', external_id: 'someExternalValue', variant: 'A', title: 'process_events', occurred_at: '2022-10-19T10:35:01.000Z', raw: body });
    expect(ev.definition_id).toEqual(expect.any(String));
    expect(res.json.alert_id).toEqual(expect.any(String));
    // The same instance again is a retry, not a new event.
    expect((await send(body)).json).toMatchObject({ duplicate: true, event_id: body.raw.id });
  });

  it('accepts the documented form (project a name) and no project at all (the organization\'s default: no label)', async () => {
    const named = await send({ project: 'Test', raw: { id: 'named-1', name: 'process_events', externalId: 'someExternalValue', variant: 'A' } });
    expect(named.status, named.text).toBe(202);
    expect((await h.http('GET', `/api/events/${named.json.event_id}`)).json.project).toBe('Test');
    const bare = await send({ raw: { id: 'bare-1', name: 'process_events', externalId: 'someExternalValue', variant: 'A' } });
    expect(bare.status, bare.text).toBe(202);
    const ev = (await h.http('GET', `/api/events/${bare.json.event_id}`)).json;
    expect([ev.project, ev.definition_id]).toEqual([null, expect.any(String)]);
  });

  it('names what is wrong with a project object without a name', async () => {
    const res = await send({ project: { id: 3, display_name: 'No name' }, raw: { name: 'x' } });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ errors: ['project.name: is required'] });
  });
});
