// Live events: newest first, streaming, at most LIVE_EVENTS_ROWS_MAX rows on screen (stream
// updates applied once per frame); pause, or keyboard focus in the list, holds it and counts
// what arrives meanwhile. Filters and search live in the URL; search waits for typing to stop.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { LIVE_EVENTS_ROWS_MAX, PAGE_SIZE_MAX } from '../../../src-main/limits';
import { api, type EventSummary } from '../api/client';
import { eventsApi } from '../api/events';
import { ActionButton } from '../components/Action';
import { Badge } from '../components/Badge';
import { DataTable, type Column } from '../components/DataTable';
import { EmptyState } from '../components/EmptyState';
import { SendSample } from '../components/SendSample';
import { Time } from '../components/Time';
import { useDebounced } from '../hooks/useDebounced';
import { useFrameBatch } from '../hooks/useFrameBatch';
import { useLiveWindow } from '../hooks/useLiveWindow';
import { useStream } from '../hooks/useStream';
import { EventExport } from './EventExport';
import { filtersOf, lastLiveEvents, liveEventsHash, type EventFilters } from './live-events-url';
import './LiveEvents.css';

const DIALECTS = ['', 'generic', 'signal_instance', 'event', 'alertmanager', 'splunk_hec', 'custom'];
const SEVERITIES = ['', 'critical', 'high', 'medium', 'low', 'informational', 'pending'];
/** One search request when typing pauses this long. */
const SEARCH_DEBOUNCE_MS = 250;
const PAGE_SIZE = 50;
/** Stream updates reach the list in an animation frame, at most this often. */
const REDRAW_MIN_MS = 100;

/** Whether a key press belongs to a text field (so `/` types a slash there). */
const typingIn = (target: EventTarget | null) =>
  target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));

