// The database schema as numbered migrations, applied in order once each (schema_migrations
// records them) under an advisory lock, so two instances starting at once do not race.
// Records are `json`, not `jsonb`: json keeps the text as written (key order, and \u0000 in a
// raw payload, which jsonb refuses).
import type pg from 'pg';

export interface SchemaMigration {
  version: number;
  sql: string;
}

export const SCHEMA_MIGRATIONS: readonly SchemaMigration[] = [
  {
    version: 1,
    sql: `
      CREATE EXTENSION IF NOT EXISTS pg_trgm;
      -- One order for events and state writes: retention deletes what was written before a point.
      CREATE SEQUENCE store_seq;
      CREATE TABLE events (
        seq bigint PRIMARY KEY DEFAULT nextval('store_seq'),
        id text NOT NULL UNIQUE,
        organization text NOT NULL,
        dialect text NOT NULL,
        source text NOT NULL,
        source_name text NOT NULL,
        severity text NOT NULL,
        status text NOT NULL,
        priority text NOT NULL,
        title text NOT NULL,
        alert_id text,
        received_at text NOT NULL,
        dedup_key text,
        record json NOT NULL,
        -- The stored JSON lower-cased (search-text.ts): a text search is a substring of it.
        search text NOT NULL,
        bytes integer NOT NULL,
        UNIQUE (organization, dedup_key)
      );
      CREATE INDEX events_org ON events (organization, seq);
      CREATE INDEX events_dialect ON events (dialect, seq);
      CREATE INDEX events_source ON events (source, seq);
      CREATE INDEX events_severity ON events (severity, seq);
      CREATE INDEX events_status ON events (status, seq);
      CREATE INDEX events_search ON events USING gin (search gin_trgm_ops);

      CREATE TABLE state_records (
        kind text NOT NULL,
        id text NOT NULL,
        first_seq bigint NOT NULL,
        seq bigint NOT NULL,
        data json,
        -- A patch's full version (append_to set): joined on read.
        base json,
        append_to text,
        live boolean NOT NULL,
        cold boolean NOT NULL,
        companion_of text,
        keyed boolean NOT NULL,
        organization text NOT NULL DEFAULT '',
        status text NOT NULL DEFAULT '',
        grp text NOT NULL DEFAULT '',
        event_id text,
        alert_id text,
        -- keys.at in whole seconds (0 = none), as the file store compares it.
        at_s bigint NOT NULL DEFAULT 0,
        lease_owner text,
        lease_until timestamptz,
        PRIMARY KEY (kind, id)
      );
      CREATE INDEX state_list ON state_records (kind, first_seq) WHERE keyed;
      CREATE INDEX state_list_org ON state_records (kind, organization, first_seq) WHERE keyed;
      CREATE INDEX state_event ON state_records (kind, event_id) WHERE event_id IS NOT NULL;
      CREATE INDEX state_alert ON state_records (kind, alert_id) WHERE alert_id IS NOT NULL;
      CREATE INDEX state_live ON state_records (kind, first_seq) WHERE live AND NOT cold;
      CREATE INDEX state_finished ON state_records (seq) WHERE NOT live;
      CREATE INDEX state_leased ON state_records (lease_owner) WHERE lease_owner IS NOT NULL;

      CREATE TABLE state_lookups (
        kind text NOT NULL,
        organization text NOT NULL,
        value text NOT NULL,
        id text NOT NULL,
        first_seq bigint NOT NULL,
        PRIMARY KEY (kind, organization, value, id)
      );
      CREATE INDEX state_lookups_record ON state_lookups (kind, id);

      CREATE TABLE config (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        version bigint NOT NULL,
        data json NOT NULL
      );
    `,
  },
];

/** Key of the advisory lock held while migrating (any constant no other lock uses). */
const MIGRATION_LOCK = 0x5377_6d67; // "Swmg"

/**
 * Applies the migrations not yet applied, each in its own transaction, while holding the
 * migration lock; then `after` runs under the same lock (the config row's first write).
 */
export async function applyMigrations(client: pg.ClientBase, after?: () => Promise<void>, migrations: readonly SchemaMigration[] = SCHEMA_MIGRATIONS): Promise<number[]> {
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
  try {
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    const done = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    const applied: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [m.version]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
      applied.push(m.version);
    }
    if (after) await after();
    return applied;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
  }
}
