// The organization's transform config (Armor shape), its versions, previews and the tag
// store its {{names}} resolve from. Shapes: src-main/server/routes/transform.ts.
import type { TagStoreEntry, TransformConfig, TransformLabel, TransformOp, TransformVersion } from '../../../src-main/core/transform/types';
import { http, seg, type Page } from './client';

import { EVENT_TYPES } from '../../../src-main/core/types';

export { EVENT_TYPES, type EventType } from '../../../src-main/core/types';
export type { TagStoreEntry, TransformConfig, TransformLabel, TransformOp, TransformVersion } from '../../../src-main/core/transform/types';

/** What POST/PUT /api/transform take, as the editor holds it (a draft: event types as typed). */
export interface TransformBody {
  name: string;
  format: 'default' | 'splunk';
  event_type: string[];
  default_label?: TransformLabel[];
  transform?: TransformOp[];
}

export interface VersionChange {
  path: string;
  before?: unknown;
  after?: unknown;
}

export interface PreviewResult {
  payload: unknown[];
  unresolved: string[];
  notes: string[];
}

/** The editable part of a saved config (what a body holds). */
export function bodyOf(c: TransformConfig): TransformBody {
  const { name, format, event_type, default_label, transform } = c;
  return { name, format, event_type, default_label, transform };
}

/** A config that changes nothing: rendering with it shows the record a transform starts from. */
export const IDENTITY_CONFIG: TransformBody = { name: 'identity', format: 'default', event_type: [...EVENT_TYPES], default_label: [], transform: [] };

export const transformApi = {
  get: () => http.get<TransformConfig>('/api/transform'),
  create: (body: TransformBody) => http.post<TransformConfig>('/api/transform', body),
  replace: (body: TransformBody) => http.put<TransformConfig>('/api/transform', body),
  versions: () => http.get<Page<TransformVersion>>('/api/transform/versions'),
  diff: (a: number, b: number) => http.get<{ changes: VersionChange[] }>('/api/transform/diff', { a, b }),
  rollback: (version: number) => http.post<TransformConfig>('/api/transform/rollback', { version }),
  preview: (eventId: string, config?: TransformBody) => http.post<PreviewResult>('/api/transform/preview', { event_id: eventId, ...(config ? { config } : {}) }),
  tags: () => http.get<Page<TagStoreEntry>>('/api/tags'),
  setTag: (key: string, value: string) => http.put<TagStoreEntry>(`/api/tags/${seg(key)}`, { value }),
  deleteTag: (key: string) => http.del(`/api/tags/${seg(key)}`),
};
