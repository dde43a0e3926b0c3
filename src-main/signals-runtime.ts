// The signals engine at run time: decisions are made before an event is stored and
// their alert/case snapshots are committed with it; time-based rules run on a timer;
// every state change is published on the live stream.
import { randomUUID } from 'node:crypto';
import type { EventBus } from './bus';
import { SignalsEngine, type AlertAction, type AlertListFilter, type CaseListFilter } from './core/signals/engine';
import type { Alert, Case, CaseStatus, StateChange } from './core/signals/types';
import type { NormalizedEvent } from './core/types';
import type { Logger } from './logger';
import type { StateRecord, Store } from './store/types';

function stateRecords(changes: readonly StateChange[]): StateRecord[] {
  return changes.map((c) => ({ kind: c.kind, id: c.kind === 'alert' ? c.alert.id : c.case.id, data: c }));
}

export interface Decided {
  events: NormalizedEvent[];
  /** Changes of each event, in the order of `events`. */
  perEvent: StateChange[][];
}

export class SignalsRuntime {
  private readonly engine: SignalsEngine;
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;

  constructor(private readonly store: Store, private readonly bus: EventBus, private readonly logger: Logger, now: () => Date) {
    this.engine = new SignalsEngine({ now, newId: randomUUID, config: () => store.config() });
    this.engine.load(store.liveState().filter((r) => r.kind === 'alert' || r.kind === 'case').map((r) => r.data as StateChange));
  }

  async decide(events: NormalizedEvent[]): Promise<Decided> {
    const out: Decided = { events: [], perEvent: [] };
    for (const e of events) {
      const r = await this.engine.decide(e);
      out.events.push({ ...r.event, decision: r.decision });
      out.perEvent.push(r.changes);
    }
    return out;
  }

  /** The state records that make changes durable (committed with their events). */
  records(changes: readonly StateChange[]): StateRecord[] {
    return stateRecords(changes);
  }

  // Read models: what the routes show (by UUID or short id).
  getAlert(organization: string, id: string): Alert | undefined {
    return this.engine.getAlert(organization, id);
  }

  listAlerts(organization: string, filter: AlertListFilter): Alert[] {
    return this.engine.listAlerts(organization, filter);
  }

  getCase(organization: string, id: string): Case | undefined {
    return this.engine.getCase(organization, id);
  }

  listCases(organization: string, filter: CaseListFilter): Case[] {
    return this.engine.listCases(organization, filter);
  }

  /** A person acknowledges, resolves or dismisses an alert; committed and published before it returns. */
  act(organization: string, alertId: string, action: AlertAction, actor: string): Promise<void> {
    return this.commit(this.engine.act(organization, alertId, action, actor));
  }

  /** A person moves a case; committed and published before it returns. */
  setCaseStatus(organization: string, caseId: string, status: CaseStatus, actor: string): Promise<void> {
    return this.commit(this.engine.setCaseStatus(organization, caseId, status, actor));
  }

  /** Undoes changes that did not reach the disk, latest first. */
  rollback(perEvent: StateChange[][]): void {
    for (let i = perEvent.length - 1; i >= 0; i--) this.engine.rollback(perEvent[i]);
  }

  publish(changes: readonly StateChange[]): void {
    for (const c of changes) {
      const record = c.kind === 'alert' ? c.alert : c.case;
      this.bus.publish({ type: `${c.kind}.changed`, organization: record.organization, data: { ...record, notify: c.notify } });
    }
  }

  /** Persists and publishes changes made outside ingest (actions by people, timers). */
  private async commit(changes: StateChange[]): Promise<void> {
    if (changes.length === 0) return;
    try {
      await this.store.appendState(stateRecords(changes));
    } catch (err) {
      this.engine.rollback(changes);
      throw err;
    }
    this.publish(changes);
  }

  /** Auto-resolve and flap settling; one at a time. */
  tick(): Promise<void> {
    return (this.ticking ??= this.commit(this.engine.tick())
      .catch((err) => this.logger.warn('signals tick failed; retrying on the next tick', { err }))
      .finally(() => {
        this.ticking = null;
      }));
  }

  start(intervalMs: number): void {
    if (intervalMs <= 0) return;
    this.timer = setInterval(() => void this.tick(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking;
  }
}
