// Stream messages collected and handed over in an animation frame, so a burst of 1,000
// events/s costs one render a frame, not one per event. Redraws are spaced at least
// `minIntervalMs` apart (a list redrawn 60 times a second cannot be read anyway), and further
// when a redraw is costly, so that drawing takes at most about 1/(1+BUSY_FACTOR) of the main
// thread and clicks and keys are answered during a burst. At most `max` items are kept between
// redraws (a hidden tab gets no frames); the rest are only counted.
import { useEffect, useRef } from 'react';
import { flushSync } from 'react-dom';

/** A redraw that took t ms waits BUSY_FACTOR × t ms before the next. */
const BUSY_FACTOR = 4;

interface Pending<T> {
  items: T[];
  dropped: number;
  frame: number | null;
  timer: ReturnType<typeof setTimeout> | null;
  /** When the last redraw ended, and how long it took (render, commit and layout). */
  last: number;
  cost: number;
}

export function useFrameBatch<T>(flush: (items: T[], dropped: number) => void, max: number, minIntervalMs = 0): (item: T) => void {
  const latest = useRef(flush);
  latest.current = flush;
  const pending = useRef<Pending<T>>({ items: [], dropped: 0, frame: null, timer: null, last: 0, cost: 0 });
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
        const start = performance.now();
        flushSync(() => latest.current(items, dropped));
        void document.body.offsetHeight; // the layout this frame needs anyway, counted in the cost
        p.last = performance.now();
        p.cost = p.last - start;
      });
    };
    const wait = p.last + Math.max(minIntervalMs, p.cost * BUSY_FACTOR) - performance.now();
    if (wait > 0) p.timer = setTimeout(inFrame, wait);
    else inFrame();
  };
}
