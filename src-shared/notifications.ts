// In-app notifications (the bell), as stored and as GET /api/notifications answers. Types only.

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

export interface NotificationList {
  items: Notification[];
  unread: number;
  next_cursor: null;
}

/** What marking notifications read answers. */
export interface NotificationsMarked { marked: number; unread: number }
