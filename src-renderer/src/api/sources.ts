// Sources (ingest endpoints of a dialect, custom ones with a JSONata transposer), their URL
// tokens, transposer tests, and custom indicator mappings.
// Shapes: src-main/server/routes/config.ts, src-main/schemas/management.ts.
import { http, seg, type Page } from './client';

export const DIALECTS = ['generic', 'signal_instance', 'event', 'alertmanager', 'splunk_hec', 'custom'] as const;
export type Dialect = (typeof DIALECTS)[number];
export const INDICATOR_TYPES = ['ip', 'domain', 'hash_md5', 'hash_sha1', 'hash_sha256', 'url', 'email', 'account'] as const;
export type IndicatorType = (typeof INDICATOR_TYPES)[number];

export interface Source {
  id: string;
  name: string;
  slug: string;
  dialect: Dialect;
  transposer: string | null;
  has_token: boolean;
  token_prefix: string | null;
  auto_resolve_after_s: number | null;
  /** Built from the server's own base URL; the UI shows it against location.origin. */
  ingest_url: string;
  created_at: string;
  updated_at: string;
}

/** Create and rotate-token answers carry the token in clear, this once. */
export interface SourceWithToken extends Source {
  url_token?: string;
  hook_url?: string;
}

export interface SourceInput {
  name: string;
  dialect: Dialect;
  transposer?: string | null;
  url_token?: boolean;
  auto_resolve_after_s?: number | null;
}

export interface IndicatorMapping {
  id: string;
  path: string;
  type: IndicatorType;
  created_at: string;
}

/** A sample payload of a dialect (GET /api/samples). */
export interface SamplePack {
  name: string;
  dialect: Dialect;
  title: string;
  endpoint: string;
  body: unknown;
}

export const sourceApi = {
  list: () => http.get<Page<Source>>('/api/sources'),
  create: (input: SourceInput) => http.post<SourceWithToken>('/api/sources', input),
  update: (id: string, input: Partial<Pick<SourceInput, 'name' | 'transposer' | 'auto_resolve_after_s'>>) => http.patch<Source>(`/api/sources/${seg(id)}`, input),
  remove: (id: string) => http.del(`/api/sources/${seg(id)}`),
  rotateToken: (id: string) => http.post<SourceWithToken>(`/api/sources/${seg(id)}/rotate-token`),
  /** The normalized events a sample would produce; nothing is stored. */
  test: (id: string, sample: unknown, transposer?: string) => http.post<{ events: unknown[] }>(`/api/sources/${seg(id)}/test`, { sample, transposer }),
  samples: () => http.get<Page<SamplePack>>('/api/samples'),
  mappings: () => http.get<Page<IndicatorMapping>>('/api/indicator-mappings'),
  addMapping: (input: { path: string; type: IndicatorType }) => http.post<IndicatorMapping>('/api/indicator-mappings', input),
  removeMapping: (id: string) => http.del(`/api/indicator-mappings/${seg(id)}`),
};

/** A server URL re-rooted at the origin the browser reached us by (the server may know itself by another name). */
export const atOrigin = (serverUrl: string) => location.origin + new URL(serverUrl).pathname;

/** A curl command that posts `body` to a source's URL the way its dialect authenticates. */
export function sampleCurl(url: string, dialect: Dialect, body: unknown, withKey = true): string {
  const auth = !withKey ? '' : dialect === 'splunk_hec' ? `  -H "Authorization: Splunk $KEY" \\\n` : `  -H "Authorization: Bearer $KEY" \\\n`;
  const json = JSON.stringify(body).replace(/'/g, `'\\''`);
  return `curl -X POST '${url}' \\\n${auth}  -H 'Content-Type: application/json' \\\n  -d '${json}'`;
}
