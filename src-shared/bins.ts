// The built-in request bins (src-main/server/request-bins.ts) as GET /api/bins and
// GET /api/bins/{name} answer them. Types only.

/** One request a bin received; secret-looking header values are masked. */
export interface BinRequest {
  id: number;
  received_at: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** A bin and how many requests it holds. */
export interface BinSummary {
  name: string;
  count: number;
}
