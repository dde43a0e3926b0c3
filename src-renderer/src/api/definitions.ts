// Signal definitions and their deduplicate / snooze filters.
// Shapes: src-main/core/signals/types.ts, src-main/schemas/signals.ts.
import { http, seg, type Page } from './client';

export interface SignalDefinition {
  id: string;
  organization: string;
  name: string;
  description: string;
  variant: string | null;
  owner: string | null;
  external_id: string;
  conversation_target: string | null;
  create_case: boolean;
  enabled: boolean;
  auto_resolve_after_s: number | null;
  created_at: string;
  updated_at: string;
}

/** Every field POST/PATCH /api/definitions takes. */
export type DefinitionInput = Pick<SignalDefinition, 'name' | 'description' | 'variant' | 'owner' | 'external_id' | 'conversation_target' | 'create_case' | 'enabled' | 'auto_resolve_after_s'>;

export const FILTER_KINDS = ['deduplicate', 'snooze'] as const;
export type FilterKind = (typeof FILTER_KINDS)[number];

export interface SignalFilter {
  id: string;
  definition_id: string;
  kind: FilterKind;
  name: string;
  expression: string;
  window_s: number | null;
  until: string | null;
  created_at: string;
  expired_at: string | null;
}

export interface FilterInput {
  kind: FilterKind;
  name: string;
  expression: string;
  window_s?: number | null;
  until?: string | null;
}

export const definitionApi = {
  list: (cursor?: string) => http.get<Page<SignalDefinition>>('/api/definitions', { cursor }),
  get: (id: string) => http.get<SignalDefinition & { filters: SignalFilter[] }>(`/api/definitions/${seg(id)}`),
  create: (input: DefinitionInput) => http.post<SignalDefinition>('/api/definitions', input),
  update: (id: string, input: Partial<DefinitionInput>) => http.patch<SignalDefinition>(`/api/definitions/${seg(id)}`, input),
  remove: (id: string) => http.del(`/api/definitions/${seg(id)}`),
  filters: (id: string) => http.get<Page<SignalFilter>>(`/api/definitions/${seg(id)}/filters`),
  addFilter: (id: string, input: FilterInput) => http.post<SignalFilter>(`/api/definitions/${seg(id)}/filters`, input),
  expireFilter: (filterId: string) => http.post<SignalFilter>(`/api/filters/${seg(filterId)}/expire`),
};

/** A filter applies until expired by hand or (snooze) until its end time passed. */
export function filterActive(f: SignalFilter, now = Date.now()): boolean {
  return !f.expired_at && !(f.kind === 'snooze' && f.until && Date.parse(f.until) <= now);
}
