// Alerts to triage: open ones by default (status, severity and search live in the URL, so a
// reload or a shared link keeps them), the total that match, a source column, actions per
// row, and acknowledge / resolve / dismiss of the selected rows with progress. Kept live by
// alert.changed; a row opens the alert.
import { useState } from 'react';
import { ACTION_DONE, ACTION_LABEL, ALERT_ACTIONS, ALERT_STATUSES, SEVERITIES, alertApi, alertMatchesText, allowedActions, type Alert, type AlertAction } from '../api/alerts';
import { sourceApi } from '../api/sources';
import { ActionButton, type Report } from '../components/Action';
import { Badge } from '../components/Badge';
import { DataTable, type Column } from '../components/DataTable';
import { EmptyState } from '../components/EmptyState';
import { Field } from '../components/Field';
import { SelectField } from '../components/SelectField';
import { Time } from '../components/Time';
import { useDebounced } from '../hooks/useDebounced';
import { useLoad, usePaged } from '../hooks/useLoad';
import { useLiveRows } from '../hooks/useLiveRows';
import { useStream } from '../hooks/useStream';
import { useThrottled } from '../hooks/useThrottled';
import './Alerts.css';

/** The status filter when the URL names none: what needs a person. */
const DEFAULT_STATUS = 'open';
/** The URL's word for "every status". */
const ALL = 'all';

/** The list's filters as the URL holds them (`#/alerts?status=all&text=service:api`). */
function filtersOf(query: URLSearchParams) {
  const status = query.get('status') ?? DEFAULT_STATUS;
  return { status: status === ALL ? '' : status, severity: query.get('severity') ?? '', text: query.get('text') ?? '' };
}

function hashOf(f: { status: string; severity: string; text: string }): string {
  const q = new URLSearchParams();
  if (f.status !== DEFAULT_STATUS) q.set('status', f.status || ALL);
  if (f.severity) q.set('severity', f.severity);
  if (f.text) q.set('text', f.text);
  const s = q.toString();
  return `#/alerts${s ? `?${s}` : ''}`;
}

/** Runs `action` on each alert that allows it, one at a time, reporting progress; says what happened. */
async function actOnAll(alerts: Alert[], action: AlertAction, report: Report): Promise<string> {
  const able = alerts.filter((a) => allowedActions(a.status).includes(action));
  const failed: string[] = [];
  report(0, able.length);
  for (const [i, a] of able.entries()) {
    try {
      await alertApi.act(a.id, action);
    } catch (e) {
      failed.push(`${a.short_id}: ${e instanceof Error ? e.message : String(e)}`);
    }
    report(i + 1, able.length);
  }
  const skipped = alerts.length - able.length;
  return [
    `${ACTION_DONE[action]} ${able.length - failed.length} of ${alerts.length}`,
    ...(skipped ? [`${skipped} skipped (their status does not allow it)`] : []),
    ...(failed.length ? [`failed: ${failed.join('; ')}`] : []),
  ].join('; ');
}

