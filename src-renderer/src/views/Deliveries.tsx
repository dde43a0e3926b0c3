// Deliveries, newest first, a page at a time (Load more), filtered by destination and status,
// kept live by the stream.
import { useEffect, useMemo, useState } from 'react';
import { deliveryApi, DELIVERY_STATUSES, type DeliveryChange, type DeliverySummary } from '../api/deliveries';
import { destinationApi } from '../api/destinations';
import { DeliveryTable } from '../components/DeliveryTable';
import { EmptyState } from '../components/EmptyState';
import { Errors } from '../components/Errors';
import { Field } from '../components/Field';
import { useLoad, usePaged } from '../hooks/useLoad';
import { useStream } from '../hooks/useStream';
import { useThrottled } from '../hooks/useThrottled';
import './Deliveries.css';

/** Page size; older deliveries come with Load more (the API's next_cursor). */
const PAGE = 50;

export function Deliveries({ query, go }: { query: URLSearchParams; go: (hash: string) => void }) {
  const [destination, setDestination] = useState(query.get('destination') ?? '');
  const [status, setStatus] = useState(query.get('status') ?? '');
  const destinations = useLoad(() => destinationApi.list(), []);
  const names = useMemo(() => new Map((destinations.data?.items ?? []).map((d) => [d.id, d.name])), [destinations.data]);
  const list = usePaged<DeliverySummary>((cursor) => deliveryApi.list({ destination, status, cursor, limit: PAGE }), [destination, status]);

  // A change to a listed delivery is patched in place. New ones are fetched with the first
  // page (at most every half second, so a burst costs a few requests, not one each) and go
  // on top, so the older pages already loaded stay. Should more arrive than a page holds,
  // the list starts again from the newest.
  const [patches, setPatches] = useState<Record<string, DeliveryChange>>({});
  const [fresh, setFresh] = useState<DeliverySummary[]>([]);
  useEffect(() => {
    setFresh([]);
    setPatches({});
  }, [destination, status]);
  const listed = [...fresh, ...list.items];
  const refreshTop = useThrottled(() => {
    void deliveryApi.list({ destination, status, limit: PAGE }).then((page) => {
      const known = new Set(listed.map((d) => d.id));
      const news = page.items.filter((d) => !known.has(d.id));
      if (news.length === page.items.length && page.next_cursor && listed.length) {
        setFresh([]);
        setPatches({});
        void list.reload();
        return;
      }
      setFresh((prev) => [...news, ...prev]);
      // Rows already listed take the state the page has (asked for after their last change).
      setPatches((p) => ({ ...p, ...Object.fromEntries(page.items.filter((d) => known.has(d.id)).map((d) => [d.id, d])) }));
    }, () => undefined); // the next change tries again; the list keeps what it shows
  }, 500);
  useStream('delivery.changed', (c: DeliveryChange) => {
    if (listed.some((d) => d.id === c.id)) setPatches((p) => ({ ...p, [c.id]: c }));
    else refreshTop();
  });
  const seen = new Set<string>();
  const rows = listed
    .filter((d) => !seen.has(d.id) && !!seen.add(d.id))
    .map((d) => (patches[d.id] ? { ...d, ...patches[d.id] } : d))
    .filter((d) => !status || d.status === status);

  const filtered = destination || status;
  return (
    <div className="view deliveries">
      <div className="toolbar deliveries-filters">
        <h2>Deliveries</h2>
        <Field label="Destination">
          <select value={destination} onChange={(e) => setDestination(e.target.value)}>
            <option value="">all destinations</option>
            {[...names].map(([id, name]) => <option key={id} value={id}>{name}</option>)}
          </select>
        </Field>
        <Field label="Status">
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">any status</option>
            {DELIVERY_STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </Field>
      </div>
      <Errors error={destinations.error} />
      <DeliveryTable
        rows={rows}
        go={go}
        paged={list}
        destinationName={(id) => names.get(id) ?? (id.startsWith('rule:') ? 'rule e-mail' : id.slice(0, 8))}
        empty={
          filtered ? (
            <EmptyState title="No deliveries match these filters.">Clear the filters to see every delivery.</EmptyState>
          ) : (
            <EmptyState title="No deliveries yet.">
              <p>Deliveries appear when an event reaches a destination. <a href="#/destinations">Add a destination</a> (the built-in request bin works offline) and click <strong>Send test</strong>, or send an event.</p>
            </EmptyState>
          )
        }
      />
    </div>
  );
}
