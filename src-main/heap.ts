// The appliance runs for weeks: its V8 heap should stay near what is live. By default V8 lets
// the heap grow up to four times the live size between full collections when allocation is
// fast (ingest at full speed), and keeps that room; and it grows the young generation to
// 32 MB, most of it empty between scavenges. Growing the heap by a fifth instead held the
// soak's heap at about half, and a young generation kept at its first size (2 MB) took about
// 30 MB more off (bench/soak.ts), each at a few percent of ingest throughput at most.
import { setFlagsFromString } from 'node:v8';

/** Heap growth allowed per full collection, percent of the live size. */
export const HEAP_GROWING_PERCENT = 20;

/** Called once by each entry point (serve, the desktop main process) before the appliance starts. */
export function keepHeapNearLive(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  // Read when the young generation would grow: at 1 it keeps its starting size.
  setFlagsFromString('--semi-space-growth-factor=1');
  // Collections that give pages back as they go, not only when idle (an appliance under
  // steady ingest never is): at 300k events the heap held 38 MB instead of 101.
  setFlagsFromString('--optimize-for-size');
}
