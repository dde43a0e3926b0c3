// What instances sharing a database tell each other (NOTIFY, sent inside the committing
// transaction, so it is delivered only if the write committed): short messages naming what
// was written, never the data (a payload is limited to 8000 bytes): listeners read the rest.
import pg from 'pg';
import type { Logger } from '../../logger';
import { CHANNEL } from './config-row';

export type Notice =
  /** Events by sequence number ranges [from, to]. */
  | { i: string; t: 'e'; r: [number, number][] }
  | { i: string; t: 's'; k: string; ids: string[] }
  | { i: string; t: 'c'; v: number }
  /** Retention deleted this many events (the others' counts follow). */
  | { i: string; t: 'r'; n: number; b: number };

/** Below NOTIFY's 8000-byte limit, with room for the envelope. */
const PAYLOAD_MAX = 7000;

/** Sorted sequence numbers as ranges of consecutive ones. */
export function rangesOf(seqs: readonly number[]): [number, number][] {
  const sorted = [...seqs].sort((a, b) => a - b);
  const out: [number, number][] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s === last[1] + 1) last[1] = s;
    else out.push([s, s]);
  }
  return out;
}

/** Splits a list into payloads that each stay under the limit. */
function chunked<T>(items: readonly T[], make: (part: T[]) => string): string[] {
  const out: string[] = [];
  let part: T[] = [];
  let size = 0;
  for (const item of items) {
    const n = JSON.stringify(item).length + 1;
    if (part.length && size + n > PAYLOAD_MAX - 200) {
      out.push(make(part));
      part = [];
      size = 0;
    }
    part.push(item);
    size += n;
  }
  if (part.length) out.push(make(part));
  return out;
}

export function eventNotices(instance: string, seqs: readonly number[]): string[] {
  return chunked(rangesOf(seqs), (r) => JSON.stringify({ i: instance, t: 'e', r } satisfies Notice));
}

export function stateNotices(instance: string, kind: string, ids: readonly string[]): string[] {
  return chunked(ids, (part) => JSON.stringify({ i: instance, t: 's', k: kind, ids: part } satisfies Notice));
}

export function retentionNotice(instance: string, events: number, bytes: number): string {
  return JSON.stringify({ i: instance, t: 'r', n: events, b: bytes } satisfies Notice);
}

export function configNotice(instance: string, version: number): string {
  return JSON.stringify({ i: instance, t: 'c', v: version } satisfies Notice);
}

/**
 * A dedicated connection that LISTENs and hands other instances' notices to `onNotice`;
 * when it drops (the database restarted) it connects again until stopped.
 */
export class NoticeListener {
  private client: pg.Client | null = null;
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;

  /** Notices may have been missed: a connection failed or was lost since the last one listened. */
  private missed = false;
  /** Told once per outage, not on every retry. */
  private warned = false;

  /** onReconnect: notices sent while the connection was down are lost; the owner catches up (reloads config). */
  constructor(private readonly opts: { url: string; instance: string; onNotice: (n: Notice) => void; onReconnect?: () => void; logger?: Logger; retryMs?: number }) {}

  /** Connects and listens; a first connection that fails is tried again like a lost one. */
  async start(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.opts.url, connectionTimeoutMillis: 5_000 });
    let dropped = false;
    const drop = (err?: Error) => {
      if (dropped) return;
      dropped = true;
      this.missed = true;
      if (this.client === client) this.client = null;
      client.end().catch(() => undefined);
      if (!this.stopped) {
        if (!this.warned) this.opts.logger?.warn('store: lost the notification connection; reconnecting', { error: err?.message });
        this.warned = true;
        this.scheduleRetry();
      }
    };
    client.on('error', drop);
    client.on('end', () => drop());
    client.on('notification', (msg) => {
      if (msg.channel !== CHANNEL || !msg.payload) return;
      let notice: Notice;
      try {
        notice = JSON.parse(msg.payload) as Notice;
      } catch {
        return;
      }
      if (notice.i !== this.opts.instance) this.opts.onNotice(notice);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      if (this.stopped) {
        // Stopped while connecting: this connection must not outlive the store.
        dropped = true;
        await client.end().catch(() => undefined);
        return;
      }
      this.client = client;
      this.warned = false;
      if (this.missed) this.opts.onReconnect?.();
      this.missed = false;
    } catch (err) {
      drop(err as Error);
    }
  }

  private scheduleRetry(): void {
    if (this.retry || this.stopped) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.connect();
    }, this.opts.retryMs ?? 500);
    this.retry.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => undefined);
  }
}
