// In-app notifications (the bell). Shapes: src-main/notifications.ts and
// src-main/server/routes/destinations.ts.
import { http } from './client';

export interface Notification {
  id: string;
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
}

export const notificationApi = {
  list: () => http.get<NotificationList>('/api/notifications'),
  markRead: (ids: string[] | 'all') => http.post<{ marked: number; unread: number }>('/api/notifications/read', ids === 'all' ? { all: true } : { ids }),
};
