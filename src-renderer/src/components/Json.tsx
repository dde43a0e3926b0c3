// A JSON tree with a copy button.
import { JsonView, defaultStyles } from 'react-json-view-lite';
import 'react-json-view-lite/dist/index.css';

export function Json({ data, label }: { data: unknown; label: string }) {
  return (
    <section className="json">
      <header>
        <h3>{label}</h3>
        <button onClick={() => void navigator.clipboard.writeText(JSON.stringify(data, null, 2))}>Copy</button>
      </header>
      <JsonView data={data as object} shouldExpandNode={(level) => level < 2} style={defaultStyles} />
    </section>
  );
}
