// Configuration (lowdb over config.json) and numbered migrations.
import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../../src-main/core/types';
import { createStore, StoreUnavailableError, type FileStoreOptions, type Migration, type Store } from '../../src-main/store';
import { configMigrations, eventMigrations, latestVersion, migrateConfig, migrateEventRecord } from '../../src-main/store/migrations';
import { CONFIG_SCHEMA_VERSION, EVENT_SCHEMA_VERSION } from '../../src-main/store/types';
import { useTempDirs } from '../helpers/temp-dirs';

const { tempDir, toClose: stores } = useTempDirs<Store>('sy-config-');

async function open(opts: FileStoreOptions) {
  const store = createStore(opts);
  stores.push(store);
  const report = await store.open();
  return { store, report };
}

const onDisk = async (dir: string) => JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
const counter = (s: Store) => (s.config().settings.counter as number | undefined) ?? 0;

describe('config store', () => {
  it('starts from defaults at the current schema version and writes config.json', async () => {
    const dir = await tempDir();
    const { store, report } = await open({ dataDir: dir });
    expect(report.migrations_applied).toEqual([]);
    expect(store.config()).toEqual({ schema_version: CONFIG_SCHEMA_VERSION, orgs: [], keys: [], sources: [], indicator_mappings: [], settings: {}, definitions: [], filters: [], catalog: [], flap: { max_transitions: 6, window_s: 900 }, transforms: [], transform_versions: [], tags: [], destinations: [], rules: [] });
    expect(await onDisk(dir)).toEqual(store.config());
  });

  it('serializes concurrent mutations: 100 concurrent increments make 100', async () => {
    const dir = await tempDir();
    const { store } = await open({ dataDir: dir });
    const results = await Promise.all(
      Array.from({ length: 100 }, () =>
        store.updateConfig((d) => {
          d.settings.counter = ((d.settings.counter as number | undefined) ?? 0) + 1;
          return d.settings.counter;
        }),
      ),
    );
    expect(counter(store)).toBe(100);
    expect([...results].sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect((await onDisk(dir)).settings.counter).toBe(100);
  });

  it('a throwing mutation changes nothing, in memory or on disk, and the queue keeps going', async () => {
    const dir = await tempDir();
    const { store } = await open({ dataDir: dir });
    await store.updateConfig((d) => void (d.settings.counter = 1));
    const before = structuredClone(store.config());
    const boom = new Error('validation failed');
    const failing = store.updateConfig((d) => {
      d.orgs.push({ id: 'o1', slug: 'x', name: 'X', parent_id: null, created_at: '2025-01-01T00:00:00.000Z' });
      d.settings.counter = 99;
      throw boom;
    });
    const after = store.updateConfig((d) => void (d.settings.counter = (d.settings.counter as number) + 1));
    await expect(failing).rejects.toBe(boom);
    await after;
    expect(store.config()).toEqual({ ...before, settings: { counter: 2 } });
    expect(await onDisk(dir)).toEqual(store.config());
  });

  it('a failed write changes nothing and reports StoreUnavailableError; the next write works', async () => {
    const dir = await tempDir();
    const { store } = await open({ dataDir: dir });
    await store.updateConfig((d) => void (d.settings.counter = 1));
    // lowdb writes .config.json.tmp then renames it; a directory in its way makes the write fail.
    const temp = join(dir, '.config.json.tmp');
    await mkdir(temp);
    await expect(store.updateConfig((d) => void (d.settings.counter = 2))).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(counter(store)).toBe(1);
    expect((await onDisk(dir)).settings.counter).toBe(1);
    await rmdir(temp);
    await store.updateConfig((d) => void (d.settings.counter = 3));
    expect((await onDisk(dir)).settings.counter).toBe(3);
  });

  it('survives close and reopen', async () => {
    const dir = await tempDir();
    const first = await open({ dataDir: dir });
    await first.store.updateConfig((d) => {
      d.orgs.push({ id: 'o1', slug: 'default', name: 'Default', parent_id: null, created_at: '2025-01-01T00:00:00.000Z' });
      d.settings.theme = 'dark';
    });
    await first.store.close();
    const second = await open({ dataDir: dir });
    expect(second.report.migrations_applied).toEqual([]);
    expect(second.store.config().orgs.map((o) => o.slug)).toEqual(['default']);
    expect(second.store.config().settings.theme).toBe('dark');
  });

  it('refuses a config.json it cannot read rather than starting empty', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'config.json'), '{"orgs": [');
    await expect(createStore({ dataDir: dir }).open()).rejects.toThrow(/config\.json/);
    await writeFile(join(dir, 'config.json'), JSON.stringify({ schema_version: 99, orgs: [] }));
    await expect(createStore({ dataDir: dir }).open()).rejects.toThrow(/schema_version 99, newer/);
  });
});

