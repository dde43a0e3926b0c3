// Stream messages collected and handed over in an animation frame, so a burst of 1,000
// events/s costs one render a frame, not one per event — and no more than one per
// `minIntervalMs`, since a list redrawn 60 times a second cannot be read anyway. At most
// `max` are kept between flushes (a hidden tab gets no frames); the rest are only counted.
import { useEffect, useRef } from 'react';

export function useFrameBatch<T>(flush: (items: T[], dropped: number) => void, max: number, minIntervalMs = 0): (item: T) => void {
  const latest = useRef(flush);
  latest.current = flush;
  const pending = useRef<{ items: T[]; dropped: number; frame: number | null; timer: ReturnType<typeof setTimeout> | null; last: number }>(
    { items: [], dropped: 0, frame: null, timer: null, last: 0 },
  );
  useEffect(() => () => {
    if (pending.current.frame !== null) cancelAnimationFrame(pending.current.frame);
    if (pending.current.timer !== null) clearTimeout(pending.current.timer);
  }, []);
  return (item: T) => {
    const p = pending.current;
    p.items.push(item);
    if (p.items.length > max) {
      p.items.shift();
      p.dropped++;
    }
    if (p.frame !== null || p.timer !== null) return;
    const inFrame = () => {
      p.timer = null;
      p.frame = requestAnimationFrame(() => {
        const { items, dropped } = p;
        p.items = [];
        p.dropped = 0;
        p.frame = null;
        p.last = performance.now();
        latest.current(items, dropped);
      });
    };
    const wait = p.last + minIntervalMs - performance.now();
    if (wait > 0) p.timer = setTimeout(inFrame, wait);
    else inFrame();
  };
}
