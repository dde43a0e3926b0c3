// In-app notifications (the bell): created for in_app destinations and rules, kept as
// state records, counted unread, marked read.
import { randomUUID } from 'node:crypto';
import { NOTIFICATIONS_KEPT } from './limits';
import type { Notification } from '../src-shared/notifications';
import type { StateRecord } from './store/types';

export type { Notification };

export function notificationRecord(n: Notification): StateRecord {
  return { kind: 'notification', id: n.id, data: n };
}

export class NotificationCenter {
  private readonly items: Notification[] = [];

  constructor(private readonly persist: (records: StateRecord[]) => Promise<void>, private readonly now: () => Date) {}

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

  list(organization: string, unreadOnly: boolean): Notification[] {
    return this.items.filter((n) => n.organization === organization && (!unreadOnly || n.read_at === null)).reverse();
  }

  unread(organization: string): number {
    return this.items.reduce((k, n) => k + (n.organization === organization && n.read_at === null ? 1 : 0), 0);
  }

  async markRead(organization: string, ids: string[] | 'all'): Promise<number> {
    const at = this.now().toISOString();
    const changed = this.items
      .filter((n) => n.organization === organization && n.read_at === null && (ids === 'all' || ids.includes(n.id)))
      .map((n) => ({ ...n, read_at: at }));
    if (changed.length === 0) return 0;
    await this.persist(changed.map(notificationRecord));
    for (const n of changed) this.remember(n);
    return changed.length;
  }

  private remember(n: Notification): void {
    const i = this.items.findIndex((x) => x.id === n.id);
    if (i >= 0) this.items[i] = n;
    else {
      this.items.push(n);
      // The bell shows recent ones; the oldest leave memory first (they stay on disk).
      if (this.items.length > NOTIFICATIONS_KEPT) this.items.shift();
    }
  }
}
