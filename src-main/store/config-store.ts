// Configuration in config.json through lowdb. lowdb writes a temp file and renames it,
// but has no transactions and no fsync: every mutation goes through one queue, runs on
// a copy, and only a copy that reached the disk becomes the current data.
import { emptyTransformsConfig } from '../core/transform/config-ops';
import { emptyDestinationsConfig } from '../core/destinations';
import { emptyRulesConfig } from '../core/rules';
import { emptySignalsConfig } from '../core/signals/config-ops';
import { dirname } from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import type { ConfigData } from '../core/config-data';
import { configMigrations, migrateConfig, type Migration, type MutableRecord } from './migrations';
import { nodeStoreFs, type StoreFs } from './store-fs';
import { StoreUnavailableError } from './errors';
import { CONFIG_SCHEMA_VERSION } from './types';

export interface ConfigStoreOptions {
  path: string;
  /** Used to fsync the file and its directory after each write. */
  fs?: StoreFs;
  migrations?: readonly Migration[];
}

export function defaultConfig(): ConfigData {
  return { ...emptySignalsConfig(), ...emptyTransformsConfig(), ...emptyDestinationsConfig(), ...emptyRulesConfig(), schema_version: CONFIG_SCHEMA_VERSION, orgs: [], keys: [], sources: [], indicator_mappings: [], settings: {} };
}

export class ConfigStore {
  private readonly db: Low<ConfigData>;
  private readonly path: string;
  private readonly fs: StoreFs;
  private readonly migrations: readonly Migration[];
  /** Tail of the mutation queue; never rejects, so one failure does not block the next. */
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(opts: ConfigStoreOptions) {
    this.path = opts.path;
    this.fs = opts.fs ?? nodeStoreFs;
    this.migrations = opts.migrations ?? configMigrations;
    this.db = new Low<ConfigData>(new JSONFile<ConfigData>(opts.path), defaultConfig());
  }

  /** Reads config.json (or starts from defaults), migrates it; returns the migrations applied. */
  async open(): Promise<number[]> {
    const defaults = this.db.data;
    try {
      await this.db.read();
    } catch (err) {
      throw new Error(`cannot read ${this.path}: ${err instanceof Error ? err.message : String(err)}`);
    }
    const data: unknown = this.db.data;
    if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new Error(`cannot read ${this.path}: not a JSON object`);
    const applied = migrateConfig(data as MutableRecord, this.migrations);
    if (data === defaults || applied.length) await this.persist(this.db.data);
    return applied;
  }

  read(): Readonly<ConfigData> {
    return this.db.data;
  }

  /**
   * Runs `mutate` on a deep copy, writes the copy, then makes it current. If `mutate`
   * throws, nothing changes and the error propagates; a failed write also changes nothing.
   */
  update<T>(mutate: (draft: ConfigData) => T): Promise<T> {
    const run = async (): Promise<T> => {
      if (this.closed) throw new StoreUnavailableError(new Error('the store is closed'));
      const draft = structuredClone(this.db.data);
      const result = mutate(draft);
      await this.persist(draft);
      return result;
    };
    const next = this.queue.then(run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Waits for queued mutations, then refuses new ones. */
  async close(): Promise<void> {
    await this.queue;
    this.closed = true;
  }

  private async persist(data: ConfigData): Promise<void> {
    try {
      // Written through the adapter so readers never see data that is not on disk yet.
      await this.db.adapter.write(data);
    } catch (err) {
      throw new StoreUnavailableError(err);
    }
    // The rename happened: the file holds `data`, so memory follows it even if the fsync fails.
    this.db.data = data;
    try {
      await this.fsync(this.path);
      await this.fsync(dirname(this.path));
    } catch (err) {
      throw new StoreUnavailableError(err);
    }
  }

  private async fsync(path: string): Promise<void> {
    const file = await this.fs.open(path, 'r');
    try {
      await file.sync();
    } finally {
      await file.close();
    }
  }
}
