// Export of the events Live events' filters select (GET /api/events/export), read as a
// stream so the bytes and events received so far show while it downloads; then saved.
import { useRef, useState } from 'react';
import { ApiError, queryString, type Query } from '../api/client';
import { Errors } from '../components/Errors';

type Format = 'ndjson' | 'csv';

interface Progress {
  events: number;
  bytes: number;
  done: boolean;
  file?: string;
}

const NEWLINE = 0x0a;
const QUOTE = 0x22;

/**
 * Counts records in the bytes of a stream as they arrive: an NDJSON line is one event (JSON
 * escapes newlines in strings); a CSV record ends at a newline outside quotes ("" toggles twice).
 */
export function recordCounter(format: Format): (chunk: Uint8Array) => number {
  let quoted = false;
  return (chunk) => {
    let n = 0;
    for (const byte of chunk) {
      if (format === 'csv' && byte === QUOTE) quoted = !quoted;
      else if (byte === NEWLINE && !quoted) n++;
    }
    return n;
  };
}

const kb = (bytes: number) => (bytes < 1024 ? `${bytes} bytes` : `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`);

function save(chunks: Uint8Array<ArrayBuffer>[], format: Format): string {
  const file = `switchyard-events-${new Date().toISOString().replace(/[:.]/g, '-')}.${format}`;
  const url = URL.createObjectURL(new Blob(chunks, { type: format === 'csv' ? 'text/csv' : 'application/x-ndjson' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = file;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return file;
}

async function apiError(res: Response): Promise<ApiError> {
  const json = await res.json().catch(() => undefined);
  return new ApiError(res.status, Array.isArray(json?.errors) ? json.errors : [`${res.status} ${res.statusText}`]);
}

export function EventExport({ filters }: { filters: Query }) {
  const [format, setFormat] = useState<Format>('ndjson');
  const [progress, setProgress] = useState<Progress | null>(null);
  const [error, setError] = useState<unknown>(null);
  const abort = useRef<AbortController | null>(null);

  const run = async () => {
    const controller = new AbortController();
    abort.current = controller;
    setError(null);
    setProgress({ events: 0, bytes: 0, done: false });
    try {
      const res = await fetch(`/api/events/export${queryString({ format, ...filters })}`, { credentials: 'same-origin', signal: controller.signal });
      if (!res.ok || !res.body) throw await apiError(res);
      const count = recordCounter(format);
      const chunks: Uint8Array<ArrayBuffer>[] = [];
      let records = 0;
      let bytes = 0;
      const reader = res.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        bytes += value.length;
        records += count(value);
        setProgress({ events: format === 'csv' ? Math.max(0, records - 1) : records, bytes, done: false }); // CSV: the header row is no event
      }
      const events = format === 'csv' ? Math.max(0, records - 1) : records;
      setProgress({ events, bytes, done: true, file: save(chunks, format) });
    } catch (e) {
      setProgress(null);
      if (!controller.signal.aborted) setError(e instanceof ApiError ? e : new Error(`The export stopped: ${(e as Error).message}`));
    } finally {
      abort.current = null;
    }
  };

  const busy = progress !== null && !progress.done;
  return (
    <span className="action" role="group" aria-label="Export events">
      <select aria-label="export format" value={format} disabled={busy} onChange={(e) => setFormat(e.target.value as Format)}>
        <option value="ndjson">NDJSON</option>
        <option value="csv">CSV</option>
      </select>
      <button type="button" disabled={busy} onClick={() => void run()} title="Every event these filters select, not only the rows shown">Export</button>
      {busy && <button type="button" onClick={() => abort.current?.abort()}>Cancel export</button>}
      {progress && (
        <span className={progress.done ? 'result' : 'muted'} role="status" aria-label="export progress">
          {progress.done
            ? `Saved ${progress.events} event${progress.events === 1 ? '' : 's'} (${kb(progress.bytes)}) as ${progress.file}`
            : `Exporting… ${progress.events} events, ${kb(progress.bytes)} received`}
        </span>
      )}
      <Errors error={error} />
    </span>
  );
}
