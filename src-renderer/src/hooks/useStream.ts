// One EventSource on /api/stream for the whole UI; views subscribe to message types.
import { useEffect, useRef, useState } from 'react';

export type StreamState = 'connecting' | 'live' | 'reconnecting';
type Handler = (data: any) => void;

const handlers = new Map<string, Set<Handler>>();
const stateListeners = new Set<(s: StreamState) => void>();
let source: EventSource | null = null;
let state: StreamState = 'connecting';

function setState(s: StreamState) {
  state = s;
  for (const l of stateListeners) l(s);
}

function listen(type: string) {
  source?.addEventListener(type, (m) => {
    const data = JSON.parse((m as MessageEvent).data);
    for (const h of handlers.get(type) ?? []) h(data);
  });
}

function connect() {
  if (source) return;
  source = new EventSource('/api/stream');
  source.addEventListener('ready', () => setState('live'));
  source.onerror = () => setState('reconnecting'); // the browser reconnects by itself
  for (const type of handlers.keys()) listen(type);
}

function subscribe(type: string, h: Handler): () => void {
  connect();
  if (!handlers.has(type)) {
    handlers.set(type, new Set());
    listen(type);
  }
  handlers.get(type)!.add(h);
  return () => handlers.get(type)!.delete(h);
}

/** Calls `onMessage` for every stream message of these types (e.g. 'event.created'). */
export function useStream(types: string | string[], onMessage: (data: any, type: string) => void): void {
  const handler = useRef(onMessage);
  handler.current = onMessage;
  const key = ([] as string[]).concat(types).join(',');
  useEffect(() => {
    const offs = key.split(',').map((t) => subscribe(t, (d) => handler.current(d, t)));
    return () => offs.forEach((off) => off());
  }, [key]);
}

/** Whether the stream is connected, for a status badge. */
export function useStreamState(): StreamState {
  const [s, set] = useState(state);
  useEffect(() => {
    connect();
    stateListeners.add(set);
    set(state);
    return () => void stateListeners.delete(set);
  }, []);
  return s;
}
