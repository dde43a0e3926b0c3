// The inspector's answer to "what exactly was sent": the request line with its query string,
// the headers as received (secrets were masked by the server before storing), and for a
// batch request which item became this event.
import type { NormalizedEvent, RequestMeta } from '../../../src-main/core/types';
import { Facts } from '../components/Facts';
import { Json } from '../components/Json';

const BATCH_NAMES: Partial<Record<NormalizedEvent['dialect'], string>> = {
  alertmanager: 'Alertmanager group',
  splunk_hec: 'HEC batch',
  custom: "transposer's output",
};

/** The value at a path of keys and indexes, or undefined. */
function at(value: unknown, path: (string | number)[]): unknown {
  let v = value;
  for (const step of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[step];
  }
  return v;
}

function BatchItem({ event }: { event: NormalizedEvent }) {
  const batch = event.request.batch!;
  const item = batch.in_raw ? at(event.raw, batch.in_raw) : undefined;
  return (
    <section className="panel batch-item" aria-label="Batch item">
      <h3>Item {batch.index + 1} of {batch.count} of this {BATCH_NAMES[event.dialect] ?? 'batch'}</h3>
      <p className="muted">
        This event came from <code>{batch.in_request}</code> of the request; the other {batch.count - 1} item{batch.count === 2 ? '' : 's'} became events of their own.
        {event.dialect === 'alertmanager' && ' Its raw payload keeps the group\'s fields with only this alert.'}
      </p>
      {item !== undefined ? (
        <Json label={`The item that became this event (${batch.in_request})`} data={item} />
      ) : (
        <p className="muted">The transposer made it from the whole body (shown under Raw payload); see Normalized for the item.</p>
      )}
    </section>
  );
}

function HeaderTable({ request }: { request: RequestMeta }) {
  if (!request.headers) {
    return <p className="muted">Headers were not recorded for this event (sent from the UI, or stored before they were kept).</p>;
  }
  return (
    <>
      <table aria-label="Request headers">
        <thead><tr><th>header</th><th>value</th></tr></thead>
        <tbody>
          {request.headers.map(([name, value], i) => (
            <tr key={i}><td><code>{name}</code></td><td><code className={value.includes('***') ? 'masked' : undefined}>{value}</code></td></tr>
          ))}
        </tbody>
      </table>
      {request.headers_omitted ? <p className="muted">{request.headers_omitted} more header{request.headers_omitted === 1 ? '' : 's'} not kept.</p> : null}
      <p className="muted">Credentials, cookies and headers named like a token, key, secret or signature are masked (***) before the event is stored.</p>
    </>
  );
}

export function RequestReceived({ event }: { event: NormalizedEvent }) {
  const r = event.request;
  const line = `${r.method} ${r.path}${r.query ? `?${r.query}` : ''}`;
  return (
    <>
      <section className="panel" aria-label="Request as received">
        <h3>Request as received</h3>
        <Facts items={[
          ['request', <code key="l">{line}</code>],
          ['query string', r.query ? <code key="q">{r.query}</code> : <span className="muted">none</span>],
          ['from', r.remote_address],
          ['user agent', r.user_agent],
          ['content', `${r.content_type ?? 'no type'}, ${r.content_length} bytes`],
          ['authenticated by', r.auth === 'url_token' ? 'URL token' : r.auth === 'session' ? 'the UI session' : `API key ${r.key_id ?? ''}`],
          ...(r.idempotency_key ? [['Idempotency-Key', r.idempotency_key] as [string, string]] : []),
        ]} />
        <HeaderTable request={r} />
      </section>
      {r.batch && <BatchItem event={event} />}
    </>
  );
}