export function Alerts({ query, go }: { query: URLSearchParams; go: (hash: string) => void }) {
  const [filters, setFilters] = useState(() => filtersOf(query));
  const { status, severity } = filters;
  const text = useDebounced(filters.text, 250); // one request when typing pauses
  const change = (patch: Partial<typeof filters>) => {
    const next = { ...filters, ...patch };
    setFilters(next);
    // The URL follows the filters without reopening the view (reload and shared links keep them).
    history.replaceState(null, '', hashOf(next));
  };
  const paged = usePaged((cursor) => alertApi.list({ status, severity, text }, cursor), [status, severity, text]);
  const matches = (a: Alert) => (!status || a.status === status) && (!severity || a.severity === severity) && (!text || alertMatchesText(a, text));
  const rows = useLiveRows('alert.changed', paged.items, matches, `${status}|${severity}|${text}`);
  const total = useLoad(() => alertApi.list({ status, severity, text, limit: 1 }).then((p) => p.total ?? null), [status, severity, text]);
  const recount = useThrottled(() => void total.reload(), 500);
  useStream('alert.changed', recount);
  const sources = useLoad(() => sourceApi.list(), []);
  const sourceName = (a: Alert) => sources.data?.items.find((s) => s.id === a.source)?.name ?? a.source ?? '—';

  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const chosen = rows.filter((a) => selected.has(a.id));
  const toggle = (id: string, on: boolean) => setSelected((prev) => {
    const next = new Set(prev);
    if (on) next.add(id);
    else next.delete(id);
    return next;
  });
  const allChosen = rows.length > 0 && chosen.length === rows.length;

  const columns: Column<Alert>[] = [
    {
      label: 'Select',
      header: <input type="checkbox" aria-label="Select every alert shown" checked={allChosen} onChange={(e) => setSelected(e.target.checked ? new Set(rows.map((a) => a.id)) : new Set())} />,
      cell: (a) => <input type="checkbox" aria-label={`Select ${a.short_id}`} checked={selected.has(a.id)} onClick={(e) => e.stopPropagation()} onChange={(e) => toggle(a.id, e.target.checked)} />,
    },
    { label: 'Alert', cell: (a) => <a href={`#/alerts/${a.id}`} onClick={(e) => e.stopPropagation()}><code>{a.short_id}</code></a> },
    { label: 'Title', cell: (a) => a.title },
    { label: 'Source', cell: (a) => sourceName(a) },
    { label: 'Severity', cell: (a) => <Badge value={a.severity} /> },
    { label: 'Status', cell: (a) => <><Badge value={a.status} />{a.flapping && <> <Badge value="flapping" /></>}</> },
    { label: 'Events', cell: (a) => a.event_count },
    { label: 'Last seen', cell: (a) => <Time at={a.last_seen} /> },
    { label: 'Case', cell: (a) => (a.case_id ? <a href={`#/cases/${a.case_id}`} onClick={(e) => e.stopPropagation()}>case</a> : <span className="muted">—</span>) },
    {
      label: 'Actions',
      cell: (a) => (
        <span className="row-actions" onClick={(e) => e.stopPropagation()}>
          {allowedActions(a.status).map((x) => (
            <ActionButton key={x} className={`small${x === 'dismiss' ? ' danger' : ''}`} label={ACTION_LABEL[x]} aria-label={`${ACTION_LABEL[x]} ${a.short_id}`}
              run={async () => {
                await alertApi.act(a.id, x);
                return ACTION_DONE[x];
              }} />
          ))}
        </span>
      ),
    },
  ];
  const filtered = !!(status || severity || text);
  return (
    <div className="view alerts">
      <div className="toolbar">
        <h2>Alerts</h2>
        <SelectField label="Status" value={status} options={ALERT_STATUSES} onChange={(v) => change({ status: v })} all="all statuses" />
        <SelectField label="Severity" value={severity} options={SEVERITIES} onChange={(v) => change({ severity: v })} all="all severities" />
        <Field label="Search"><input value={filters.text} placeholder="title, short id, key or tag" onChange={(e) => change({ text: e.target.value })} /></Field>
        <span className="alert-total" role="status" aria-label="Alerts total">
          {total.data == null ? '' : `${total.data} ${status ? status.replace(/_/g, ' ') : ''} alert${total.data === 1 ? '' : 's'}`.replace(/\s+/g, ' ')}
        </span>
      </div>
      {/* Always there (disabled with nothing selected), so a bulk action's result stays in view. */}
      <div className="toolbar bulk-actions" role="region" aria-label="Selected alerts">
        <strong>{chosen.length} selected</strong>
        {ALERT_ACTIONS.map((x) => (
          <ActionButton key={x} className={x === 'dismiss' ? 'danger' : undefined} label={`${ACTION_LABEL[x]} selected`} disabled={!chosen.length} run={async (report) => {
            const done = await actOnAll(chosen, x, report);
            setSelected(new Set());
            return done;
          }} />
        ))}
        {chosen.length > 0 && <button type="button" onClick={() => setSelected(new Set())}>Clear selection</button>}
      </div>
      <DataTable
        rows={rows}
        columns={columns}
        rowKey={(a) => a.id}
        onOpen={(a) => go(`#/alerts/${a.id}`)}
        paged={paged}
        empty={filtered ? (
          <EmptyState title={status === DEFAULT_STATUS && !severity && !text ? 'No open alerts.' : 'No alerts match these filters.'}>
            <p>{status === DEFAULT_STATUS ? <>Nothing needs a person right now. <a href={hashOf({ status: '', severity, text })} onClick={() => change({ status: '' })}>Show every status</a>.</> : 'Clear a filter to see more.'}</p>
          </EmptyState>
        ) : (
          <EmptyState title="No alerts yet.">
            <p>An alert opens when an event arrives. Send a sample from <a href="#/events">Live events</a>, or post to an ingest URL from <a href="#/sources">Sources</a>.</p>
          </EmptyState>
        )}
      />
    </div>
  );
}
