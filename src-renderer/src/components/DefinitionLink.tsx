// A definition named by its id, shown by its name and opening it in Definitions.
import { definitionApi } from '../api/definitions';
import { useLoad } from '../hooks/useLoad';

export function DefinitionLink({ id }: { id: string }) {
  const def = useLoad(() => definitionApi.get(id), [id]);
  // A deleted definition still names itself by id (alerts and cases outlive it).
  const label = def.data?.name ?? (def.error ? `${id} (deleted)` : id);
  return <a href={`#/definitions/${encodeURIComponent(id)}`}>{label}</a>;
}
