// Several instances on one database: what another instance commits (Store.onChange) reaches
// this one's live stream and in-memory state within about a second. The file store is never
// shared: nothing is followed there.
import type { EventBus } from './bus';
import type { DeliveryRuntime } from './delivery-runtime';
import type { Logger } from './logger';
import type { StreamHub } from './server/stream';
import type { SignalsRuntime } from './signals-runtime';
import type { Store } from './store/types';

export interface FollowDeps {
  store: Store;
  bus: EventBus;
  hub: Pick<StreamHub, 'clientCount'>;
  signals: Pick<SignalsRuntime, 'observe'>;
  deliveries: Pick<DeliveryRuntime, 'observe' | 'configChanged'>;
  logger: Logger;
}

export function followOtherInstances(deps: FollowDeps): void {
  const { store, bus, hub, signals, deliveries, logger } = deps;
  if (!store.shared) return;
  store.onChange((change) => {
    if (change.type === 'events') {
      for (const s of change.summaries) bus.publish({ type: 'event.created', organization: s.organization, data: s });
      return;
    }
    if (change.type === 'config') {
      // The verified API keys need nothing: their cache belongs to the configuration object, which a reload replaces.
      deliveries.configChanged();
      return;
    }
    // Cases live in memory and are always taken on; alerts and deliveries are read only for
    // live stream clients, not for every change (so an alert another instance flagged as
    // flapping is settled by that instance, or by any after a restart).
    const streamed = hub.clientCount > 0;
    const work = change.kind === 'case' || (change.kind === 'alert' && streamed)
      ? signals.observe(change.kind, change.ids)
      : deliveries.observe(change.kind, change.ids, streamed);
    work.catch((err) => logger.warn('a change made by another instance could not be read', { kind: change.kind, err }));
  });
}
