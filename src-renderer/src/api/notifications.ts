// In-app notifications (the bell). Shapes: src-shared/notifications.ts.
import type { Static } from '../../../src-main/schemas/builders';
import type { notificationsReadSchema } from '../../../src-main/schemas/destinations';
import type { NotificationList, NotificationsMarked } from '../../../src-shared/notifications';
import { http } from './client';

export type { Notification, NotificationList } from '../../../src-shared/notifications';

export const notificationApi = {
  list: () => http.get<NotificationList>('/api/notifications'),
  markRead: (ids: string[] | 'all') => http.post<NotificationsMarked>('/api/notifications/read', (ids === 'all' ? { all: true } : { ids }) satisfies Static<typeof notificationsReadSchema>),
};
