// Create or change a rule: conditions (all must hold; any value of a list) → actions; and a
// dry run of the draft over the latest stored events before saving it.
import { useState } from 'react';
import type { Destination } from '../../api/destinations';
import { DIALECTS, PRIORITIES, ruleApi, SEVERITIES, STATUSES, type Rule, type RuleAction, type RuleConditions, type RuleInput } from '../../api/rules';
import { EVENT_TYPES, type EventType } from '../../api/transform';
import { ActionButton } from '../../components/Action';
import { CheckList } from '../../components/CheckList';
import { Field } from '../../components/Field';
import { Form } from '../../components/FormErrors';
import { DryRun } from './DryRun';

/** Comma-separated text ↔ a list (sources, definition ids, tags). */
const splitList = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);
const joinList = (l: string[] | undefined) => (l ?? []).join(', ');

interface Draft {
  name: string;
  enabled: boolean;
  severity: string[];
  priority: string[];
  status: string[];
  dialect: string[];
  event_type: EventType[];
  source: string;
  definition_id: string;
  tags_any: string;
  text: string;
  actions: RuleAction[];
}

function draftOf(rule: Rule | null): Draft {
  const c = rule?.conditions ?? {};
  return {
    name: rule?.name ?? '', enabled: rule?.enabled ?? true,
    severity: c.severity ?? [], priority: c.priority ?? [], status: c.status ?? [], dialect: c.dialect ?? [], event_type: c.event_type ?? [],
    source: joinList(c.source), definition_id: joinList(c.definition_id), tags_any: joinList(c.tags_any), text: c.text ?? '',
    actions: rule?.actions ?? [{ type: 'in_app' }],
  };
}

/** Empty lists are left out: the API reads an absent condition as "any". */
function inputOf(d: Draft): RuleInput {
  const conditions: RuleConditions = {};
  for (const key of ['severity', 'priority', 'status', 'dialect', 'event_type'] as const) if (d[key].length) (conditions as Record<string, unknown>)[key] = d[key];
  for (const key of ['source', 'definition_id', 'tags_any'] as const) if (splitList(d[key]).length) conditions[key] = splitList(d[key]);
  if (d.text.trim()) conditions.text = d.text.trim();
  return { name: d.name, enabled: d.enabled, conditions, actions: d.actions };
}

function ActionRow({ action, index, destinations, onChange, onRemove }: {
  action: RuleAction;
  index: number;
  destinations: Destination[];
  onChange: (a: RuleAction) => void;
  onRemove: () => void;
}) {
  const n = index + 1;
  const retype = (type: RuleAction['type']) =>
    onChange(type === 'destination' ? { type, destination_id: destinations[0]?.id ?? '' } : type === 'email' ? { type, to: '' } : { type });
  return (
    <div className="rule-action">
      <Field label={`Action ${n}`} name={`actions[${index}].type`}>
        <select value={action.type} onChange={(e) => retype(e.target.value as RuleAction['type'])}>
          <option value="destination">send to a destination</option>
          <option value="in_app">in-app notification (bell)</option>
          <option value="email">e-mail</option>
        </select>
      </Field>
      {action.type === 'destination' && (
        <Field label={`Action ${n} destination`} name={`actions[${index}].destination_id`}>
          <select value={action.destination_id} onChange={(e) => onChange({ type: 'destination', destination_id: e.target.value })}>
            {!destinations.length && <option value="">no destinations yet</option>}
            {destinations.map((d) => <option key={d.id} value={d.id}>{d.name} ({d.kind})</option>)}
          </select>
        </Field>
      )}
      {action.type === 'email' && (
        <Field label={`Action ${n} e-mail to`} name={`actions[${index}].to`}>
          <input type="email" value={action.to} onChange={(e) => onChange({ type: 'email', to: e.target.value })} />
        </Field>
      )}
      <button type="button" className="small" onClick={onRemove}>Remove action {n}</button>
    </div>
  );
}

export function RuleForm({ rule, destinations, onSaved, onCancel }: {
  /** null: a new rule. */
  rule: Rule | null;
  destinations: Destination[];
  onSaved: (r: Rule) => void;
  onCancel: () => void;
}) {
  const [d, setD] = useState<Draft>(() => draftOf(rule));
  const set = (patch: Partial<Draft>) => setD((prev) => ({ ...prev, ...patch }));
  const text = (key: 'name' | 'source' | 'definition_id' | 'tags_any' | 'text') => ({ value: d[key], onChange: (e: { target: { value: string } }) => set({ [key]: e.target.value }) });
  return (
    <Form className="form rule-form" aria-label={rule ? `Edit rule ${rule.name}` : 'New rule'}>
      <Field label="Rule name" name="name"><input {...text('name')} placeholder="High severity to the SOC webhook" /></Field>
      <label className="check"><input type="checkbox" checked={d.enabled} onChange={(e) => set({ enabled: e.target.checked })} /> Enabled</label>
      <h4>When an event matches (every condition given; none = every event)</h4>
      <CheckList legend="Severity" name="conditions.severity" options={SEVERITIES} value={d.severity} onChange={(severity) => set({ severity })} />
      <CheckList legend="Priority" name="conditions.priority" options={PRIORITIES} value={d.priority} onChange={(priority) => set({ priority })} />
      <CheckList legend="Status" name="conditions.status" options={STATUSES} value={d.status} onChange={(status) => set({ status })} />
      <CheckList legend="Dialect" name="conditions.dialect" options={DIALECTS} value={d.dialect} onChange={(dialect) => set({ dialect })} />
      <CheckList legend="Event type" name="conditions.event_type" options={EVENT_TYPES} value={d.event_type} onChange={(event_type) => set({ event_type })} />
      <Field label="Sources" name="conditions.source" hint="comma-separated: a source's id, or the dialect name for events without a configured source"><input {...text('source')} /></Field>
      <Field label="Signal definitions" name="conditions.definition_id" hint="comma-separated definition ids"><input {...text('definition_id')} /></Field>
      <Field label="Tags (any of)" name="conditions.tags_any" hint="comma-separated, exact match"><input {...text('tags_any')} /></Field>
      <Field label="Text" name="conditions.text" hint="case-insensitive, in the title or the body"><input {...text('text')} /></Field>
      <h4>Then</h4>
      {d.actions.map((a, i) => (
        <ActionRow key={i} action={a} index={i} destinations={destinations}
          onChange={(next) => set({ actions: d.actions.map((x, j) => (j === i ? next : x)) })}
          onRemove={() => set({ actions: d.actions.filter((_, j) => j !== i) })} />
      ))}
      <div><button type="button" className="small" onClick={() => set({ actions: [...d.actions, { type: 'in_app' }] })}>Add action</button></div>
      <div className="toolbar">
        <ActionButton className="primary" label={rule ? 'Save rule' : 'Create rule'} run={async () => {
          const input = inputOf(d);
          onSaved(rule ? await ruleApi.update(rule.id, input) : await ruleApi.create(input));
        }} />
        <button type="button" onClick={onCancel}>Cancel</button>
      </div>
      <DryRun rule={() => inputOf(d)} />
    </Form>
  );
}
