// Typed client of the appliance's HTTP API. The session cookie authenticates; writes
// carry the CSRF token. No key is ever held by the UI.
export interface EventSummary {
  id: string;
  organization: string;
  source: string;
  source_name: string;
  dialect: string;
  received_at: string;
  title: string;
  severity: string;
  status: string;
  priority: string;
  alert_id: string | null;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface Session {
  organization: { id: string; slug: string; name: string };
  via: string;
  csrf_token: string | null;
}

export class ApiError extends Error {
  constructor(readonly status: number, readonly errors: string[]) {
    super(errors.join('; '));
  }
}

let csrf: string | null = null;

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  const text = await res.text();
  const json = text ? JSON.parse(text) : undefined;
  if (!res.ok) throw new ApiError(res.status, Array.isArray(json?.errors) ? json.errors : [`${res.status} ${res.statusText}`]);
  return json as T;
}

export const api = {
  async session(): Promise<Session> {
    const s = await call<Session>('GET', '/api/session');
    csrf = s.csrf_token;
    return s;
  },
  listEvents(query: Record<string, string | undefined>): Promise<Page<EventSummary>> {
    const q = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => !!e[1]));
    return call('GET', `/api/events?${q}`);
  },
  getEvent(id: string): Promise<Record<string, any>> {
    return call('GET', `/api/events/${encodeURIComponent(id)}`);
  },
};
