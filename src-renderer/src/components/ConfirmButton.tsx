// A destructive action asked twice, in the page (no browser dialog): the first click asks,
// the second runs it with progress, result and the API's messages.
import { useState } from 'react';
import { ActionButton } from './Action';

export function ConfirmButton({ label, question, run }: { label: string; question: string; run: () => Promise<string | void> }) {
  const [asking, setAsking] = useState(false);
  if (!asking) return <button type="button" className="danger" onClick={() => setAsking(true)}>{label}</button>;
  return (
    <span className="action confirm">
      <span>{question}</span>
      <ActionButton label={`Yes, ${label.toLowerCase()}`} className="danger" run={run} />
      <button type="button" onClick={() => setAsking(false)}>Cancel</button>
    </span>
  );
}
