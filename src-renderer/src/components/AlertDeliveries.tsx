// What an alert owed its destinations: each delivery with its status, linking to its
// history. Kept current by delivery.changed.
import { deliveryApi, type DeliveryChange } from '../api/deliveries';
import { destinationApi } from '../api/destinations';
import { unpaged } from '../hooks/unpaged';
import { useLoad } from '../hooks/useLoad';
import { useStream } from '../hooks/useStream';
import { useThrottled } from '../hooks/useThrottled';
import { DeliveryTable } from './DeliveryTable';
import { EmptyState } from './EmptyState';

export function AlertDeliveries({ alertId, go }: { alertId: string; go: (hash: string) => void }) {
  const deliveries = useLoad(() => deliveryApi.list({ alert: alertId, limit: 100 }), [alertId]);
  const destinations = useLoad(() => destinationApi.list(), []);
  const reload = useThrottled(() => void deliveries.reload(), 500);
  useStream('delivery.changed', (d: DeliveryChange) => {
    if (d.alert_id === alertId) reload();
  });
  const nameOf = (id: string) => destinations.data?.items.find((d) => d.id === id)?.name ?? id;
  return (
    <DeliveryTable rows={deliveries.data?.items ?? []} go={go} destinationName={nameOf} paged={unpaged(deliveries)}
      empty={<EmptyState title="Nothing was delivered for this alert."><p>Deliveries appear when a destination subscribes to its events or a rule sends them: set one up in <a href="#/destinations">Destinations</a> or <a href="#/rules">Rules</a>.</p></EmptyState>} />
  );
}
