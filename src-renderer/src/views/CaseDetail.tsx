// One case: status actions (new → triage → closed, closed reopens into triage), its
// timeline and its alerts. Kept live by case.changed.
import { caseApi, CASE_STATUSES, nextStatuses, type Case, type CaseStatus } from '../api/cases';
import type { Alert } from '../api/alerts';
import { ActionButton } from '../components/Action';
import { Badge } from '../components/Badge';
import { CatalogLinks } from '../components/CatalogLinks';
import { DataTable, type Column } from '../components/DataTable';
import { DefinitionLink } from '../components/DefinitionLink';
import { EmptyState } from '../components/EmptyState';
import { Errors } from '../components/Errors';
import { Facts } from '../components/Facts';
import { Time } from '../components/Time';
import { Timeline } from '../components/Timeline';
import { useLoad } from '../hooks/useLoad';
import { useStream } from '../hooks/useStream';
import { useThrottled } from '../hooks/useThrottled';

const MOVE_LABEL: Record<CaseStatus, string> = { new: 'New', triage: 'Move to triage', closed: 'Close' };

const alertColumns: Column<Alert>[] = [
  { label: 'Alert', cell: (a) => <a href={`#/alerts/${a.id}`}><code>{a.short_id}</code></a> },
  { label: 'Title', cell: (a) => a.title },
  { label: 'Severity', cell: (a) => <Badge value={a.severity} /> },
  { label: 'Status', cell: (a) => <Badge value={a.status} /> },
  { label: 'Events', cell: (a) => a.event_count },
  { label: 'Last seen', cell: (a) => <Time at={a.last_seen} /> },
];

export function CaseDetail({ id, go }: { id: string; go: (hash: string) => void }) {
  const found = useLoad(() => caseApi.get(id), [id]);
  // The stream carries the case without its alerts: reload to get both.
  const reload = useThrottled(() => void found.reload(), 500);
  useStream('case.changed', (c: Case) => {
    if (c.id === id || c.short_id === id) reload();
  });
  const back = <a href="#/cases">← Cases</a>;
  if (!found.data) return <div className="view">{back}{found.error ? <Errors error={found.error} /> : <p>Loading…</p>}</div>;
  const c = found.data;
  const next = nextStatuses(c.status);
  const moves = CASE_STATUSES.filter((s) => s !== 'new'); // a case never goes back to new
  return (
    <div className="view case-detail">
      <div className="toolbar">
        {back}
        <h2><code>{c.short_id}</code> {c.title}</h2>
        <span aria-label="case status"><Badge value={c.status} /></span>
      </div>
      <section>
        <div className="toolbar">
          {moves.map((s) => (
            <ActionButton key={s} label={c.status === 'closed' && s === 'triage' ? 'Reopen into triage' : MOVE_LABEL[s]} disabled={!next.includes(s)}
              run={async () => {
                await caseApi.setStatus(c.id, s);
                await found.reload();
                return `Now ${s}`;
              }} />
          ))}
        </div>
        <Facts items={[
          ['Conversation', c.conversation_target],
          ['Definition', <DefinitionLink id={c.definition_id} />],
          ['Catalog', <CatalogLinks links={c.catalog} />],
          ['Opened', <Time at={c.created_at} />],
          ['Updated', <Time at={c.updated_at} />],
          ['Id', <code>{c.id}</code>],
        ]} />
      </section>
      <section>
        <h3>Timeline</h3>
        <Timeline entries={c.timeline} />
      </section>
      <section>
        <h3>Alerts</h3>
        <DataTable rows={c.alerts} columns={alertColumns} rowKey={(a) => a.id} onOpen={(a) => go(`#/alerts/${a.id}`)}
          empty={<EmptyState title="No alerts are linked to this case."><p>Alerts join a case when their signals attach to its definition.</p></EmptyState>} />
      </section>
    </div>
  );
}
