// Typed client of the appliance's HTTP API. The session cookie authenticates; writes
// carry the CSRF token. No key is ever held by the UI (nothing goes to localStorage).
import type { EventSummary } from '../../../src-main/core/types';
import type { SessionView as Session } from '../../../src-shared/session';

export type { EventSummary, Session };

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
  /** How many match in all (lists that count: alerts, cases, definitions). */
  total?: number;
}

/** An answer other than 2xx: `errors` are the API's own messages, each naming its field. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly errors: string[]) {
    super(errors.join('; '));
  }
}

export type Query = Record<string, string | number | boolean | null | undefined>;

let csrf: string | null = null;

/** `?a=1&b=2` from the set values of a query object ('' when none). */
export function queryString(query: Query = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, ['The appliance is not answering. Is it still running?']);
  }
  const text = await res.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) throw new ApiError(res.status, Array.isArray(json?.errors) ? json.errors : [`${res.status} ${res.statusText}`]);
  return json as T;
}

/** The one way views talk to the server. */
export const http = {
  get: <T>(path: string, query?: Query) => call<T>('GET', path + queryString(query)),
  post: <T>(path: string, body?: unknown) => call<T>('POST', path, body ?? {}),
  put: <T>(path: string, body: unknown) => call<T>('PUT', path, body),
  patch: <T>(path: string, body: unknown) => call<T>('PATCH', path, body),
  del: <T = void>(path: string) => call<T>('DELETE', path),
};

/** Path segment, escaped. */
export const seg = (s: string) => encodeURIComponent(s);

export const api = {
  async session(): Promise<Session> {
    const s = await http.get<Session>('/api/session');
    csrf = s.csrf_token;
    return s;
  },
  listEvents: (query: Query) => http.get<Page<EventSummary>>('/api/events', query),
  getEvent: (id: string) => http.get<Record<string, any>>(`/api/events/${seg(id)}`),
};
