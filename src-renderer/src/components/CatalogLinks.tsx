// Catalog tags of an alert or case: linked ones open the catalog, unknown slugs say so.
import type { CatalogLink } from '../api/alerts';

export function CatalogLinks({ links }: { links: CatalogLink[] }) {
  if (!links.length) return <span className="muted">—</span>;
  return (
    <span className="catalog-links">
      {links.map((l) => (
        l.id
          ? <a key={`${l.kind}:${l.slug}`} className="badge" href="#/catalog" title="in the catalog">{l.kind}:{l.slug}</a>
          : <span key={`${l.kind}:${l.slug}`} className="badge" title="no catalog component has this slug">{l.kind}:{l.slug} (unlinked)</span>
      ))}
    </span>
  );
}
