// A JSON tree (react-json-view-lite) with a copy button.
import { JsonView, darkStyles, defaultStyles } from 'react-json-view-lite';
import 'react-json-view-lite/dist/index.css';
import { useDarkScheme } from '../hooks/useDarkScheme';
import { CopyButton } from './Copy';

export function Json({ data, label, expand = 2 }: { data: unknown; label: string; expand?: number }) {
  const dark = useDarkScheme();
  return (
    <section className="json" aria-label={label}>
      <header>
        <h3>{label}</h3>
        <CopyButton text={JSON.stringify(data, null, 2) ?? 'null'} />
      </header>
      {data !== null && typeof data === 'object' ? (
        <JsonView data={data as object} shouldExpandNode={(level) => level < expand} style={dark ? darkStyles : defaultStyles} />
      ) : (
        <pre>{JSON.stringify(data)}</pre>
      )}
    </section>
  );
}
