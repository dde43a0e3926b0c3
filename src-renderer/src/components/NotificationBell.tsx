// The bell: unread count (live from notification.created), a dropdown of the latest
// notifications, each opening what it is about and marking itself read.
import { useEffect, useRef, useState } from 'react';
import { notificationApi, type Notification } from '../api/notifications';
import { useLoad } from '../hooks/useLoad';
import { useStream } from '../hooks/useStream';
import { useThrottled } from '../hooks/useThrottled';
import { ActionButton } from './Action';
import { Badge } from './Badge';
import { EmptyState } from './EmptyState';
import { Errors } from './Errors';
import { Time } from './Time';
import './NotificationBell.css';

export function NotificationBell() {
  const list = useLoad(() => notificationApi.list(), []);
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const box = useRef<HTMLDivElement>(null);
  // Reload rather than count locally: the server's unread figure stays the truth even when
  // several arrive at once or another window marks some read. A burst costs one reload.
  const reload = useThrottled(() => void list.reload(), 500);
  useStream('notification.created', reload);
  // A click anywhere else, or going to another view, closes the dropdown.
  useEffect(() => {
    if (!open) return;
    const away = (e: MouseEvent) => box.current && !box.current.contains(e.target as Node) && setOpen(false);
    const close = () => setOpen(false);
    document.addEventListener('mousedown', away);
    window.addEventListener('hashchange', close);
    return () => {
      document.removeEventListener('mousedown', away);
      window.removeEventListener('hashchange', close);
    };
  }, [open]);
  const unread = list.data?.unread ?? 0;
  const follow = async (n: Notification) => {
    setOpen(false);
    location.hash = n.link;
    if (n.read_at) return;
    try {
      await notificationApi.markRead([n.id]);
      setError(null);
    } catch (e) {
      setError(e);
    }
    await list.reload();
  };
  return (
    <div className="bell" ref={box}>
      <button type="button" className="bell-button" aria-label={`Notifications, ${unread} unread`} aria-expanded={open} onClick={() => setOpen(!open)}>
        {/* Drawn, not an emoji: not every system has an emoji font. */}
        <svg aria-hidden="true" width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
          <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
          <path d="M13.7 21a2 2 0 0 1-3.4 0" />
        </svg>
        {unread > 0 && <span className="bell-count" data-testid="unread-count">{unread}</span>}
      </button>
      {open && (
        <div className="bell-panel" role="dialog" aria-label="Notifications">
          <header>
            <strong>Notifications</strong>
            <ActionButton label="Mark all read" disabled={!unread} run={async () => {
              const r = await notificationApi.markRead('all');
              await list.reload();
              return `${r.marked} marked read`;
            }} />
          </header>
          <Errors error={list.error ?? error} />
          {list.data && !list.data.items.length ? (
            <EmptyState title="No notifications.">
              <p>The bell rings for events that reach an in-app destination or a rule's “notify in app” action: set one up in <a href="#/destinations">Destinations</a> or <a href="#/rules">Rules</a>.</p>
            </EmptyState>
          ) : (
            <ul>
              {list.data?.items.map((n) => (
                <li key={n.id} className={n.read_at ? 'read' : 'unread'}>
                  <a href={n.link} onClick={(e) => { e.preventDefault(); void follow(n); }}>
                    <span className="bell-title"><Badge value={n.severity} /> {n.title}</span>
                    <span className="bell-text">{n.text}</span>
                    <Time at={n.created_at} />
                  </a>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
