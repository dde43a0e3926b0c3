// An API failure shown with the API's own messages (each names its field), or any other error.
import { ApiError } from '../api/client';

export function errorMessages(error: unknown): string[] {
  if (!error) return [];
  if (error instanceof ApiError) return error.errors;
  return [error instanceof Error ? error.message : String(error)];
}

export function Errors({ error, messages = errorMessages(error) }: { error?: unknown; messages?: string[] }) {
  if (!messages.length) return null;
  return (
    <div className="errors" role="alert">
      {messages.length === 1 ? <p>{messages[0]}</p> : <ul>{messages.map((m, i) => <li key={i}>{m}</li>)}</ul>}
    </div>
  );
}
