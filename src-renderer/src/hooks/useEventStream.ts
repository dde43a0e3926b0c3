// Live events from /api/stream (server-sent events); the browser reconnects by itself.
import { useEffect, useRef, useState } from 'react';
import type { EventSummary } from '../api/client';

export function useEventStream(onEvent: (e: EventSummary) => void): 'connecting' | 'live' | 'reconnecting' {
  const [state, setState] = useState<'connecting' | 'live' | 'reconnecting'>('connecting');
  const handler = useRef(onEvent);
  handler.current = onEvent;
  useEffect(() => {
    const source = new EventSource('/api/stream');
    source.addEventListener('ready', () => setState('live'));
    source.addEventListener('event.created', (m) => handler.current(JSON.parse((m as MessageEvent).data)));
    source.onerror = () => setState('reconnecting');
    return () => source.close();
  }, []);
  return state;
}
