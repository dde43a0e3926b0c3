// The appliance runs for weeks: its V8 heap should stay near what is live. By default V8 lets
// the heap grow up to four times the live size between full collections when allocation is
// fast (ingest at full speed), and keeps that room. Growing the heap by a fifth instead held
// the soak's heap at about half, and --optimize-for-size gives pages back as it collects.
// The young generation keeps V8's own sizing: pinned at its first 2 MB it took 24 MB off the
// RSS at 300k events but doubled GC time under delivery load (bench/soak.ts: 760 → 1,091
// req/s at 60k events without it).
import { setFlagsFromString } from 'node:v8';

/** Heap growth allowed per full collection, percent of the live size. */
export const HEAP_GROWING_PERCENT = 20;

/** Called once by each entry point (serve, the desktop main process) before the appliance starts. */
export function keepHeapNearLive(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  // Collections that give pages back as they go, not only when idle (an appliance under
  // steady ingest never is): at 300k events the heap held 38 MB instead of 101.
  setFlagsFromString('--optimize-for-size');
}
