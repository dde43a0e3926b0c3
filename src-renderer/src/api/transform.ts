// The organization's transform config (Armor shape), its versions, previews and the tag
// store its {{names}} resolve from. Records: src-main/core/transform/types.ts; answers:
// src-shared/transform.ts; bodies: src-main/schemas/transform.ts and settings.ts.
import type { TagStoreEntry, TransformConfig, TransformVersion } from '../../../src-main/core/transform/types';
import type { Static } from '../../../src-main/schemas/builders';
import type { rollbackSchema, tagValueSchema, transformPreviewSchema } from '../../../src-main/schemas/settings';
import type { transformBodySchema } from '../../../src-main/schemas/transform';
import type { TransformDiff, TransformPreview } from '../../../src-shared/transform';
import { http, seg, type Page } from './client';

import { EVENT_TYPES } from '../../../src-main/core/types';

export { EVENT_TYPES, type EventType } from '../../../src-main/core/types';
export type { TagStoreEntry, TransformConfig, TransformLabel, TransformOp, TransformVersion } from '../../../src-main/core/transform/types';
export type { TransformChange, TransformDiff, TransformPreview } from '../../../src-shared/transform';

/** What POST/PUT /api/transform take (the editor's JSON is sent as typed; the server judges it). */
export type TransformBody = Static<typeof transformBodySchema>;

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
  diff: (a: number, b: number) => http.get<TransformDiff>('/api/transform/diff', { a, b }),
  rollback: (version: number) => http.post<TransformConfig>('/api/transform/rollback', { version } satisfies Static<typeof rollbackSchema>),
  preview: (eventId: string, config?: TransformBody) => http.post<TransformPreview>('/api/transform/preview', { event_id: eventId, ...(config ? { config } : {}) } satisfies Static<typeof transformPreviewSchema>),
  tags: () => http.get<Page<TagStoreEntry>>('/api/tags'),
  setTag: (key: string, value: string) => http.put<TagStoreEntry>(`/api/tags/${seg(key)}`, { value } satisfies Static<typeof tagValueSchema>),
  deleteTag: (key: string) => http.del(`/api/tags/${seg(key)}`),
};