describe('config migrations', () => {
  it('the shipped list is numbered in order and ends at CONFIG_SCHEMA_VERSION', () => {
    const versions = configMigrations.map((m) => m.version);
    expect(versions).toEqual([...new Set(versions)].sort((a, b) => a - b));
    expect(latestVersion(configMigrations, 0)).toBe(CONFIG_SCHEMA_VERSION);
  });

  it('brings an unversioned config.json up to date once, writes it back and reports the numbers', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'config.json'), JSON.stringify({ orgs: [{ id: 'o1', slug: 'default', name: 'D', parent_id: null, created_at: 'x' }], keys: [] }));
    const first = await open({ dataDir: dir });
    expect(first.report.migrations_applied).toEqual([1, 2]);
    expect(first.store.config()).toMatchObject({ schema_version: 2, sources: [], indicator_mappings: [], settings: {}, definitions: [], filters: [], catalog: [], flap: { max_transitions: 6, window_s: 900 }, transforms: [], transform_versions: [], tags: [], destinations: [], rules: [] });
    expect((await onDisk(dir)).schema_version).toBe(2);
    await first.store.close();
    expect((await open({ dataDir: dir })).report.migrations_applied).toEqual([]);
  });

  it('runs injected migrations newer than the data, in order, exactly once', async () => {
    const dir = await tempDir();
    const calls: number[] = [];
    const migrations: Migration[] = [
      ...configMigrations,
      { version: 4, up: (d) => void (calls.push(4), ((d.settings as Record<string, unknown>).renamed = (d.settings as Record<string, unknown>).old)) },
      { version: 3, up: (d) => void (calls.push(3), ((d.settings as Record<string, unknown>).old = 'value')) },
    ];
    await open({ dataDir: dir }).then((s) => s.store.close());
    const first = await open({ dataDir: dir, configMigrations: migrations });
    expect(first.report.migrations_applied).toEqual([3, 4]);
    expect(calls).toEqual([3, 4]);
    expect(first.store.config()).toMatchObject({ schema_version: 4, settings: { old: 'value', renamed: 'value' } });
    await first.store.close();
    const second = await open({ dataDir: dir, configMigrations: migrations });
    expect(second.report.migrations_applied).toEqual([]);
    expect(calls).toEqual([3, 4]);
  });

  it('migrateConfig leaves current data alone', () => {
    const data = { schema_version: CONFIG_SCHEMA_VERSION, orgs: [] };
    expect(migrateConfig(data)).toEqual([]);
    expect(data).toEqual({ schema_version: CONFIG_SCHEMA_VERSION, orgs: [] });
  });
});

describe('event record migrations', () => {
  const testMigrations: Migration[] = [
    { version: 2, up: (r) => void (r.labels = r.tags) },
    { version: 3, up: (r) => void (r.title = String(r.title).toUpperCase()) },
  ];

  it('the shipped list is empty beyond version 1 and leaves records untouched', () => {
    expect(latestVersion(eventMigrations, 1)).toBe(EVENT_SCHEMA_VERSION);
    const record = { schema_version: 1, title: 't' };
    expect(migrateEventRecord(record)).toBe(record);
    expect(record).toEqual({ schema_version: 1, title: 't' });
  });

  it("applies each migration newer than the record's schema_version, in order", () => {
    expect(migrateEventRecord({ schema_version: 1, title: 'a', tags: ['x'] }, testMigrations)).toEqual({ schema_version: 3, title: 'A', tags: ['x'], labels: ['x'] });
    expect(migrateEventRecord({ schema_version: 2, title: 'b', tags: ['x'] }, testMigrations)).toEqual({ schema_version: 3, title: 'B', tags: ['x'] });
    expect(migrateEventRecord({ schema_version: 3, title: 'c' }, testMigrations)).toEqual({ schema_version: 3, title: 'c' });
    expect(migrateEventRecord({ title: 'd', tags: [] }, testMigrations)).toEqual({ schema_version: 3, title: 'D', tags: [], labels: [] });
  });

  it('the store applies them on read and in its summaries, without rewriting the log', async () => {
    const dir = await tempDir();
    const event = {
      schema_version: 1, id: 'e1', organization: 'o', project: null, source: 'generic', source_name: 'generic', dialect: 'generic',
      received_at: '2025-01-01T00:00:00.000Z', occurred_at: '2025-01-01T00:00:00.000Z', title: 'quiet', body: '', severity: 'low',
      level: 'INFO', status: 'OPEN', priority: 'LOW', idempotency_key: null, tags: ['t'], catalog: [], annotations: {}, images: [],
      links: [], attachments: [], indicators: [], event_type: 'security_event', external_id: null, variant: null, source_rule_id: null,
      definition_id: null, alert_id: null, dedup_key: null, raw: {},
      request: { method: 'POST', path: '/', remote_address: null, user_agent: null, content_length: 0, content_type: null, auth: 'api_key', key_id: null, idempotency_key: null },
    } satisfies NormalizedEvent;
    await open({ dataDir: dir }).then(async ({ store }) => {
      await store.appendEvents([event]);
      await store.close();
    });
    const migrated = await open({ dataDir: dir, eventMigrations: testMigrations });
    expect(await migrated.store.getEvent('e1')).toEqual({ ...event, schema_version: 3, title: 'QUIET', labels: ['t'] });
    expect((await migrated.store.listEvents({ limit: 1 })).items[0].title).toBe('QUIET');
    await migrated.store.close();
    const plain = await open({ dataDir: dir });
    expect(await plain.store.getEvent('e1')).toEqual(event);
  });
});
