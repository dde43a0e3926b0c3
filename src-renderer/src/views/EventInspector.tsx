// One event: the request as received, the raw payload and the normalized event.
import { useEffect, useState } from 'react';
import { api, ApiError } from '../api/client';
import { Json } from '../components/Json';

export function EventInspector({ id, back }: { id: string; back: () => void }) {
  const [event, setEvent] = useState<Record<string, any> | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.getEvent(id).then(setEvent, (e) => setError(e instanceof ApiError ? e.errors.join('; ') : String(e)));
  }, [id]);
  if (error) return <div className="view"><button onClick={back}>← Events</button><p className="error">{error}</p></div>;
  if (!event) return <div className="view">Loading…</div>;
  const { raw, request, ...normalized } = event;
  return (
    <div className="view">
      <div className="toolbar">
        <button onClick={back}>← Events</button>
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