export function LiveEvents({ query, open }: { query: URLSearchParams; open: (id: string) => void }) {
  const filters = filtersOf(query);
  const { dialect, severity } = filters;
  const setFilters = (change: Partial<EventFilters>) => location.replace(liveEventsHash({ ...filters, ...change }));
  useEffect(() => lastLiveEvents.set(liveEventsHash(filters)));

  // The box follows the typing; the URL (and the request) follow the box once typing pauses.
  const [typed, setTyped] = useState(filters.text);
  const text = useDebounced(typed, SEARCH_DEBOUNCE_MS);
  useEffect(() => {
    if (text !== filters.text) setFilters({ text });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [text]);
  useEffect(() => {
    if (filters.text !== text) setTyped(filters.text); // changed from outside: navigation, Back
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [filters.text]);

  const search = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || typingIn(e.target)) return;
      e.preventDefault();
      search.current?.focus();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const [paused, setPaused] = useState(false);
  const [focusInList, setFocusInList] = useState(false);
  const list = useLiveWindow<EventSummary>({
    load: (cursor, limit) => api.listEvents({ dialect, severity, text: filters.text, cursor, limit }),
    deps: [dialect, severity, filters.text],
    held: paused || focusInList,
    max: LIVE_EVENTS_ROWS_MAX,
    pageSize: PAGE_SIZE,
    pageMax: PAGE_SIZE_MAX,
  });

  const matches = (e: EventSummary) =>
    (!dialect || e.dialect === dialect) &&
    (!severity || e.severity === severity) &&
    (!filters.text || `${e.title} ${e.source_name} ${e.id}`.toLowerCase().includes(filters.text.toLowerCase()));
  const arrive = useFrameBatch<EventSummary>(list.arrive, LIVE_EVENTS_ROWS_MAX, REDRAW_MIN_MS);
  useStream('event.created', (e: EventSummary) => {
    if (matches(e)) arrive(e);
  });

  const showNewest = () => {
    setPaused(false);
    void list.reload();
    window.scrollTo({ top: 0 });
  };

  const [selected, setSelected] = useState<Set<string>>(new Set());
  const toggle = useCallback((id: string) => setSelected((prev) => {
    const next = new Set(prev);
    if (!next.delete(id)) next.add(id);
    return next;
  }), []);
  // One request per event, in order, so progress can be shown and a failure names its event.
  const replaySelected = async (report: (done: number, total: number) => void) => {
    const ids = list.rows.map((e) => e.id).filter((id) => selected.has(id)).reverse();
    for (let i = 0; i < ids.length; i++) {
      report(i, ids.length);
      await eventsApi.replay(ids[i]);
    }
    setSelected(new Set());
    return `Replayed ${ids.length} event${ids.length === 1 ? '' : 's'} as new events`;
  };

  const openRef = useRef(open);
  openRef.current = open;
  const onOpen = useCallback((e: EventSummary) => openRef.current(e.id), []);
  // Stable between frames, so only new rows render.
  const columns = useMemo<Column<EventSummary>[]>(() => [
    { label: 'select', cell: (e) => <input type="checkbox" aria-label={`select ${e.title}`} checked={selected.has(e.id)} onClick={(ev) => ev.stopPropagation()} onChange={() => toggle(e.id)} /> },
    { label: 'received', cell: (e) => <Time at={e.received_at} /> },
    { label: 'title', cell: (e) => e.title },
    { label: 'severity', cell: (e) => <Badge value={e.severity} /> },
    { label: 'status', cell: (e) => <Badge value={e.status} /> },
    { label: 'dialect', cell: (e) => e.dialect },
    { label: 'source', cell: (e) => e.source_name },
    { label: 'alert', cell: (e) => (e.alert_id ? <a href={`#/alerts/${e.alert_id}`} onClick={(ev) => ev.stopPropagation()}>alert</a> : <span className="muted">—</span>) },
  ], [selected, toggle]);

  const newer = list.newer;
  return (
    <div className="view live-events">
      <div className="toolbar">
        <h2>Live events</h2>
        {paused ? (
          <button onClick={showNewest}>Resume{newer ? ` (${newer} new)` : ''}</button>
        ) : (
          <button onClick={() => setPaused(true)}>Pause</button>
        )}
        {paused && <span className="paused-count" role="status">{newer} new while paused</span>}
        <select aria-label="dialect" value={dialect} onChange={(e) => setFilters({ dialect: e.target.value })}>
          {DIALECTS.map((d) => <option key={d} value={d}>{d || 'all dialects'}</option>)}
        </select>
        <select aria-label="severity" value={severity} onChange={(e) => setFilters({ severity: e.target.value })}>
          {SEVERITIES.map((s) => <option key={s} value={s}>{s || 'all severities'}</option>)}
        </select>
        <input ref={search} type="search" aria-label="search" aria-keyshortcuts="/" placeholder="search anything in the events: a host, an IP, a label  ( / )" value={typed} onChange={(e) => setTyped(e.target.value)} />
        <SendSample />
        <ActionButton label={`Replay selected (${selected.size})`} disabled={selected.size === 0} run={replaySelected} />
        <EventExport filters={{ dialect, severity, text: filters.text }} />
      </div>
      {!paused && newer > 0 && (
        <button type="button" className="newer-events" onClick={showNewest}>{newer} newer event{newer === 1 ? '' : 's'} — show</button>
      )}
      <div
        // Only a row with keyboard focus holds the list (a clicked button such as Load more does not).
        onFocus={(e) => setFocusInList(e.target instanceof HTMLTableRowElement)}
        onBlur={(e) => {
          const next = e.relatedTarget;
          if (!(next instanceof HTMLTableRowElement && e.currentTarget.contains(next))) setFocusInList(false);
        }}
      >
        <DataTable
          label="Events"
          rows={list.rows}
          rowKey={(e) => e.id}
          onOpen={onOpen}
          paged={list}
          empty={
            // A search page that ran out of time holds no rows yet but has a cursor: older events are still to be searched.
            list.hasMore && filters.text ? <p className="muted">No match among the newest events searched so far; <em>Load more</em> searches further back.</p> :
            <EmptyState title={dialect || severity || filters.text ? 'No events match these filters.' : 'No events yet.'}>
              <p>Press <em>Send a sample</em> above, or <a href="#/connect">connect a tool</a> (its URL, an ingest key and a snippet for it), or send one with curl:</p>
              <pre>{`curl -X POST ${location.origin}/v1/ingest/generic \\\n  -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \\\n  -d '{"title":"Test Alert","severity":"Low"}'`}</pre>
            </EmptyState>
          }
          columns={columns}
        />
      </div>
    </div>
  );
}
