// The service catalog: components linked by `<kind>:<slug>` tags on events.
// Shapes: src-main/core/signals/types.ts, src-main/schemas/signals.ts.
import { http, seg, type Page } from './client';

export const CATALOG_KINDS = ['service', 'environment', 'functionality'] as const;
export type CatalogKind = (typeof CATALOG_KINDS)[number];

export interface CatalogComponent {
  id: string;
  kind: CatalogKind;
  slug: string;
  name: string;
  created_at: string;
}

export interface CatalogInput {
  kind: CatalogKind;
  name: string;
  /** Defaults to the slugified name. */
  slug?: string;
}

export const catalogApi = {
  list: (kind?: CatalogKind) => http.get<Page<CatalogComponent>>('/api/catalog', { kind }),
  create: (input: CatalogInput) => http.post<CatalogComponent>('/api/catalog', input),
  remove: (id: string) => http.del(`/api/catalog/${seg(id)}`),
};

/** The tag an event carries to link to a component. */
export const catalogTag = (c: Pick<CatalogComponent, 'kind' | 'slug'>) => `${c.kind}:${c.slug}`;
