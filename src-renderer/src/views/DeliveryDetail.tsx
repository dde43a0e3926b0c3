// One delivery with every attempt: when, how long, the request as sent (secrets masked by
// the API), the response or the error, and when the next attempt is due. Live by the stream.
import { deliveryApi, type Attempt, type DeliveryChange } from '../api/deliveries';
import { destinationApi } from '../api/destinations';
import { Badge } from '../components/Badge';
import { EmptyState } from '../components/EmptyState';
import { Errors } from '../components/Errors';
import { Facts } from '../components/Facts';
import { Json } from '../components/Json';
import { RedeliverButton, deliveryHref } from '../components/DeliveryTable';
import { Time } from '../components/Time';
import { useLoad } from '../hooks/useLoad';
import { useStream } from '../hooks/useStream';
import './Deliveries.css';

function Headers({ headers, label }: { headers: Record<string, string>; label: string }) {
  const entries = Object.entries(headers);
  if (!entries.length) return <p className="muted">no headers</p>;
  return (
    <table className="headers" aria-label={label}>
      <tbody>{entries.map(([k, v]) => <tr key={k}><td>{k}</td><td>{v}</td></tr>)}</tbody>
    </table>
  );
}

/** A body as text, pretty-printed when it is JSON. */
function Body({ text, label }: { text: string; label: string }) {
  let shown = text;
  try {
    shown = JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    // not JSON: shown as received
  }
  return text ? <pre className="body" aria-label={label}>{shown}</pre> : <p className="muted">empty body</p>;
}

function AttemptView({ attempt, n }: { attempt: Attempt; n: number }) {
  const ok = attempt.response && attempt.response.status >= 200 && attempt.response.status < 300;
  return (
    <article className="attempt" aria-label={`Attempt ${n}`}>
      <h4>
        Attempt {n} <Time at={attempt.at} /> <span className="muted">{attempt.duration_ms} ms</span>
        <Badge value={ok ? 'succeeded' : 'failed'} />
        {attempt.response && <span>HTTP {attempt.response.status}</span>}
      </h4>
      <div className="columns">
        <div>
          <h5>Request</h5>
          <p><code>{attempt.request.url.startsWith('http') ? `POST ${attempt.request.url}` : attempt.request.url}</code></p>
          <Headers headers={attempt.request.headers} label={`Attempt ${n} request headers`} />
          <Body text={attempt.request.body} label={`Attempt ${n} request body`} />
        </div>
        <div>
          <h5>Response</h5>
          {attempt.response ? (
            <>
              <p>Status <strong>{attempt.response.status}</strong></p>
              <Headers headers={attempt.response.headers} label={`Attempt ${n} response headers`} />
              <Body text={attempt.response.body} label={`Attempt ${n} response body`} />
            </>
          ) : (
            <p className="failure">No response{attempt.error_class ? ` (${attempt.error_class})` : ''}: {attempt.error ?? 'unknown error'}</p>
          )}
          {attempt.response && attempt.error && <p className="failure">{attempt.error}</p>}
        </div>
      </div>
    </article>
  );
}

export function DeliveryDetail({ id, go }: { id: string; go: (hash: string) => void }) {
  const delivery = useLoad(() => deliveryApi.get(id), [id]);
  const destinations = useLoad(() => destinationApi.list(), []);
  useStream('delivery.changed', (c: DeliveryChange) => void (c.id === id && delivery.reload()));
  const back = <a href="#/deliveries">← Deliveries</a>;
  const d = delivery.data;
  if (!d) return <div className="view">{back}{delivery.error ? <Errors error={delivery.error} /> : <p className="muted">Loading…</p>}</div>;
  const destination = destinations.data?.items.find((x) => x.id === d.destination_id);
  let payload: unknown = d.body;
  try {
    payload = JSON.parse(d.body);
  } catch {
    // an e-mail or non-JSON body: shown as text
  }
  const attempts = [...d.attempts].reverse();
  return (
    <div className="view delivery-detail">
      <div className="toolbar">
        {back}
        <h2>Delivery to {destination?.name ?? d.destination_id}</h2>
        <Badge value={d.status === 'pending' && d.attempt_count > 0 ? 'retrying' : d.status} />
        <RedeliverButton id={d.id} go={go} />
      </div>
      <Errors error={delivery.error} />
      <section>
        <Facts items={[
          ['Destination', <a href={`#/destinations/${encodeURIComponent(d.destination_id)}`}>{destination?.name ?? d.destination_id}</a>],
          ['Status', `${d.status}${d.dead_reason ? ` — ${d.dead_reason}` : ''}`],
          ['Attempts', d.attempt_count],
          ['Next attempt', d.status === 'pending' ? <Time at={d.next_attempt_at} /> : '—'],
          ['Origin', <>{d.origin}{d.redelivery_of && <> of <a href={deliveryHref(d.redelivery_of)}>{d.redelivery_of}</a></>}</>],
          ['Event', d.event_id ? <a href={`#/events/${encodeURIComponent(d.event_id)}`}>{d.event_id}</a> : '—'],
          ['Created', <Time at={d.created_at} />],
        ]} />
      </section>
      <section>
        <h3>Attempts ({d.attempt_count})</h3>
        {attempts.length === 0
          ? <EmptyState title="No attempt yet.">The first attempt is under way or waiting for its destination's lane; this page updates by itself.</EmptyState>
          : attempts.map((a, i) => <AttemptView key={a.at + i} attempt={a} n={d.attempt_count - i} />)}
      </section>
      <Json label="Payload" data={payload} expand={1} />
    </div>
  );
}
