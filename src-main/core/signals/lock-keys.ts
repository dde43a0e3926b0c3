// What instances sharing one database lock (Store.exclusive) before deciding an event or
// changing an alert. An event and every alert its decision may read or change share a key:
// the idempotency key (join, resolve, reopen) and the definition's external_id (deduplicate
// filters join alerts of the definition whatever their key). So under the lock the decision
// reads what another instance committed, and two instances never change one alert at once.
import type { NormalizedEvent } from '../types';
import type { Alert, SignalsConfig } from './types';

const idempotencyLock = (organization: string, key: string) => `signals:key:${organization}\n${key}`;
const definitionLock = (organization: string, externalId: string) => `signals:def:${organization}\n${externalId}`;

/** The keys of the alerts deciding this event may read or change. */
export function eventLockKeys(e: NormalizedEvent): string[] {
  const keys: string[] = [];
  if (e.idempotency_key !== null) keys.push(idempotencyLock(e.organization, e.idempotency_key));
  if (e.external_id !== null) keys.push(definitionLock(e.organization, e.external_id));
  return keys;
}

/** The keys of an alert (for actions and timers): the ones an event that may change it locks, and its own. */
export function alertLockKeys(a: Alert, config: SignalsConfig): string[] {
  const keys = [`signals:alert:${a.id}`];
  if (a.idempotency_key !== null) keys.push(idempotencyLock(a.organization, a.idempotency_key));
  const def = a.definition_id === null ? undefined : config.definitions.find((d) => d.organization === a.organization && d.id === a.definition_id);
  if (def) keys.push(definitionLock(a.organization, def.external_id));
  return keys;
}

/** The one key a timer that must run on one instance at a time locks. */
export const TICK_LOCK = 'signals:tick';
