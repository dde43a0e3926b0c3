// One alert: its facts, ack / resolve / dismiss, its timeline with the decision texts, the
// events it names and its deliveries. Kept live by alert.changed.
import { ACTION_DONE, ACTION_LABEL, ALERT_ACTIONS, alertApi, allowedActions, timelineEventIds, type Alert } from '../api/alerts';
import { ActionButton } from '../components/Action';
import { AlertDeliveries } from '../components/AlertDeliveries';
import { Badge } from '../components/Badge';
import { CatalogLinks } from '../components/CatalogLinks';
import { DefinitionLink } from '../components/DefinitionLink';
import { Errors } from '../components/Errors';
import { Facts } from '../components/Facts';
import { Time } from '../components/Time';
import { Timeline } from '../components/Timeline';
import { useLoad } from '../hooks/useLoad';
import { useStream } from '../hooks/useStream';


export function AlertDetail({ id, go }: { id: string; go: (hash: string) => void }) {
  const alert = useLoad(() => alertApi.get(id), [id]);
  const eventIds = alert.data ? timelineEventIds(alert.data.timeline) : [];
  // Reloaded when the timeline names another event (a new one joined).
  const events = useLoad(() => alertApi.events(id), [id, eventIds.join(',')]);
  useStream('alert.changed', (a: Alert) => {
    if (a.id === id || a.short_id === id) alert.set(a);
  });
  const back = <a href="#/alerts">← Alerts</a>;
  if (!alert.data) return <div className="view">{back}{alert.error ? <Errors error={alert.error} /> : <p>Loading…</p>}</div>;
  const a = alert.data;
  const allowed = allowedActions(a.status);
  return (
    <div className="view alert-detail">
      <div className="toolbar">
        {back}
        <h2><code>{a.short_id}</code> {a.title}</h2>
        <Badge value={a.severity} />
        <span aria-label="alert status"><Badge value={a.status} /></span>
        {a.flapping && <Badge value="flapping" />}
      </div>
      <section>
        <div className="toolbar">
          {/* All three stay on screen (disabled when the status does not allow them) so a result stays visible. */}
          {ALERT_ACTIONS.map((x) => (
            <ActionButton key={x} label={ACTION_LABEL[x]} className={x === 'dismiss' ? 'danger' : undefined} disabled={!allowed.includes(x)}
              run={async () => {
                alert.set(await alertApi.act(a.id, x));
                return ACTION_DONE[x];
              }} />
          ))}
          {!allowed.length && <span className="muted">This alert is {a.status}; the next event with its key opens a new alert.</span>}
        </div>
        <Facts items={[
          ['Priority', a.priority],
          ['Events', a.event_count],
          ['First seen', <Time at={a.first_seen} />],
          ['Last seen', <Time at={a.last_seen} />],
          ['Idempotency key', a.idempotency_key ? <code>{a.idempotency_key}</code> : null],
          ['Definition', a.definition_id ? <DefinitionLink id={a.definition_id} /> : null],
          ['Case', a.case_id ? <a href={`#/cases/${a.case_id}`}>open the case</a> : null],
          ['Catalog', <CatalogLinks links={a.catalog} />],
          ['Tags', a.tags.length ? a.tags.join(', ') : null],
          ['Id', <code>{a.id}</code>],
        ]} />
      </section>
      <section>
        <h3>Timeline</h3>
        <Timeline entries={a.timeline} eventTitles={new Map((events.data?.items ?? []).map((e) => [e.id, e.title]))} />
      </section>
      <section>
        <h3>Events</h3>
        {eventIds.length ? (
          <>
            <Errors error={events.error} />
            <ul className="event-links" aria-label="Events of this alert">
              {(events.data?.items ?? []).map((e) => (
                <li key={e.id}>
                  <a href={`#/events/${encodeURIComponent(e.id)}`}>{e.title}</a> <Time at={e.received_at} /> <Badge value={e.severity} /> <span className="muted">from {e.source_name}</span>
                </li>
              ))}
            </ul>
            {events.data && events.data.items.length < eventIds.length && <p className="muted">{eventIds.length - events.data.items.length} earlier events are no longer stored (retention).</p>}
            {eventIds.length < a.event_count && <p className="muted">{a.event_count} events in all; the timeline keeps the first and the latest.</p>}
          </>
        ) : <p className="muted">No event is named in its timeline.</p>}
      </section>
      <section>
        <h3>Deliveries</h3>
        <AlertDeliveries alertId={a.id} go={go} />
      </section>
    </div>
  );
}
