// "Send a sample": pick a dialect's sample pack and ingest it, no key or outside tool needed.
import { useState } from 'react';
import { eventsApi, type Sent } from '../api/events';
import { useLoad } from '../hooks/useLoad';
import { ActionButton } from './Action';
import { Errors } from './Errors';

export function SendSample({ onSent }: { onSent?: (sent: Sent) => void }) {
  const packs = useLoad(() => eventsApi.samples(), []);
  const [name, setName] = useState('generic');
  const pack = packs.data?.items.find((p) => p.name === name);
  return (
    <span className="send-sample">
      <select aria-label="sample" value={name} onChange={(e) => setName(e.target.value)} title={pack?.description}>
        {packs.data?.items.map((p) => <option key={p.name} value={p.name}>{p.title}</option>)}
      </select>
      <ActionButton label="Send a sample" className="primary" disabled={!pack} run={async () => {
        const sent = await eventsApi.sendSample(name);
        onSent?.(sent);
        return `Sent to ${pack!.endpoint}: ${sent.event_ids.length} event${sent.event_ids.length === 1 ? '' : 's'}`;
      }} />
      <Errors error={packs.error} />
    </span>
  );
}
