// Signal definitions and their deduplicate / snooze filters.
// Request bodies: src-main/schemas/signals.ts.
import type { SignalDefinition, SignalFilter } from '../../../src-main/core/signals/types';
import type { Static } from '../../../src-main/schemas/builders';
import type { definitionCreateSchema, definitionUpdateSchema, filterCreateSchema } from '../../../src-main/schemas/signals';
import { http, seg, type Page } from './client';

export { FILTER_KINDS, type FilterKind, type SignalDefinition, type SignalFilter } from '../../../src-main/core/signals/types';

/** POST /api/definitions; PATCH takes any of its fields. */
export type DefinitionInput = Static<typeof definitionCreateSchema>;
export type DefinitionPatch = Static<typeof definitionUpdateSchema>;
/** POST /api/definitions/{id}/filters. */
export type FilterInput = Static<typeof filterCreateSchema>;

export const definitionApi = {
  list: (cursor?: string) => http.get<Page<SignalDefinition>>('/api/definitions', { cursor }),
  get: (id: string) => http.get<SignalDefinition & { filters: SignalFilter[] }>(`/api/definitions/${seg(id)}`),
  create: (input: DefinitionInput) => http.post<SignalDefinition>('/api/definitions', input),
  update: (id: string, input: DefinitionPatch) => http.patch<SignalDefinition>(`/api/definitions/${seg(id)}`, input),
  remove: (id: string) => http.del(`/api/definitions/${seg(id)}`),
  filters: (id: string) => http.get<Page<SignalFilter>>(`/api/definitions/${seg(id)}/filters`),
  addFilter: (id: string, input: FilterInput) => http.post<SignalFilter>(`/api/definitions/${seg(id)}/filters`, input),
  expireFilter: (filterId: string) => http.post<SignalFilter>(`/api/filters/${seg(filterId)}/expire`),
};

/** A filter applies until expired by hand or (snooze) until its end time passed. */
export function filterActive(f: SignalFilter, now = Date.now()): boolean {
  return !f.expired_at && !(f.kind === 'snooze' && f.until && Date.parse(f.until) <= now);
}
