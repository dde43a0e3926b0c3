// One event: the request as received, the raw payload, the normalized event and the
// decision taken on it, the output each destination got and its deliveries; copy as
// curl, replay.
import { api } from '../api/client';
import { eventsApi } from '../api/events';
import { ActionButton } from '../components/Action';
import { Badge } from '../components/Badge';
import { CopyButton } from '../components/Copy';
import { Errors } from '../components/Errors';
import { Json } from '../components/Json';
import { Time } from '../components/Time';
import { curlOf } from '../curl';
import { useLoad } from '../hooks/useLoad';
import { useStream } from '../hooks/useStream';
import type { NormalizedEvent } from '../../../src-main/core/types';
import { lastLiveEvents } from './live-events-url';
import { RequestReceived } from './RequestReceived';

const parsed = (body: string): unknown => {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
};

function Deliveries({ eventId }: { eventId: string }) {
  const out = useLoad(async () => {
    const [list, destinations] = await Promise.all([eventsApi.deliveriesOf(eventId), eventsApi.destinations()]);
    const names = new Map(destinations.items.map((d) => [d.id, `${d.name} (${d.kind})`]));
    const full = await Promise.all(list.items.map((d) => eventsApi.delivery(d.id)));
    return full.map((d) => ({ ...d, destination: names.get(d.destination_id) ?? d.destination_id }));
  }, [eventId]);
  useStream('delivery.changed', (d: { event_id?: string }) => {
    if (d.event_id === eventId) void out.reload();
  });
  const preview = useLoad(() => eventsApi.preview(eventId), [eventId]);
  return (
    <section className="panel" aria-label="Deliveries">
      <h3>What destinations got</h3>
      <Errors error={out.error} />
      {out.data?.length === 0 && (
        <p className="muted">No destination was owed this event (none subscribes to its event type, no rule sent it, or it was held back — see the decision). Add one in Destinations, or set up the demo on the Dashboard.</p>
      )}
      {out.data?.map((d) => (
        <div key={d.id} className="delivery">
          <header>
            <strong>{d.destination}</strong> <Badge value={d.status} /> <span className="muted">{d.attempt_count} attempt(s), created <Time at={d.created_at} /></span>{' '}
            <a href={`#/deliveries/${d.id}`}>attempt history →</a>
          </header>
          <Json label={`Sent to ${d.destination}`} data={parsed(d.body)} />
        </div>
      ))}
      {preview.data && (
        <Json label={`Rendered by the transform now${preview.data.unresolved.length ? ` (unresolved: ${preview.data.unresolved.join(', ')})` : ''}`} data={preview.data.payload} />
      )}
    </section>
  );
}

export function EventInspector({ id, go }: { id: string; go: (hash: string) => void }) {
  const { data: event, error } = useLoad(() => api.getEvent(id), [id]);
  const back = <button onClick={() => go(lastLiveEvents.get())}>← Events</button>;
  if (error) return <div className="view">{back}<Errors error={error} /></div>;
  if (!event) return <div className="view">Loading…</div>;
  const { raw, request, decision, ...normalized } = event;
  return (
    <div className="view">
      <div className="toolbar">
        {back}
        <h2>{event.title}</h2>
        <Badge value={event.severity} /> <Badge value={event.status} />
        <span className="muted">{event.dialect} from {event.source_name}, <Time at={event.received_at} /></span>
        <CopyButton text={curlOf(location.origin, event as never)} label="Copy as curl" />
        <ActionButton label="Replay" run={async () => {
          const sent = await eventsApi.replay(id);
          go(`#/events/${encodeURIComponent(sent.event_ids[0])}`);
          return 'Replayed as a new event';
        }} />
      </div>
      {request?.replay_of && <p className="muted">A replay of <a href={`#/events/${request.replay_of}`}>{request.replay_of}</a>.</p>}
      {decision && (
        <section className="panel decision" aria-label="Decision">
          <h3>Decision</h3>
          <p>{decision.text}</p>
          <p className="muted">
            action <code>{decision.action}</code>{decision.rule ? <> · rule <code>{decision.rule}</code></> : null}
            {decision.alert_id && <> · <a href={`#/alerts/${decision.alert_id}`}>open the alert</a></>}
            {decision.case_id && <> · <a href={`#/cases/${decision.case_id}`}>open the case</a></>}
            {decision.notify === false && <> · notifications held back</>}
          </p>
        </section>
      )}
      <RequestReceived event={event as NormalizedEvent} />
      <div className="columns">
        <Json label="Raw payload (as received)" data={raw} />
        <Json label="Normalized" data={normalized} />
      </div>
      <Deliveries eventId={id} />
    </div>
  );
}
