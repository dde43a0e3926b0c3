// Two appliances on one PostgreSQL database share more than events: cases and bell
// notifications one writes show up on the other, a case moved on one is moved from its latest
// version, and a circuit one opens keeps the other from hammering the same receiver.
import { describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness';
import { FAST_DELIVERY } from '../helpers/delivery-apps';
import { usePostgres } from '../helpers/postgres-cluster';
import { startReceiver } from '../helpers/receiver';
import { sleep, until } from '../helpers/wait';

const { pg, cleanups } = usePostgres();

const CIRCUIT = { threshold: 2, backoffMinMs: 60_000, backoffMaxMs: 60_000 };

async function pair(): Promise<[Harness, Harness]> {
  const url = await pg.createDatabase();
  const made: Harness[] = [];
  for (let i = 0; i < 2; i++) {
    const h = await startHarness({ databaseUrl: url, tickMs: 0, delivery: { ...FAST_DELIVERY, circuit: CIRCUIT } });
    cleanups.push(() => h.stop());
    made.push(h);
  }
  return [made[0], made[1]];
}

/** Calls `read` until `ok` holds for its answer (what another instance wrote is told by NOTIFY; the bench times it). */
const eventually = <T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string) => until(async () => {
  const v = await read();
  return ok(v) ? v : undefined;
}, 5_000, what);

const signal = (id: string) => ({ project: 'Test', raw: { id, name: 'process_events', externalId: 'shared-def', variant: 'A', hostIdentifier: 'host1' } });

describe('state shared by two instances', () => {
  it('shows on A a case B opened, and moves it on B from the version A changed', async () => {
    const [a, b] = await pair();
    expect((await a.http('POST', '/api/definitions', { body: { name: 'Shared', external_id: 'shared-def', variant: 'A', conversation_target: '#sec', owner: 'secops' } })).status).toBe(201);
    await eventually(() => b.http('GET', '/api/definitions'), (r) => r.json.items.length === 1, 'B knows the definition');
    const opened = await b.http('POST', '/api/v1/default/signals/instances', { body: signal('case-1') });
    expect(opened.status).toBe(202);
    const caseId = (await b.http('GET', `/api/alerts/${opened.json.alert_id}`)).json.case_id;
    expect(caseId).toEqual(expect.any(String));
    const seen = await eventually(() => a.http('GET', '/api/cases'), (r) => r.json.items.some((c: any) => c.id === caseId), 'A lists the case');
    expect(seen.json.items[0]).toMatchObject({ id: caseId, status: 'new' });

    expect((await a.http('POST', `/api/cases/${caseId}/status`, { body: { status: 'triage' } })).json.status).toBe('triage');
    // B takes the latest version before moving it: triage → closed is allowed, new → closed would lose A's step.
    const closed = await b.http('POST', `/api/cases/${caseId}/status`, { body: { status: 'closed' } });
    expect(closed.status).toBe(200);
    expect(closed.json.timeline.map((e: any) => e.text)).toEqual([expect.stringContaining('Opened'), expect.stringContaining('new → triage'), expect.stringContaining('triage → closed')]);
    await eventually(() => a.http('GET', `/api/cases/${caseId}`), (r) => r.json.status === 'closed', 'A sees the case closed');
  });

  it('rings the bell on A for an event B ingested, and B counts it read once A marks it', async () => {
    const [a, b] = await pair();
    expect((await a.http('POST', '/api/destinations', { body: { name: 'bell', kind: 'in_app' } })).status).toBe(201);
    await eventually(() => b.http('GET', '/api/destinations'), (r) => r.json.items.length === 1, 'B knows the bell');
    expect((await b.http('POST', '/v1/ingest/generic', { body: { title: 'ring', severity: 'High' } })).status).toBe(202);
    const rung = await eventually(() => a.http('GET', '/api/notifications'), (r) => r.json.unread === 1, 'A counts the notification');
    expect(rung.json.items[0]).toMatchObject({ title: 'ring', read_at: null });
    expect((await a.http('POST', '/api/notifications/read', { body: { all: true } })).status).toBe(200);
    await eventually(() => b.http('GET', '/api/notifications'), (r) => r.json.unread === 0, 'B counts it read');
  });

  it('keeps B from sending to a receiver whose circuit A opened', async () => {
    const [a, b] = await pair();
    const r = await startReceiver([], { status: 500 });
    cleanups.push(() => r.close());
    const dest = (await a.http('POST', '/api/destinations', { body: { name: 'down', kind: 'webhook', uri: `${r.url}/hook`, event_type: ['security_event'] } })).json;
    await eventually(() => b.http('GET', `/api/destinations/${dest.id}`), (res) => res.status === 200, 'B knows the destination');
    for (const title of ['one', 'two']) expect((await a.http('POST', '/v1/ingest/generic', { body: { title } })).status).toBe(202);
    await eventually(() => a.http('GET', `/api/destinations/${dest.id}`), (res) => res.json.circuit.state === 'open', 'A opens the circuit');
    const shared = await eventually(() => b.http('GET', `/api/destinations/${dest.id}`), (res) => res.json.circuit.state === 'open', 'B takes the open circuit');
    expect(Date.parse(shared.json.circuit.next_probe_at)).toBeGreaterThan(Date.now());
    const before = r.received.length;
    const sent = await b.http('POST', '/v1/ingest/generic', { body: { title: 'held back' } });
    expect(sent.status).toBe(202);
    await sleep(500);
    expect(r.received.length).toBe(before);
    const held = (await b.http('GET', '/api/deliveries')).json.items.filter((d: any) => d.event_id === sent.json.event_id);
    expect(held).toEqual([expect.objectContaining({ status: 'pending', attempt_count: 0 })]);
  });
});
