// An alert's or case's timeline, oldest first: what happened, why (the decision text), who.
import type { TimelineEntry } from '../api/alerts';
import { Badge } from './Badge';
import { Time } from './Time';

/** `eventTitles`: event id → title, so an entry names its event by title (else by a short id). */
export function Timeline({ entries, eventTitles }: { entries: TimelineEntry[]; eventTitles?: ReadonlyMap<string, string> }) {
  if (!entries.length) return <p className="muted">Nothing has happened yet.</p>;
  return (
    <ol className="timeline" aria-label="timeline">
      {entries.map((t, i) => (
        <li key={i}>
          <div><Time at={t.at} /> <Badge value={t.kind.replace(/_/g, ' ')} />{t.actor && <span className="muted"> by {t.actor}</span>}</div>
          <div>{t.text}</div>
          {t.event_id && <a href={`#/events/${encodeURIComponent(t.event_id)}`}>{eventTitles?.get(t.event_id) ?? `event ${t.event_id.slice(0, 8)}…`}</a>}
        </li>
      ))}
    </ol>
  );
}
