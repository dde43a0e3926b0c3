// Dry run: replays a draft rule over the latest N stored events (nothing is sent) and lists
// the events it would have fired on and where each would have gone.
import { useState } from 'react';
import { DRY_RUN_MAX, ruleApi, type DryRunResult, type RuleInput } from '../../api/rules';
import { ActionButton } from '../../components/Action';
import { DataTable } from '../../components/DataTable';
import { EmptyState } from '../../components/EmptyState';
import { Field } from '../../components/Field';
import { Time } from '../../components/Time';

export function DryRun({ rule }: { rule: () => RuleInput }) {
  const [last, setLast] = useState(100);
  const [result, setResult] = useState<DryRunResult | null>(null);
  return (
    <section className="rule-dry-run" aria-label="Dry run">
      <h4>Dry run</h4>
      <div className="toolbar">
        <Field label="Last N events"><input type="number" min={1} max={DRY_RUN_MAX} value={last} onChange={(e) => setLast(Number(e.target.value))} /></Field>
        <ActionButton label="Dry run" run={async () => {
          setResult(null);
          const r = await ruleApi.dryRun(rule(), last);
          setResult(r);
          return `${r.matched.length} of ${r.evaluated} events would fire`;
        }} />
      </div>
      {result && (
        <DataTable
          rows={result.matched}
          rowKey={(m) => m.event_id}
          empty={<EmptyState title={`None of the last ${result.evaluated} events would fire this rule.`}>Loosen a condition, or send a matching event and run it again.</EmptyState>}
          columns={[
            { label: 'received', cell: (m) => <Time at={m.received_at} /> },
            { label: 'event', cell: (m) => <a href={`#/events/${encodeURIComponent(m.event_id)}`}>{m.title}</a> },
            { label: 'would go to', cell: (m) => m.actions.join('; ') },
          ]}
        />
      )}
    </section>
  );
}
