// Errors where the mistake is. A form keeps the API's last answer ("<field path>: <message>",
// one per problem); each field claims the messages of its path and shows them beside itself
// (aria-invalid, aria-describedby). What no field claims stays with the action that failed.
import { createContext, useCallback, useContext, useEffect, useId, useMemo, useState, type FormHTMLAttributes, type ReactNode } from 'react';
import { errorMessages } from './Errors';

export interface FieldMessage {
  /** `uri`, `headers[0].value`, … ('' when the message names no field). */
  path: string;
  message: string;
}

const FIELD_PATH = /^([A-Za-z_$][\w$-]*(?:\[\d+\]|\.[A-Za-z_$][\w$-]*|\["[^"]*"\])*): (.+)$/s;

/** "headers[0].value: must not contain CR or LF" → its path and its words. */
export function splitFieldMessage(text: string): FieldMessage {
  const m = FIELD_PATH.exec(text);
  return m ? { path: m[1], message: m[2] } : { path: '', message: text };
}

/** A field named `name` owns a message about itself or anything inside it (`headers` owns `headers[2].key` unless a row claims it). */
const owns = (name: string, path: string) => path === name || path.startsWith(`${name}.`) || path.startsWith(`${name}[`);

interface FormErrorsState {
  messages: FieldMessage[];
  show(error: unknown): void;
  claim(name: string): () => void;
  claimed: ReadonlyMap<string, number>;
}

const Ctx = createContext<FormErrorsState | null>(null);

function useFormErrorsState(): FormErrorsState {
  const [messages, setMessages] = useState<FieldMessage[]>([]);
  const [claimed, setClaimed] = useState<ReadonlyMap<string, number>>(new Map());
  // Stable: fields claim their path once per mount, whatever the messages do.
  const show = useCallback((error: unknown) => setMessages(errorMessages(error).map(splitFieldMessage)), []);
  const claim = useCallback((name: string) => {
    const bump = (by: number) => setClaimed((prev) => {
      const next = new Map(prev);
      const n = (next.get(name) ?? 0) + by;
      if (n > 0) next.set(name, n);
      else next.delete(name);
      return next;
    });
    bump(1);
    return () => bump(-1);
  }, []);
  return useMemo(() => ({ messages, claimed, show, claim }), [messages, claimed, show, claim]);
}

/** A form whose fields show the API's messages beside themselves. */
export function Form({ children, ...props }: FormHTMLAttributes<HTMLFormElement> & { children: ReactNode }) {
  const state = useFormErrorsState();
  return (
    <Ctx.Provider value={state}>
      <form noValidate onSubmit={(e) => e.preventDefault()} {...props}>{children}</form>
    </Ctx.Provider>
  );
}

/** The most specific claimed field for a path: a row's `headers[0].value` before the list's `headers`. */
function ownerOf(path: string, claimed: ReadonlyMap<string, number>): string | null {
  let best: string | null = null;
  for (const name of claimed.keys()) if (owns(name, path) && (best === null || name.length > best.length)) best = name;
  return best;
}

export interface FieldError {
  /** Spread on the input: aria-invalid and aria-describedby when there is a message. */
  inputProps: { 'aria-invalid'?: true; 'aria-describedby'?: string };
  /** The message element (with the id the input points to), or null. */
  note: ReactNode;
}

/** The messages of field `name` in the enclosing Form (none outside one, or without a name). */
export function useFieldError(name: string | undefined): FieldError {
  const form = useContext(Ctx);
  const id = useId();
  const claim = form?.claim;
  useEffect(() => (name && claim ? claim(name) : undefined), [name, claim]);
  const mine = name && form ? form.messages.filter((m) => m.path && ownerOf(m.path, form.claimed) === name) : [];
  if (!mine.length) return { inputProps: {}, note: null };
  const noteId = `${id}-error`;
  return {
    inputProps: { 'aria-invalid': true, 'aria-describedby': noteId },
    note: <span id={noteId} className="field-error">{mine.map((m) => m.message).join('; ')}</span>,
  };
}

/** For an action inside a Form: hand a failure to the fields; what they do not claim is returned for the action to show. */
export function useFormFailure(): { report(error: unknown): void; unclaimed(error: unknown): string[]; fieldCount(error: unknown): number } | null {
  const form = useContext(Ctx);
  if (!form) return null;
  const parts = (error: unknown) => errorMessages(error).map((text) => ({ text, ...splitFieldMessage(text) }));
  return {
    report: form.show,
    unclaimed: (error) => parts(error).filter((m) => !m.path || !ownerOf(m.path, form.claimed)).map((m) => m.text),
    fieldCount: (error) => new Set(parts(error).map((m) => (m.path ? ownerOf(m.path, form.claimed) : null)).filter(Boolean)).size,
  };
}
