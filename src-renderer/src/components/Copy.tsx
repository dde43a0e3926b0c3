// Copy to the clipboard, with a moment of "Copied" as feedback.
import { useState } from 'react';

export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [done, setDone] = useState(false);
  const copy = async () => {
    await navigator.clipboard.writeText(text);
    setDone(true);
    setTimeout(() => setDone(false), 1200);
  };
  return <button type="button" className="small" onClick={() => void copy()}>{done ? 'Copied' : label}</button>;
}

/** A value (URL, curl command) to copy, shown in full. */
export function CopyText({ text, label }: { text: string; label?: string }) {
  return (
    <div className="copy-text">
      <pre>{text}</pre>
      <CopyButton text={text} label={label} />
    </div>
  );
}
