// The built-in request bin: /bin/{name} keeps the last requests it received, so a demo
// loop (event → alert → transform → delivery) needs no outside service. In memory only.
import { BINS_MAX, BIN_REQUESTS_MAX } from '../limits';
import { maskHeaders } from '../delivery/headers';
import type { BinRequest, BinSummary } from '../../src-shared/bins';
import { HttpError } from './http-error';

export type { BinRequest, BinSummary };

export class RequestBins {
  private readonly bins = new Map<string, BinRequest[]>();
  private seq = 0;

  record(name: string, req: Omit<BinRequest, 'id'>): BinRequest {
    let bin = this.bins.get(name);
    if (!bin) {
      if (this.bins.size >= BINS_MAX) throw new HttpError(400, [`name: at most ${BINS_MAX} request bins; reuse one`]);
      this.bins.set(name, (bin = []));
    }
    const entry = { id: ++this.seq, ...req, headers: maskHeaders(req.headers) };
    bin.push(entry);
    if (bin.length > BIN_REQUESTS_MAX) bin.shift();
    return entry;
  }

  /** Newest first. */
  list(name: string): BinRequest[] {
    return [...(this.bins.get(name) ?? [])].reverse();
  }

  names(): BinSummary[] {
    return [...this.bins].map(([name, reqs]) => ({ name, count: reqs.length }));
  }
}
