// Deliveries as rows (the Deliveries view, a destination's recent deliveries): status,
// attempts, next attempt, and Redeliver on the ones that failed.
import type { ReactNode } from 'react';
import { deliveryApi, type DeliverySummary } from '../api/deliveries';
import type { Paged } from '../hooks/useLoad';
import { ActionButton } from './Action';
import { Badge } from './Badge';
import { DataTable } from './DataTable';
import { Time } from './Time';

export const deliveryHref = (id: string) => `#/deliveries/${encodeURIComponent(id)}`;

/** Dead, or still pending after at least one failed attempt. */
export const hasFailed = (d: Pick<DeliverySummary, 'status' | 'attempt_count'>) => d.status === 'dead' || (d.status === 'pending' && d.attempt_count > 0);

/** Sends the same payload again and opens the new delivery. */
export function RedeliverButton({ id, go, className }: { id: string; go: (hash: string) => void; className?: string }) {
  return (
    <ActionButton className={className} label="Redeliver" run={async () => {
      const again = await deliveryApi.redeliver(id);
      go(deliveryHref(again.id));
      return 'Sent again';
    }} />
  );
}

export function DeliveryTable({ rows, go, destinationName, empty, paged }: {
  rows: DeliverySummary[];
  go: (hash: string) => void;
  /** Shows a destination column when given. */
  destinationName?: (id: string) => string;
  empty: ReactNode;
  paged?: Pick<Paged<DeliverySummary>, 'hasMore' | 'more' | 'loading' | 'error'>;
}) {
  return (
    <DataTable
      rows={rows}
      rowKey={(d) => d.id}
      empty={empty}
      paged={paged}
      columns={[
        { label: 'created', cell: (d) => <a href={deliveryHref(d.id)} aria-label={`delivery ${d.id}`}><Time at={d.created_at} /></a> },
        ...(destinationName ? [{ label: 'destination', cell: (d: DeliverySummary) => <a href={`#/destinations/${encodeURIComponent(d.destination_id)}`}>{destinationName(d.destination_id)}</a> }] : []),
        { label: 'status', cell: (d) => <Badge value={d.status === 'pending' && d.attempt_count > 0 ? 'retrying' : d.status} /> },
        { label: 'attempts', cell: (d) => d.attempt_count },
        { label: 'origin', cell: (d) => d.origin },
        { label: 'event', cell: (d) => (d.event_id ? <a href={`#/events/${encodeURIComponent(d.event_id)}`}>{d.event_id.slice(0, 8)}…</a> : '—') },
        { label: 'next attempt', cell: (d) => <Time at={d.next_attempt_at} /> },
        { label: '', cell: (d) => hasFailed(d) && <RedeliverButton className="small" id={d.id} go={go} /> },
      ]}
    />
  );
}
