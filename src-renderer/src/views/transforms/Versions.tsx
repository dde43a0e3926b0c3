// Saved versions of the transform config: what changed between two, and rollback.
import { useState } from 'react';
import { transformApi, type TransformVersion } from '../../api/transform';
import { ActionButton } from '../../components/Action';
import { DataTable } from '../../components/DataTable';
import { EmptyState } from '../../components/EmptyState';
import { Errors } from '../../components/Errors';
import { Field } from '../../components/Field';
import { Time } from '../../components/Time';
import { useLoad } from '../../hooks/useLoad';

const show = (v: unknown) => (v === undefined ? '—' : JSON.stringify(v));

export function Versions({ versions, onRolledBack }: { versions: TransformVersion[]; onRolledBack: () => Promise<void> }) {
  const newest = versions[versions.length - 1]?.version ?? 0;
  const [pair, setPair] = useState<[number, number] | null>(null);
  const [a, b] = pair ?? [Math.max(1, newest - 1), newest];
  const diff = useLoad(() => (a && b && a !== b ? transformApi.diff(a, b) : Promise.resolve({ changes: [] })), [a, b]);
  if (!versions.length) return <EmptyState title="No versions yet.">Save the config above: every save keeps the previous one here.</EmptyState>;
  const pick = (label: string, value: number, set: (n: number) => void) => (
    <Field label={label}>
      <select value={value} onChange={(e) => set(Number(e.target.value))}>
        {versions.map((v) => <option key={v.version} value={v.version}>v{v.version} — {v.config.name}</option>)}
      </select>
    </Field>
  );
  return (
    <>
      <DataTable
        rows={[...versions].reverse()}
        rowKey={(v) => String(v.version)}
        empty={null}
        columns={[
          { label: 'version', cell: (v) => <>v{v.version} {v.version === newest && <span className="badge">current</span>}</> },
          { label: 'name', cell: (v) => v.config.name },
          { label: 'format', cell: (v) => v.config.format },
          { label: 'saved', cell: (v) => <Time at={v.saved_at} /> },
          {
            label: 'action',
            cell: (v) => v.version !== newest && (
              <ActionButton label={`Roll back to v${v.version}`} run={async () => {
                const restored = await transformApi.rollback(v.version);
                await onRolledBack();
                return `Restored as v${restored.version}`;
              }} />
            ),
          },
        ]}
      />
      <div className="toolbar tx-diff-pick">
        {pick('From version', a, (n) => setPair([n, b]))}
        {pick('To version', b, (n) => setPair([a, n]))}
      </div>
      <Errors error={diff.error} />
      {a === b ? <p className="muted">Pick two different versions to compare.</p> : diff.data && (
        diff.data.changes.length === 0 ? <p className="muted">v{a} and v{b} have the same content.</p> : (
          <table aria-label="Changes between versions">
            <thead><tr><th>field</th><th>v{a}</th><th>v{b}</th></tr></thead>
            <tbody>
              {diff.data.changes.map((c) => (
                <tr key={c.path}><td><code>{c.path}</code></td><td className="del"><code>{show(c.before)}</code></td><td className="add"><code>{show(c.after)}</code></td></tr>
              ))}
            </tbody>
          </table>
        )
      )}
    </>
  );
}
