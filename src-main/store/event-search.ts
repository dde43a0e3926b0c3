// Search of stored events by text anywhere in them (search-text.ts), newest first. Segment by
// segment from the newest: a sealed segment's sidecar names the blocks that may hold the
// needle, and only those are read; a segment without one (the one being written, one not yet
// indexed, one whose sidecar is missing or bad) is read whole, SEARCH_SCAN_BYTES at a time.
// Either way each candidate event that passes the index filters is checked against its line,
// so the answer is exact; the sidecar only decides how much is read.
import { SEARCH_READS_AHEAD, SEARCH_SCAN_BYTES } from '../limits';
import type { EventIndex } from './event-index';
import type { Sidecar } from './search-sidecar';
import { lineMatches, type Needle } from './search-text';

export interface SearchSource {
  index: EventIndex;
  /** The segment's sidecar, or undefined when it is to be read whole. */
  sidecar(segment: number): Promise<Sidecar | undefined>;
  /** Logical bytes [position, position + length) of a segment. */
  read(segment: number, position: number, length: number): Promise<Buffer>;
}

/** How far a search got: every event from `below` up to where it started was looked at; `stopped` when its time ran out first. */
export interface SearchProgress {
  below: number;
  stopped: boolean;
}

/**
 * Sequence numbers below `before` whose event passes `test` and holds the needle, newest
 * first. Stops quietly where retention deleted what it was about to read, and once
 * `deadline` (performance.now()) has passed, after at least one read: `progress` says where.
 */
export async function* searchEvents(src: SearchSource, needle: Needle, test: (seq: number) => boolean, before: number, deadline = Infinity, progress: SearchProgress = { below: before, stopped: false }): AsyncGenerator<number> {
  const index = src.index;
  let hi = Math.min(before, index.end);
  progress.below = hi;
  while (hi > index.first) {
    const segment = index.segmentOf(hi - 1);
    const sidecar = await src.sidecar(segment);
    if (hi <= index.first) return;
    const lo = index.segmentStart(hi - 1);
    const groups = sidecar ? blockGroups(index, sidecar, needle, lo, hi) : scanGroups(index, lo, hi);
    // Reads of the next few groups overlap (file and inflate work waits on the thread pool).
    const pending: { last: number; first: number; result: Promise<number[]> }[] = [];
    const ahead = () => {
      while (pending.length < SEARCH_READS_AHEAD && lo >= index.first) {
        const next = groups.next();
        if (next.done) return;
        const rows = next.value.filter(test);
        if (rows.length === 0) continue;
        const result = check(src, segment, rows, needle);
        result.catch(() => undefined); // seen when awaited; one left behind by an early stop is dropped
        pending.push({ last: next.value[next.value.length - 1], first: rows[0], result });
      }
    };
    ahead();
    while (pending.length) {
      const { last, first, result } = pending.shift()!;
      let matched: number[];
      try {
        matched = await result;
      } catch (err) {
        if (first < index.first) return; // the segment went (retention) while it was read
        throw err;
      }
      if (lo < index.first) return; // retention deleted this segment (and every older one) meanwhile
      ahead();
      for (const seq of matched) if (seq >= index.first) yield seq;
      progress.below = last;
      if (performance.now() > deadline) {
        progress.stopped = true;
        return;
      }
    }
    hi = lo;
    progress.below = lo;
  }
}

/** Events of the candidate blocks, a group per block, newest first. */
function* blockGroups(index: EventIndex, sidecar: Sidecar, needle: Needle, lo: number, hi: number): Generator<number[]> {
  let blocks: number[] | null;
  try {
    blocks = sidecar.candidates(needle);
  } catch {
    blocks = null; // a sidecar that passed its checksum yet does not add up: read every block rather than fail
  }
  const all = blocks ?? Array.from({ length: sidecar.blocks }, (_, i) => sidecar.blocks - 1 - i);
  for (const b of all) {
    if (lo < index.first) return;
    const from = index.firstAtOffset(lo, hi, sidecar.blockStart(b));
    const to = index.firstAtOffset(lo, hi, sidecar.blockStart(b + 1));
    if (from < to) yield descending(from, to);
  }
}

/** Every event of [lo, hi), newest first, in groups spanning at most about SEARCH_SCAN_BYTES. */
function* scanGroups(index: EventIndex, lo: number, hi: number): Generator<number[]> {
  let end = hi;
  while (end > lo) {
    if (lo < index.first) return;
    const last = index.location(end - 1);
    const limit = last.offset + last.length - SEARCH_SCAN_BYTES;
    const start = Math.max(lo, Math.min(end - 1, index.firstAtOffset(lo, end, limit)));
    yield descending(start, end);
    end = start;
  }
}

function descending(from: number, to: number): number[] {
  const out: number[] = [];
  for (let seq = to - 1; seq >= from; seq--) out.push(seq);
  return out;
}

/** Which of `rows` (one segment, newest first) hold the needle: one read covering them all. */
async function check(src: SearchSource, segment: number, rows: number[], needle: Needle): Promise<number[]> {
  const locations = rows.map((seq) => src.index.location(seq));
  const first = locations[locations.length - 1].offset;
  const newest = locations[0];
  const bytes = await src.read(segment, first, newest.offset + newest.length - first);
  return rows.filter((_, i) => lineMatches(bytes.subarray(locations[i].offset - first, locations[i].offset - first + locations[i].length), needle));
}
