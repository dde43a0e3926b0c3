// A newest-first list that grows live but never holds more than `max` rows: new rows go on
// top and the oldest fall off the bottom; while held (paused, or keyboard focus in the list)
// or once the top is no longer the newest, new rows are only counted ("N newer — show").
// "Load more" appends older rows and lets the newest fall off the top instead.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Page } from '../api/client';

export interface LiveWindow<T> {
  rows: T[];
  /** Matching rows newer than the top row that are not shown. */
  newer: number;
  hasMore: boolean;
  loading: boolean;
  error: unknown;
  /** Rows from the stream, in arrival order; `dropped` more arrived than were kept. */
  arrive: (rows: T[], dropped: number) => void;
  more: () => Promise<void>;
  /** Back to the newest rows (and live). */
  reload: () => Promise<void>;
}

interface State<T> {
  rows: T[];
  /** Cursor after the last row; stale once rows fell off the bottom (it then points past them). */
  cursor: string | null;
  stale: boolean;
  newer: number;
  /** The top row is the newest that matches: new rows may go on top. */
  atNewest: boolean;
}

/** Pages read from the top when the place after the last row must be found again. */
const RESYNC_PAGES_MAX = 20;

export function useLiveWindow<T extends { id: string }>(opts: {
  load: (cursor: string | undefined, limit: number) => Promise<Page<T>>;
  deps: unknown[];
  held: boolean;
  max: number;
  pageSize: number;
  /** The largest page the API serves (used to find the place again). */
  pageMax: number;
}): LiveWindow<T> {
  const { max, pageSize, pageMax } = opts;
  const [state, setState] = useState<State<T>>({ rows: [], cursor: null, stale: false, newer: 0, atNewest: true });
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const load = useRef(opts.load);
  load.current = opts.load;
  const held = useRef(opts.held);
  held.current = opts.held;
  const current = useRef(state);
  current.current = state;
  const generation = useRef(0);

  const run = useCallback(async (work: (gen: number) => Promise<void>) => {
    const gen = generation.current;
    setLoading(true);
    try {
      await work(gen);
      if (gen === generation.current) setError(null);
    } catch (e) {
      if (gen === generation.current) setError(e);
    } finally {
      if (gen === generation.current) setLoading(false);
    }
  }, []);

  const reload = useCallback(() => {
    const gen = ++generation.current;
    return run(async () => {
      const page = await load.current(undefined, pageSize);
      if (gen !== generation.current) return;
      setState({ rows: page.items, cursor: page.next_cursor, stale: false, newer: 0, atNewest: true });
    });
  }, [run, pageSize]);

  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => void reload(), opts.deps);

  const arrive = useCallback((fresh: T[], dropped: number) => {
    setState((s) => {
      if (held.current || !s.atNewest) return { ...s, newer: s.newer + fresh.length + dropped, atNewest: false };
      const known = new Set(s.rows.map((r) => r.id));
      const top = fresh.filter((r) => !known.has(r.id)).reverse();
      const rows = [...top, ...s.rows];
      const cut = rows.length > max || dropped > 0;
      return { ...s, rows: rows.slice(0, max), stale: s.stale || cut, cursor: s.cursor };
    });
  }, [max]);

  /** Older rows than the last one: from the cursor, or, when it is stale, found again from the top. */
  const olderThanLast = async (s: State<T>): Promise<Page<T>> => {
    if (!s.stale) return load.current(s.cursor ?? undefined, pageSize);
    const last = s.rows[s.rows.length - 1]?.id;
    let cursor: string | undefined;
    for (let i = 0; i < RESYNC_PAGES_MAX; i++) {
      const page = await load.current(cursor, pageMax);
      const at = page.items.findIndex((r) => r.id === last);
      if (at >= 0) return { items: page.items.slice(at + 1), next_cursor: page.next_cursor };
      if (!page.next_cursor) break;
      cursor = page.next_cursor;
    }
    throw new Error('Too many events arrived to find this place in the list again; show the newest instead.');
  };

  const more = useCallback(() => {
    const gen = generation.current;
    return run(async () => {
      const page = await olderThanLast(current.current);
      if (gen !== generation.current) return;
      setState((s) => {
        const known = new Set(s.rows.map((r) => r.id));
        const rows = [...s.rows, ...page.items.filter((r) => !known.has(r.id))];
        const over = Math.max(0, rows.length - max);
        return { rows: rows.slice(over), cursor: page.next_cursor, stale: false, newer: s.newer + over, atNewest: s.atNewest && over === 0 };
      });
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [run, max, pageSize, pageMax]);

  const hasMore = state.stale || !!state.cursor;
  return { rows: state.rows, newer: state.newer, hasMore, loading, error, arrive, more, reload };
}
