// Stream messages collected and handed over once per animation frame, so a burst of
// 1,000 events/s costs one render a frame, not one per event. At most `max` are kept
// between frames (a hidden tab gets no frames); the rest are only counted.
import { useEffect, useRef } from 'react';

export function useFrameBatch<T>(flush: (items: T[], dropped: number) => void, max: number): (item: T) => void {
  const latest = useRef(flush);
  latest.current = flush;
  const pending = useRef<{ items: T[]; dropped: number; frame: number | null }>({ items: [], dropped: 0, frame: null });
  useEffect(() => () => {
    if (pending.current.frame !== null) cancelAnimationFrame(pending.current.frame);
  }, []);
  return (item: T) => {
    const p = pending.current;
    p.items.push(item);
    if (p.items.length > max) {
      p.items.shift();
      p.dropped++;
    }
    if (p.frame !== null) return;
    p.frame = requestAnimationFrame(() => {
      const { items, dropped } = p;
      p.items = [];
      p.dropped = 0;
      p.frame = null;
      latest.current(items, dropped);
    });
  };
}
