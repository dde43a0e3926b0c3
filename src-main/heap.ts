// The appliance runs for weeks: its V8 heap should stay near what is live. By default V8 lets
// the heap grow up to four times the live size between full collections when allocation is
// fast (ingest at full speed), and keeps that room. Growing the heap by a fifth instead held
// the soak's heap at about half. --optimize-for-size also gives pages back as it collects, but
// costs CPU on every request (the soak at 150k events: 1,592 → 1,303 µs per event without it,
// RSS 201 → 237 MB), so it is switched on only once the process is large enough to need it.
// The young generation keeps V8's own sizing: pinned at its first 2 MB it took 24 MB off the
// RSS at 300k events but doubled GC time under delivery load (bench/soak.ts: 760 → 1,091
// req/s at 60k events without it).
import { setFlagsFromString } from 'node:v8';

/** Heap growth allowed per full collection, percent of the live size. */
export const HEAP_GROWING_PERCENT = 20;

/**
 * Resident size from which the heap is kept tight (--optimize-for-size), and below which it is
 * let go again. At 1M events the RSS peaked at 411 MB without the flag and 351 MB with it, the
 * target being 400: switching at 300 MB leaves that room; the gap between the two stops the
 * switch from flapping around one size.
 */
export const TIGHT_FROM_BYTES = 300 * 1024 * 1024;
export const LOOSE_BELOW_BYTES = 240 * 1024 * 1024;

/** How often the resident size is looked at. */
const CHECK_MS = 1000;

/** Decides, from one resident size to the next, when the heap is kept tight. */
export class HeapGovernor {
  private tight = false;
  constructor(private readonly setFlags: (flags: string) => void) {}

  get keptTight(): boolean {
    return this.tight;
  }

  check(rssBytes: number): void {
    if (!this.tight && rssBytes >= TIGHT_FROM_BYTES) this.switchTo(true);
    else if (this.tight && rssBytes < LOOSE_BELOW_BYTES) this.switchTo(false);
  }

  private switchTo(tight: boolean): void {
    this.tight = tight;
    // V8 reads the flag at each collection: the next full one gives pages back (or no longer does).
    this.setFlags(tight ? '--optimize-for-size' : '--no-optimize-for-size');
  }
}

/** Called once by each entry point (serve, the desktop main process) before the appliance starts. */
export function keepHeapNearLive(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  const governor = new HeapGovernor(setFlagsFromString);
  setInterval(() => governor.check(process.memoryUsage.rss()), CHECK_MS).unref();
}
