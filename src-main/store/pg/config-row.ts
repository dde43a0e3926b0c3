// The configuration as one row (ConfigData JSON and a version bumped by every change).
// A fresh database gets the file store's default configuration; the config migrations run
// on it the way config-store.ts runs them on config.json.
import type pg from 'pg';
import type { ConfigData } from '../../core/config-data';
import { defaultConfig } from '../config-store';
import { migrateConfig, type Migration, type MutableRecord } from '../migrations';

export interface ConfigRow {
  version: number;
  data: ConfigData;
}

/** Writes the first configuration, or migrates the stored one; returns the config migrations applied. */
export async function prepareConfig(client: pg.ClientBase, migrations?: readonly Migration[]): Promise<number[]> {
  await client.query('BEGIN');
  try {
    const { rows } = await client.query<{ data: ConfigData }>('SELECT data FROM config FOR UPDATE');
    const data = (rows[0]?.data ?? defaultConfig()) as unknown as MutableRecord;
    const applied = migrateConfig(data, migrations);
    if (!rows[0]) await client.query('INSERT INTO config (version, data) VALUES (1, $1)', [JSON.stringify(data)]);
    else if (applied.length) await client.query('UPDATE config SET data = $1, version = version + 1', [JSON.stringify(data)]);
    await client.query('COMMIT');
    return applied;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

export async function readConfig(db: pg.Pool | pg.ClientBase): Promise<ConfigRow> {
  const { rows } = await db.query<{ version: string; data: ConfigData }>('SELECT version, data FROM config');
  if (!rows[0]) throw new Error('the database has no configuration row: run the migrations');
  return { version: Number(rows[0].version), data: rows[0].data };
}

/**
 * Runs `mutate` on the stored configuration while its row is locked (FOR UPDATE: another
 * instance's change waits, then is read, never lost) and commits the result.
 */
export async function updateConfigRow<T>(client: pg.ClientBase, mutate: (draft: ConfigData) => T, notify: (version: number) => string): Promise<{ row: ConfigRow; result: T }> {
  await client.query('BEGIN');
  try {
    const { rows } = await client.query<{ version: string; data: ConfigData }>('SELECT version, data FROM config FOR UPDATE');
    if (!rows[0]) throw new Error('the database has no configuration row');
    const draft = rows[0].data;
    const result = mutate(draft);
    const version = Number(rows[0].version) + 1;
    await client.query('UPDATE config SET data = $1, version = $2', [JSON.stringify(draft), version]);
    await client.query('SELECT pg_notify($1, $2)', [CHANNEL, notify(version)]);
    await client.query('COMMIT');
    return { row: { version, data: draft }, result };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/** The LISTEN/NOTIFY channel every instance of one database shares. */
export const CHANNEL = 'switchyard_store';
