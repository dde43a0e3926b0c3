// The service catalog: components linked by `<kind>:<slug>` tags on events.
// Records: src-main/core/signals/types.ts; body: src-main/schemas/signals.ts.
import type { CatalogComponent, CatalogKind } from '../../../src-main/core/signals/types';
import type { Static } from '../../../src-main/schemas/builders';
import type { catalogCreateSchema } from '../../../src-main/schemas/signals';
import { http, seg, type Page } from './client';

export { CATALOG_KINDS, type CatalogComponent, type CatalogKind } from '../../../src-main/core/signals/types';

/** POST /api/catalog: the slug defaults to the slugified name. */
export type CatalogInput = Static<typeof catalogCreateSchema>;

export const catalogApi = {
  list: (kind?: CatalogKind) => http.get<Page<CatalogComponent>>('/api/catalog', { kind }),
  create: (input: CatalogInput) => http.post<CatalogComponent>('/api/catalog', input),
  remove: (id: string) => http.del(`/api/catalog/${seg(id)}`),
};

/** The tag an event carries to link to a component. */
export const catalogTag = (c: Pick<CatalogComponent, 'kind' | 'slug'>) => `${c.kind}:${c.slug}`;
