// One event: the request as received, the raw payload and the normalized event.
import { api } from '../api/client';
import { Errors } from '../components/Errors';
import { Json } from '../components/Json';
import { useLoad } from '../hooks/useLoad';

export function EventInspector({ id, go }: { id: string; go: (hash: string) => void }) {
  const { data: event, error } = useLoad(() => api.getEvent(id), [id]);
  const back = <button onClick={() => go('#/events')}>← Events</button>;
  if (error) return <div className="view">{back}<Errors error={error} /></div>;
  if (!event) return <div className="view">Loading…</div>;
  const { raw, request, ...normalized } = event;
  return (
    <div className="view">
      <div className="toolbar">
        {back}
        <h2>{event.title}</h2>
      </div>
      <div className="columns">
        <Json label="Request" data={request} />
        <Json label="Raw payload (as received)" data={raw} />
        <Json label="Normalized" data={normalized} />
      </div>
    </div>
  );
}
