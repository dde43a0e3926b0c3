// One destination: health and circuit state, its settings (secrets masked as the API gives
// them) with an edit form and an enable/disable switch, a test send that reports how it went,
// secret rotation, recent deliveries.
import { useState, type ReactNode } from 'react';
import { waitForOutcome, outcomeText } from '../api/deliveries';
import { DELIVERED_KINDS, destinationApi, healthOf, SIGNING_SECRET_GRACE_DEFAULT_S, targetOf, type DestinationDetail as Detail } from '../api/destinations';
import { ActionButton } from '../components/Action';
import { Badge } from '../components/Badge';
import { ConfirmButton } from '../components/ConfirmButton';
import { DeliveryTable } from '../components/DeliveryTable';
import { EmptyState } from '../components/EmptyState';
import { Facts } from '../components/Facts';
import { Errors } from '../components/Errors';
import { SecretOnce } from '../components/SecretOnce';
import { Time } from '../components/Time';
import { useLoad } from '../hooks/useLoad';
import { useStream } from '../hooks/useStream';
import { useThrottled } from '../hooks/useThrottled';
import { DestinationForm } from './destinations/DestinationForm';
import './Destinations.css';

function settingsOf(d: Detail): [string, ReactNode][] {
  return [
    ['Kind', d.kind],
    ['Sends to', <span className="dest-target">{targetOf(d)}</span>],
    ...(d.kind === 'webhook' ? [
      ['Format', d.format === 'transform' ? 'transform (follows the transform config)' : d.format],
      ['Headers', d.headers.length ? <ul className="plain">{d.headers.map((h, i) => <li key={i}><code>{h.key}: {h.value}</code></li>)}</ul> : 'none'],
    ] as [string, ReactNode][] : []),
    ...(d.kind === 'splunk_hec' ? [['HEC token', <code>{d.token ?? '—'}</code>]] as [string, ReactNode][] : []),
    ...(d.kind === 'email' ? [['Content', d.email_enriched ? 'enriched' : 'a link']] as [string, ReactNode][] : []),
    ['Event types', d.event_type.join(', ')],
    ['E-mail on failure', d.email_for_error],
    ['Enabled', d.enabled ? 'yes' : 'no'],
    ['Signing secret', <code>{d.signing_secret}</code>],
    ...(d.previous_signing_secret ? [['Previous secret', <>still signs too, until <Time at={d.previous_signing_secret.expires_at} /></>]] as [string, ReactNode][] : []),
    ['Created', <Time at={d.created_at} />],
  ];
}

function circuitOf(d: Detail): [string, ReactNode][] {
  const c = d.circuit;
  return [
    ['Health', <Badge value={healthOf(c)} />],
    ['Circuit', c.state],
    ['Consecutive failures', c.failures],
    ['Opened', <Time at={c.opened_at} />],
    ['Next probe', <Time at={c.next_probe_at} />],
  ];
}

/** How long a replaced secret keeps signing beside the new one, so receivers can switch without refusing deliveries. */
const GRACE_CHOICES: [number, string][] = [[SIGNING_SECRET_GRACE_DEFAULT_S, '24 hours'], [60 * 60, '1 hour'], [7 * 24 * 60 * 60, '7 days'], [0, 'no grace (switch at once)']];

export function DestinationDetail({ id, go }: { id: string; go: (hash: string) => void }) {
  const detail = useLoad(() => destinationApi.get(id), [id]);
  const [secret, setSecret] = useState<string | null>(null);
  const [graceS, setGraceS] = useState(SIGNING_SECRET_GRACE_DEFAULT_S);
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const reload = useThrottled(() => void detail.reload(), 500);
  useStream('delivery.changed', (c: { destination_id: string }) => c.destination_id === id && reload());
  const back = <a href="#/destinations">← Destinations</a>;
  const d = detail.data;
  if (!d) return <div className="view">{back}{detail.error ? <Errors error={detail.error} /> : <p className="muted">Loading…</p>}</div>;
  const delivered = DELIVERED_KINDS.includes(d.kind);
  return (
    <div className="view destination-detail">
      <div className="toolbar">
        {back}
        <h2>{d.name}</h2>
        <Badge value={healthOf(d.circuit)} />
        {!d.enabled && <Badge value="disabled" />}
      </div>
      <Errors error={detail.error} />
      <div className="columns">
        <section className="panel" aria-label="Settings">
          <h3>Settings</h3>
          {editing ? (
            <DestinationForm
              key={d.updated_at}
              editing={d}
              onCancel={() => setEditing(false)}
              onSaved={(after) => {
                setEditing(false);
                setSaved(after.uri !== d.uri && after.uri ? 'Saved; the circuit starts afresh for the new URI' : 'Saved');
                void detail.reload();
              }}
            />
          ) : (
            <>
              <Facts items={settingsOf(d)} />
              <div className="toolbar">
                <button type="button" onClick={() => { setEditing(true); setSaved(null); }}>Edit</button>
                <ActionButton label={d.enabled ? 'Disable' : 'Enable'} run={async () => {
                  const after = await destinationApi.update(d.id, { enabled: !d.enabled });
                  setSaved(null);
                  await detail.reload();
                  return after.enabled ? 'Enabled: new events are delivered here' : 'Disabled: new events are not delivered here';
                }} />
                {saved && <span className="result" role="status">{saved}</span>}
              </div>
            </>
          )}
        </section>
        <section className="panel" aria-label="Circuit and health"><h3>Circuit and health</h3><Facts items={circuitOf(d)} /></section>
      </div>
      <section className="toolbar">
        <ActionButton className="primary" label="Send test" run={async () => {
          const started = await destinationApi.test(d.id);
          const outcome = await waitForOutcome(started.id);
          await detail.reload();
          return `Test delivery ${outcomeText(outcome)}`;
        }} />
        <label>Old secret keeps signing for{' '}
          <select aria-label="Grace period" value={graceS} onChange={(e) => setGraceS(Number(e.target.value))}>
            {GRACE_CHOICES.map(([s, label]) => <option key={s} value={s}>{label}</option>)}
          </select>
        </label>
        <ActionButton label="Rotate signing secret" run={async () => {
          const rotated = await destinationApi.rotateSecret(d.id, graceS);
          setSecret(rotated.signing_secret);
          await detail.reload();
          const until = rotated.previous_signing_secret?.expires_at;
          return until ? `New secret issued; requests carry both signatures until ${new Date(until).toLocaleString()}` : 'New secret issued; the old one no longer signs';
        }} />
        <ConfirmButton label="Delete destination" question={`Delete "${d.name}"? Rules that send to it will need another action.`} run={async () => {
          await destinationApi.remove(d.id);
          go('#/destinations');
        }} />
      </section>
      {secret && <SecretOnce label="New signing secret" secret={secret} onDismiss={() => setSecret(null)} />}
      <section>
        <h3>Recent deliveries</h3>
        <DeliveryTable
          rows={d.recent_deliveries}
          go={go}
          empty={
            <EmptyState title="Nothing delivered here yet.">
              {delivered
                ? <p>Click <strong>Send test</strong>, or send an event of a subscribed type ({d.event_type.join(', ')}).</p>
                : <p>{d.kind === 'in_app' ? 'In-app destinations notify the bell instead of keeping deliveries.' : ''}</p>}
            </EmptyState>
          }
        />
        <p><a href={`#/deliveries?destination=${encodeURIComponent(d.id)}`}>All deliveries to {d.name} →</a></p>
      </section>
    </div>
  );
}
