// Before/after of two texts (or JSON values), line by line, computed by jsdiff.
import { diffLines } from 'diff';

const asText = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v, null, 2) ?? '');

export function DiffView({ before, after, labels = ['before', 'after'] }: { before: unknown; after: unknown; labels?: [string, string] }) {
  const parts = diffLines(asText(before), asText(after));
  return (
    <section className="diff" aria-label="diff">
      <header><span className="del">− {labels[0]}</span> <span className="add">+ {labels[1]}</span></header>
      <pre>
        {parts.map((p, i) => (
          <span key={i} className={p.added ? 'add' : p.removed ? 'del' : 'same'}>
            {p.value.replace(/\n$/, '').split('\n').map((line) => `${p.added ? '+ ' : p.removed ? '- ' : '  '}${line}\n`).join('')}
          </span>
        ))}
      </pre>
    </section>
  );
}
