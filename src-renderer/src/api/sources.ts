// Sources (ingest endpoints of a dialect, custom ones with a JSONata transposer), their URL
// tokens, transposer tests, and custom indicator mappings.
// Shapes: src-shared/sources.ts; bodies: src-main/schemas/management.ts.
import type { Dialect } from '../../../src-main/core/types';
import type { Static } from '../../../src-main/schemas/builders';
import type { indicatorMappingCreateSchema, sourceTestSchema, sourceUpdateSchema } from '../../../src-main/schemas/management';
import type { IndicatorMappingView as IndicatorMapping, SampleView as SamplePack, SourceInput, SourceTestResult, SourceView as Source, SourceWithToken } from '../../../src-shared/sources';
import { http, seg, type Page } from './client';

export { DIALECTS, INDICATOR_TYPES, type Dialect, type IndicatorType } from '../../../src-main/core/types';
export type { IndicatorMappingView as IndicatorMapping, SampleView as SamplePack, SourceInput, SourceView as Source, SourceWithToken } from '../../../src-shared/sources';

export const sourceApi = {
  list: () => http.get<Page<Source>>('/api/sources'),
  create: (input: SourceInput) => http.post<SourceWithToken>('/api/sources', input),
  update: (id: string, input: Static<typeof sourceUpdateSchema>) => http.patch<Source>(`/api/sources/${seg(id)}`, input),
  remove: (id: string) => http.del(`/api/sources/${seg(id)}`),
  rotateToken: (id: string) => http.post<SourceWithToken>(`/api/sources/${seg(id)}/rotate-token`),
  /** The normalized events a sample would produce; nothing is stored. */
  test: (id: string, sample: unknown, transposer?: string) => http.post<SourceTestResult>(`/api/sources/${seg(id)}/test`, { sample, transposer } satisfies Static<typeof sourceTestSchema>),
  samples: () => http.get<Page<SamplePack>>('/api/samples'),
  mappings: () => http.get<Page<IndicatorMapping>>('/api/indicator-mappings'),
  addMapping: (input: Static<typeof indicatorMappingCreateSchema>) => http.post<IndicatorMapping>('/api/indicator-mappings', input),
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
