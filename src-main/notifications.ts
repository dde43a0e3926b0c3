// In-app notifications (the bell): created for in_app destinations and rules, kept as
// state records, counted unread, marked read. Only unread ones stay in memory.
import { randomUUID } from 'node:crypto';
import { NOTIFICATIONS_KEPT } from './limits';
import type { StateRecord } from './store/types';

export interface Notification {
  id: string;
  organization: string;
  title: string;
  text: string;
  severity: string;
  /** UI route of what it is about, e.g. `#/alerts/<id>`. */
  link: string;
  event_id: string | null;
  alert_id: string | null;
  created_at: string;
  read_at: string | null;
}

/** Unread notifications are live (in memory after a restart); read ones are on disk only. */
export function notificationRecord(n: Notification): StateRecord {
  return { kind: 'notification', id: n.id, data: n, live: n.read_at === null, keys: { organization: n.organization, status: n.read_at === null ? 'unread' : 'read' } };
}

/** What the center reads from the store: a page of notifications, newest first. */
export type NotificationPages = (filter: { organization: string; status?: 'unread' }, page: { cursor?: string; limit: number }) => Promise<{ items: unknown[]; next_cursor: string | null } | undefined>;

export class NotificationCenter {
  /** Unread ones, oldest first (at most NOTIFICATIONS_KEPT); read ones leave memory. */
  private readonly unreadItems: Notification[] = [];

  constructor(private readonly persist: (records: StateRecord[]) => Promise<void>, private readonly pages: NotificationPages, private readonly now: () => Date) {}

  load(records: readonly Notification[]): void {
    for (const n of [...records].sort((a, b) => a.created_at.localeCompare(b.created_at))) this.remember(n);
  }

  create(input: Omit<Notification, 'id' | 'created_at' | 'read_at'>): Notification {
    return { ...input, id: randomUUID(), created_at: this.now().toISOString(), read_at: null };
  }

  /** After the commit that holds them. */
  added(notifications: readonly Notification[]): void {
    for (const n of notifications) this.remember(n);
  }

  /** Newest first, at most `limit`. */
  async list(organization: string, unreadOnly: boolean, limit: number): Promise<Notification[]> {
    const page = await this.pages({ organization, ...(unreadOnly ? { status: 'unread' as const } : {}) }, { limit });
    return (page?.items ?? []) as Notification[];
  }

  unread(organization: string): number {
    return this.unreadItems.reduce((k, n) => k + (n.organization === organization ? 1 : 0), 0);
  }

  async markRead(organization: string, ids: string[] | 'all'): Promise<number> {
    const at = this.now().toISOString();
    const changed = this.unreadItems
      .filter((n) => n.organization === organization && (ids === 'all' || ids.includes(n.id)))
      .map((n) => ({ ...n, read_at: at }));
    if (changed.length === 0) return 0;
    await this.persist(changed.map(notificationRecord));
    for (const n of changed) this.remember(n);
    return changed.length;
  }

  private remember(n: Notification): void {
    const i = this.unreadItems.findIndex((x) => x.id === n.id);
    if (n.read_at !== null) {
      if (i >= 0) this.unreadItems.splice(i, 1);
      return;
    }
    if (i >= 0) this.unreadItems[i] = n;
    else {
      this.unreadItems.push(n);
      // The bell counts recent ones; the oldest leave memory first (they stay on disk).
      if (this.unreadItems.length > NOTIFICATIONS_KEPT) this.unreadItems.shift();
    }
  }
}
