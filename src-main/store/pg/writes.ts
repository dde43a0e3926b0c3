// The statements of one group commit: events inserted in one statement (dedup and id checks
// by the table's UNIQUE constraints, atomic with the insert), state records upserted in one.
import type pg from 'pg';
import type { NormalizedEvent } from '../../core/types';
import type { StateKeys } from '../state-index';
import type { AppendResult, StateRecord } from '../types';

// Positions are taken in the order given; rows go in by (organization, dedup key), so two
// instances' batches holding the same keys wait on each other in one order, never a cycle.
const INSERT_EVENTS = `
  WITH u AS MATERIALIZED (
    SELECT x.*, nextval('store_seq') AS seq
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::int[]) WITH ORDINALITY
      AS x(id, organization, dialect, source, source_name, severity, status, priority, title, alert_id, received_at, dedup_key, record, search, bytes, n)
  )
  INSERT INTO events (seq, id, organization, dialect, source, source_name, severity, status, priority, title, alert_id, received_at, dedup_key, record, search, bytes)
  SELECT u.seq, u.id, u.organization, u.dialect, u.source, u.source_name, u.severity, u.status, u.priority, u.title, u.alert_id, u.received_at, u.dedup_key, u.record::json, u.search, u.bytes
  FROM u ORDER BY u.organization, u.dedup_key, u.n
  ON CONFLICT DO NOTHING
  RETURNING id, organization, dedup_key, seq`;

const FIND_ORIGINALS = `
  SELECT e.organization, e.dedup_key, e.id FROM events e
  JOIN unnest($1::text[], $2::text[]) AS u(organization, dedup_key) ON e.organization = u.organization AND e.dedup_key = u.dedup_key`;

export interface InsertedEvents {
  results: AppendResult[];
  /** Sequence numbers of the events written (in the order given), for the notice. */
  seqs: number[];
  bytes: number;
}

/** Inserts the events; each result says whether it was written, or is a duplicate or an id conflict. */
export async function insertEvents(client: pg.ClientBase, events: readonly NormalizedEvent[]): Promise<InsertedEvents> {
  if (events.length === 0) return { results: [], seqs: [], bytes: 0 };
  const cols: unknown[][] = Array.from({ length: 15 }, () => []);
  for (const e of events) {
    const json = JSON.stringify(e);
    const size = Buffer.byteLength(json);
    [e.id, e.organization, e.dialect, e.source, e.source_name, e.severity, e.status, e.priority, e.title, e.alert_id, e.received_at, e.dedup_key, json, json.toLowerCase(), size].forEach((v, i) => cols[i].push(v));
  }
  const { rows } = await client.query<{ id: string; organization: string; dedup_key: string | null; seq: string }>({ name: 'sy_insert_events', text: INSERT_EVENTS, values: cols });
  // A written row is the first event of the batch with its id, organization and dedup key.
  const identity = (e: { id: string; organization: string; dedup_key: string | null }) => `${e.id}\n${e.organization}\n${e.dedup_key ?? '\u0000'}`;
  const written = new Map(rows.map((r) => [identity(r), Number(r.seq)]));
  const firsts = events.map((e) => {
    const seq = written.get(identity(e));
    if (seq !== undefined) written.delete(identity(e));
    return seq;
  });
  // Not written: a stored (or earlier in this batch) event has its dedup key, or its id.
  const originals = new Map<string, string>();
  const keyed = events.filter((e, i) => firsts[i] === undefined && e.dedup_key != null);
  if (keyed.length) {
    const found = await client.query<{ organization: string; dedup_key: string; id: string }>({
      name: 'sy_find_originals', text: FIND_ORIGINALS, values: [keyed.map((e) => e.organization), keyed.map((e) => e.dedup_key)],
    });
    for (const r of found.rows) originals.set(`${r.organization}\n${r.dedup_key}`, r.id);
  }
  const results: AppendResult[] = [];
  const seqs: number[] = [];
  let writtenBytes = 0;
  events.forEach((e, i) => {
    const seq = firsts[i];
    if (seq !== undefined) {
      results.push({ id: e.id });
      seqs.push(seq);
      writtenBytes += Number(cols[14][i]);
      return;
    }
    const original = e.dedup_key == null ? undefined : originals.get(`${e.organization}\n${e.dedup_key}`);
    results.push(original !== undefined ? { id: e.id, duplicate_of: original } : { id: e.id, id_conflict: true });
  });
  return { results, seqs, bytes: writtenBytes };
}

/** One (kind, id)'s records of a batch folded into the row the last one leaves. */
interface FoldedRow {
  kind: string;
  id: string;
  data: unknown;
  live: boolean;
  cold: boolean;
  companionOf: string | null;
  appendTo: string | null;
  /** The full version a patch extends when it is in this batch (else the stored one is used). */
  base: { data: unknown } | null;
  keys: StateKeys | null;
  lookups: Set<string>;
}

/** Folds records in write order: the last of each (kind, id) wins, keeping keys, lookups and a patch's base; rows in order of first write. */
export function foldState(records: readonly StateRecord[]): FoldedRow[] {
  const rows = new Map<string, FoldedRow>();
  for (const r of records) {
    const k = `${r.kind}\n${r.id}`;
    const prev = rows.get(k);
    let base: { data: unknown } | null = null;
    if (r.appendTo && prev) base = prev.appendTo ? prev.base : { data: prev.data };
    const row: FoldedRow = {
      kind: r.kind, id: r.id, data: r.data, live: r.live !== false, cold: r.live !== false && r.cold === true,
      companionOf: r.companionOf ?? null, appendTo: r.appendTo ?? null, base,
      keys: r.keys ?? prev?.keys ?? null, lookups: prev?.lookups ?? new Set(),
    };
    for (const v of r.keys?.lookup ?? []) row.lookups.add(v);
    // Kept at the place of its first write: a new record's list order is that of its first write.
    rows.set(k, row);
  }
  return [...rows.values()];
}

