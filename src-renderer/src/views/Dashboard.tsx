// Dashboard: event rate by severity, delivery outcomes, failing destinations, and the
// one-minute offline demo (request-bin destination + a sample).
import { useState } from 'react';
import { Area, AreaChart, Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { api } from '../api/client';
import { deliveryApi } from '../api/deliveries';
import { eventsApi, type Sent } from '../api/events';
import { ActionButton } from '../components/Action';
import { Badge } from '../components/Badge';
import { EmptyState } from '../components/EmptyState';
import { Errors } from '../components/Errors';
import { SendSample } from '../components/SendSample';
import { Time } from '../components/Time';
import { useLoad } from '../hooks/useLoad';
import { useStream } from '../hooks/useStream';
import { useThrottled } from '../hooks/useThrottled';

const SEVERITY_COLOURS: Record<string, string> = { critical: '#7a0916', high: '#d92d20', medium: '#f79009', low: '#fdb022', informational: '#53b1fd', pending: '#98a2b3' };
const WINDOWS = [[15, '15 min'], [60, '1 hour'], [360, '6 hours'], [1440, '24 hours']] as const;
/** The figures follow the stream at most this often. */
const STREAM_RELOAD_MS = 1000;
const clock = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** Links to what the sample became: its event, its alert and its delivery (once planned). */
function SampleTrail({ sent }: { sent: Sent }) {
  const eventId = sent.event_ids[0];
  const alertId = sent.alert_ids[0];
  const deliveries = useLoad(() => deliveryApi.list({ event: eventId }), [eventId]);
  const event = useLoad(() => api.getEvent(eventId), [eventId]);
  useStream(['delivery.changed'], (c: { event_id: string | null }) => c.event_id === eventId && void deliveries.reload());
  const delivery = deliveries.data?.items[0];
  return (
    <ul className="sample-trail" aria-label="Your sample">
      <li>Event: <a href={`#/events/${encodeURIComponent(eventId)}`}>{event.data?.title ?? eventId}</a></li>
      <li>Alert: {alertId ? <a href={`#/alerts/${encodeURIComponent(alertId)}`}>open its alert</a> : <span className="muted">none (held back by a rule or filter)</span>}</li>
      <li>Delivery: {delivery
        ? <><a href={`#/deliveries/${encodeURIComponent(delivery.id)}`}>{`delivery ${delivery.status}`}</a>{delivery.attempt_count ? ` after ${delivery.attempt_count} attempt${delivery.attempt_count === 1 ? '' : 's'}` : ''}</>
        : <span className="muted">none yet: set up the demo destination first, then send again</span>}</li>
    </ul>
  );
}

function GetStarted({ onChange }: { onChange: () => void }) {
  const bin = useLoad(() => eventsApi.bin('demo'), []);
  const [sent, setSent] = useState<Sent | null>(null);
  const reloadBin = useThrottled(() => void bin.reload(), STREAM_RELOAD_MS);
  useStream(['delivery.changed'], reloadBin);
  return (
    <section className="panel get-started" aria-label="Get started">
      <h3>Try the whole loop offline</h3>
      <ol>
        <li>
          Create a webhook destination that delivers to the built-in request bin:{' '}
          <ActionButton label="Set up the demo destination" run={async () => {
            const demo = await eventsApi.setUpDemo();
            onChange();
            return `Destination ready: delivers to ${demo.bin_url}`;
          }} />
        </li>
        <li>
          Send a sample event: <SendSample onSent={(s) => { setSent(s); onChange(); }} />
          {sent && sent.event_ids.length > 0 && <SampleTrail key={sent.event_ids[0]} sent={sent} />}
        </li>
        <li>
          {sent ? 'Then' : 'Follow it:'} <a href="#/events">live events</a> → <a href="#/alerts">alerts</a> → <a href="#/deliveries">deliveries</a> → what the bin received:
          {bin.data?.items.length ? (
            <ul className="bin">
              {bin.data.items.slice(0, 3).map((r, i) => (
                <li key={i}><Time at={r.received_at} /> {r.method} {r.path} — {r.body.length} bytes <code>{r.body.slice(0, 120)}</code></li>
              ))}
            </ul>
          ) : <span className="muted"> nothing yet.</span>}
        </li>
      </ol>
    </section>
  );
}

export function Dashboard() {
  const [minutes, setMinutes] = useState(60);
  const dash = useLoad(() => eventsApi.dashboard(minutes), [minutes]);
  // A burst of events costs one reload a second, not one (a scan of the store) per event.
  const reload = useThrottled(() => void dash.reload(), STREAM_RELOAD_MS);
  useStream(['event.created', 'delivery.changed'], reload);
  const d = dash.data;
  const severities = Object.keys(SEVERITY_COLOURS);
  return (
    <div className="view dashboard">
      <div className="toolbar">
        <h2>Dashboard</h2>
        <select aria-label="window" value={minutes} onChange={(e) => setMinutes(Number(e.target.value))}>
          {WINDOWS.map(([m, label]) => <option key={m} value={m}>last {label}</option>)}
        </select>
        {d && <span className="muted">{d.totals.events} events, {d.totals.attempts_succeeded} deliveries succeeded, {d.totals.attempts_failed} attempts failed{d.truncated ? ' (oldest events not counted)' : ''}</span>}
      </div>
      <Errors error={dash.error} />
      <GetStarted onChange={() => void dash.reload()} />
      {d && (
        <div className="columns">
          <section className="panel" aria-label="Event rate by severity">
            <h3>Events by severity</h3>
            {d.totals.events === 0 ? <EmptyState title="No events in this window.">Send a sample above, or <a href="#/connect">connect a tool</a>.</EmptyState> : (
              <ResponsiveContainer width="100%" height={220}>
                <AreaChart data={d.events}>
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis dataKey="at" tickFormatter={clock} />
                  <YAxis allowDecimals={false} />
                  <Tooltip labelFormatter={(v) => clock(String(v))} />
                  <Legend />
                  {severities.map((s) => <Area key={s} type="monotone" dataKey={s} stackId="1" stroke={SEVERITY_COLOURS[s]} fill={SEVERITY_COLOURS[s]} isAnimationActive={false} />)}
                </AreaChart>
              </ResponsiveContainer>
            )}
          </section>
          <section className="panel" aria-label="Delivery outcomes">
            <h3>Delivery attempts</h3>
            {d.totals.attempts_succeeded + d.totals.attempts_failed === 0 ? <EmptyState title="No deliveries in this window.">Add a destination (or the demo one above) and send an event.</EmptyState> : (
              <ResponsiveContainer width="100%" height={220}>
                <BarChart data={d.attempts}>
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis dataKey="at" tickFormatter={clock} />
                  <YAxis allowDecimals={false} />
                  <Tooltip labelFormatter={(v) => clock(String(v))} />
                  <Legend />
                  <Bar dataKey="succeeded" stackId="1" fill="#12b76a" isAnimationActive={false} />
                  <Bar dataKey="failed" stackId="1" fill="#d92d20" isAnimationActive={false} />
                </BarChart>
              </ResponsiveContainer>
            )}
          </section>
          <section className="panel" aria-label="Failing destinations">
            <h3>Failing destinations</h3>
            {d.failing_destinations.length === 0 ? <p className="muted">None: every destination delivered in this window.</p> : (
              <table>
                <thead><tr><th>destination</th><th>failed attempts</th><th>given up</th><th>circuit</th></tr></thead>
                <tbody>
                  {d.failing_destinations.map((f) => (
                    <tr key={f.id}><td><a href={`#/destinations/${f.id}`}>{f.name}</a> <span className="muted">{f.kind}</span></td><td>{f.failed_attempts}</td><td>{f.dead}</td><td><Badge value={`${f.circuit} circuit`} /></td></tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </div>
      )}
    </div>
  );
}
