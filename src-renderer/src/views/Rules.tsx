// Rules: conditions over events → destinations, the bell or an e-mail, in evaluation order.
import { useState } from 'react';
import { destinationApi, type Destination } from '../api/destinations';
import { ruleApi, type Rule, type RuleAction, type RuleConditions } from '../api/rules';
import { ConfirmButton } from '../components/ConfirmButton';
import { DataTable } from '../components/DataTable';
import { EmptyState } from '../components/EmptyState';
import { Errors } from '../components/Errors';
import { useLoad } from '../hooks/useLoad';
import { RuleForm } from './rules/RuleForm';
import './Rules.css';

function conditionsText(c: RuleConditions): string {
  const parts = Object.entries(c).map(([k, v]) => `${k} ${Array.isArray(v) ? `∈ {${v.join(', ')}}` : `contains "${v}"`}`);
  return parts.length ? parts.join(' and ') : 'every event';
}

function actionText(a: RuleAction, destinations: Destination[]): string {
  if (a.type === 'destination') return `→ ${destinations.find((d) => d.id === a.destination_id)?.name ?? `missing destination ${a.destination_id}`}`;
  return a.type === 'email' ? `→ e-mail ${a.to}` : '→ bell';
}

export function Rules() {
  const rules = useLoad(() => ruleApi.list(), []);
  const destinations = useLoad(() => destinationApi.list(), []);
  // 'new', a rule being edited, or null when no form is open.
  const [editing, setEditing] = useState<Rule | 'new' | null>(null);
  const dests = destinations.data?.items ?? [];
  const saved = () => {
    setEditing(null);
    void rules.reload();
  };
  return (
    <div className="view rules">
      <div className="toolbar">
        <h2>Rules</h2>
        {!editing && <button type="button" className="primary" onClick={() => setEditing('new')}>New rule</button>}
      </div>
      {editing && (
        <section>
          <h3>{editing === 'new' ? 'New rule' : `Edit ${editing.name}`}</h3>
          <RuleForm key={editing === 'new' ? 'new' : editing.id} rule={editing === 'new' ? null : editing} destinations={dests} onSaved={saved} onCancel={() => setEditing(null)} />
        </section>
      )}
      <Errors error={rules.error ?? destinations.error} />
      <DataTable
        rows={rules.data?.items ?? []}
        rowKey={(r) => r.id}
        empty={
          !editing && (
            <EmptyState title="No rules yet.">
              <p>Destinations already get every record of the event types they subscribe to. Add a rule to route by severity, source, tags or text — to a destination, the bell, or an e-mail — and try it with <strong>Dry run</strong> before saving.</p>
            </EmptyState>
          )
        }
        columns={[
          { label: 'name', cell: (r) => r.name },
          { label: 'enabled', cell: (r) => (r.enabled ? 'yes' : 'no') },
          { label: 'when', cell: (r) => conditionsText(r.conditions) },
          { label: 'then', cell: (r) => r.actions.map((a) => actionText(a, dests)).join(', ') },
          {
            label: '',
            cell: (r) => (
              <span className="action">
                <button type="button" className="small" onClick={() => setEditing(r)}>Edit</button>
                <ConfirmButton label="Delete" question={`Delete rule "${r.name}"?`} run={async () => { await ruleApi.remove(r.id); await rules.reload(); }} />
              </span>
            ),
          },
        ]}
      />
    </div>
  );
}
