// Destinations: where records go, each with its kind, health and circuit state; create one
// with the form its kind needs (its signing secret is shown once, right after).
import { useState } from 'react';
import { destinationApi, healthOf, targetOf, type Destination, type WithSecret } from '../api/destinations';
import { Badge } from '../components/Badge';
import { DataTable } from '../components/DataTable';
import { EmptyState } from '../components/EmptyState';
import { Errors } from '../components/Errors';
import { SecretOnce } from '../components/SecretOnce';
import { useLoad } from '../hooks/useLoad';
import { useStream } from '../hooks/useStream';
import { useThrottled } from '../hooks/useThrottled';
import { DestinationForm } from './destinations/DestinationForm';
import './Destinations.css';

export const destinationHref = (id: string) => `#/destinations/${encodeURIComponent(id)}`;

export function Destinations({ go }: { go: (hash: string) => void }) {
  const list = useLoad(() => destinationApi.list(), []);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<WithSecret<Destination> | null>(null);
  // Circuit state moves with deliveries: refresh when they change (at most once a second).
  const reload = useThrottled(() => void list.reload(), 1000);
  useStream('delivery.changed', reload);
  const rows = list.data?.items ?? [];
  return (
    <div className="view destinations">
      <div className="toolbar">
        <h2>Destinations</h2>
        {!creating && <button type="button" className="primary" onClick={() => { setCreating(true); setCreated(null); }}>New destination</button>}
      </div>
      {creating && (
        <section>
          <h3>New destination</h3>
          <DestinationForm onCancel={() => setCreating(false)} onCreated={(d) => { setCreated(d); setCreating(false); void list.reload(); }} />
        </section>
      )}
      {created && (
        <section>
          <p>Created <a href={destinationHref(created.id)}>{created.name}</a>. Receivers verify its requests with this signing secret.</p>
          <SecretOnce label="Signing secret" secret={created.signing_secret} onDismiss={() => setCreated(null)} />
        </section>
      )}
      <Errors error={list.error} />
      <DataTable
        rows={rows}
        rowKey={(d) => d.id}
        onOpen={(d) => go(destinationHref(d.id))}
        empty={
          !creating && (
            <EmptyState title="No destinations yet.">
              <p>Add one with <strong>New destination</strong>. No receiver at hand? Use a webhook to the built-in request bin, <code>{location.origin}/bin/demo</code>, and read what arrives at <code>/api/bins/demo</code>.</p>
            </EmptyState>
          )
        }
        columns={[
          { label: 'name', cell: (d) => <a href={destinationHref(d.id)}>{d.name}</a> },
          { label: 'kind', cell: (d) => d.kind },
          { label: 'sends to', cell: (d) => <span className="dest-target">{targetOf(d)}</span> },
          { label: 'health', cell: (d) => <Badge value={healthOf(d.circuit)} /> },
          { label: 'circuit', cell: (d) => `${d.circuit.state}${d.circuit.failures ? ` (${d.circuit.failures} failures)` : ''}` },
          { label: 'enabled', cell: (d) => (d.enabled ? 'yes' : 'no') },
        ]}
      />
    </div>
  );
}