// A patch's base: the one in this batch, else the stored row's (its base when it is a patch itself, else its data).
const UPSERT_STATE = `
  INSERT INTO state_records AS s (kind, id, first_seq, seq, data, base, append_to, live, cold, companion_of, keyed, organization, status, grp, event_id, alert_id, at_s, lease_owner, lease_until)
  SELECT u.kind, u.id, u.n, u.n, u.data::json, u.base::json, u.append_to, u.live, u.cold, u.companion_of, u.keyed, u.organization, u.status, u.grp, u.event_id, u.alert_id, u.at_s,
    CASE WHEN u.live AND NOT u.cold THEN $16 END,
    CASE WHEN u.live AND NOT u.cold THEN clock_timestamp() + make_interval(secs => $17::double precision / 1000) END
  FROM (SELECT x.*, nextval('store_seq') AS n FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::boolean[], $7::boolean[], $8::text[], $9::boolean[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::bigint[])
    AS x(kind, id, data, base, append_to, live, cold, companion_of, keyed, organization, status, grp, event_id, alert_id, at_s) OFFSET 0) AS u
  -- Positions in the order given (OFFSET 0 keeps the subquery whole), rows in by (kind, id): one lock order for every instance.
  ORDER BY u.kind, u.id
  ON CONFLICT (kind, id) DO UPDATE SET
    seq = EXCLUDED.seq,
    data = EXCLUDED.data,
    base = CASE WHEN EXCLUDED.append_to IS NULL THEN NULL WHEN EXCLUDED.base IS NOT NULL THEN EXCLUDED.base WHEN s.append_to IS NOT NULL THEN s.base ELSE s.data END,
    append_to = EXCLUDED.append_to,
    live = EXCLUDED.live,
    cold = EXCLUDED.cold,
    companion_of = EXCLUDED.companion_of,
    keyed = s.keyed OR EXCLUDED.keyed,
    organization = CASE WHEN EXCLUDED.keyed THEN EXCLUDED.organization ELSE s.organization END,
    status = CASE WHEN EXCLUDED.keyed THEN EXCLUDED.status ELSE s.status END,
    grp = CASE WHEN EXCLUDED.keyed THEN EXCLUDED.grp ELSE s.grp END,
    event_id = CASE WHEN EXCLUDED.keyed THEN EXCLUDED.event_id ELSE s.event_id END,
    alert_id = CASE WHEN EXCLUDED.keyed THEN EXCLUDED.alert_id ELSE s.alert_id END,
    at_s = CASE WHEN EXCLUDED.keyed THEN EXCLUDED.at_s ELSE s.at_s END,
    -- A write keeps another instance's live hold: a stalled instance writing late takes nothing back
    -- (its next renew finds the record gone and lets it go); a finished record drops every hold.
    lease_owner = CASE WHEN EXCLUDED.lease_owner IS NULL OR s.lease_owner IS NULL OR s.lease_owner = EXCLUDED.lease_owner OR s.lease_until < clock_timestamp() THEN EXCLUDED.lease_owner ELSE s.lease_owner END,
    lease_until = CASE WHEN EXCLUDED.lease_owner IS NULL OR s.lease_owner IS NULL OR s.lease_owner = EXCLUDED.lease_owner OR s.lease_until < clock_timestamp() THEN EXCLUDED.lease_until ELSE s.lease_until END
  RETURNING kind, id, first_seq, organization`;

const INSERT_LOOKUPS = `
  INSERT INTO state_lookups (kind, organization, value, id, first_seq)
  SELECT u.kind, u.organization, u.value, u.id, u.first_seq FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[]) AS u(kind, organization, value, id, first_seq)
  ON CONFLICT DO NOTHING`;

/** keys.at as the file store keeps it: whole seconds, at least 1; 0 = none. */
function atSeconds(at: number | undefined): number {
  return at === undefined ? 0 : Math.max(1, Math.floor(at / 1000));
}

/** Upserts the folded rows (live ones held by `instance` for `leaseMs`) and their lookup values. */
export async function upsertState(client: pg.ClientBase, rows: readonly FoldedRow[], instance: string, leaseMs: number): Promise<void> {
  if (rows.length === 0) return;
  const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));
  const cols: unknown[][] = Array.from({ length: 15 }, () => []);
  for (const r of rows) {
    const k = r.keys;
    [r.kind, r.id, json(r.data), r.base ? (json(r.base.data) ?? 'null') : null, r.appendTo, r.live, r.cold, r.companionOf, k !== null, k?.organization ?? '', k?.status ?? '', k?.group ?? '', k?.event_id ?? null, k?.alert_id ?? null, atSeconds(k?.at)]
      .forEach((v, i) => cols[i].push(v));
  }
  const { rows: stored } = await client.query<{ kind: string; id: string; first_seq: string; organization: string }>({
    name: 'sy_upsert_state', text: UPSERT_STATE, values: [...cols, instance, leaseMs],
  });
  const lookups: unknown[][] = [[], [], [], [], []];
  const at = new Map(stored.map((s) => [`${s.kind}\n${s.id}`, s]));
  for (const r of rows) {
    const s = at.get(`${r.kind}\n${r.id}`);
    if (!s) continue;
    for (const v of r.lookups) [r.kind, s.organization, v, r.id, s.first_seq].forEach((x, i) => lookups[i].push(x));
  }
  if (lookups[0].length) await client.query({ name: 'sy_insert_lookups', text: INSERT_LOOKUPS, values: lookups });
}
