// Loading data for a view: the value, the API error if any, and a reload.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Page } from '../api/client';

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => Promise<void>;
  set: (v: T) => void;
}

/** Runs `load` now and whenever `deps` change; a failed reload keeps the last data. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const fn = useRef(load);
  fn.current = load;
  const reload = useCallback(async () => {
    setLoading(true);
    try {
      setData(await fn.current());
      setError(null);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  }, []);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => void reload(), deps);
  return { data, error, loading, reload, set: setData };
}

export interface Paged<T> {
  items: T[];
  error: unknown;
  loading: boolean;
  hasMore: boolean;
  more: () => Promise<void>;
  reload: () => Promise<void>;
  prepend: (item: T) => void;
}

/** A cursor-paged list (`{items, next_cursor}`), newest first, with "load more". */
export function usePaged<T>(load: (cursor: string | undefined) => Promise<Page<T>>, deps: unknown[]): Paged<T> {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const fn = useRef(load);
  fn.current = load;
  const fetchPage = useCallback(async (from: string | undefined) => {
    setLoading(true);
    try {
      const page = await fn.current(from);
      setItems((prev) => (from ? [...prev, ...page.items] : page.items));
      setCursor(page.next_cursor);
      setError(null);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  }, []);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => void fetchPage(undefined), deps);
  return {
    items, error, loading, hasMore: !!cursor,
    more: () => fetchPage(cursor ?? undefined),
    reload: () => fetchPage(undefined),
    prepend: (item) => setItems((prev) => [item, ...prev]),
  };
}
