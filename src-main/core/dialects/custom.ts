// Custom sources (POST /v1/ingest/custom/{slug}, or a URL token): the source's JSONata
// transposer maps any JSON to the FireHydrant event model, which is then validated and
// normalized exactly like the event dialect. Also the transposer engine itself (compile
// check, guarded evaluation), shared with the source editor's "test" button.
import jsonata from 'jsonata';
import {
  MAX_EVENTS_PER_REQUEST, TRANSPOSER_DEPTH_MAX, TRANSPOSER_MAX, TRANSPOSER_SEQUENCE_MAX, TRANSPOSER_TIMEOUT_MS,
} from '../../limits';
import type { IngestContext, IngestOutcome } from './types';
import { isObject, type JsonObject } from '../normalize';
import { eventFromModel, validateEventModel, type EventModel } from './event';

export type TransposerResult = { ok: true; output: unknown } | { ok: false; errors: string[] };

// jsonata 2.x guards evaluation itself: `timeout` (ms, error D1012), `stack` (evaluation
// depth, D1011) and `sequence` (longest result sequence, D2015), checked on every step.
const GUARDRAILS = { timeout: TRANSPOSER_TIMEOUT_MS, stack: TRANSPOSER_DEPTH_MAX, sequence: TRANSPOSER_SEQUENCE_MAX };

interface JsonataFailure { message?: unknown; position?: unknown; code?: unknown }

/** Guardrail errors fire wherever evaluation happens to be, so their position means nothing. */
const POSITIONLESS = new Set(['D1011', 'D1012']);

function jsonataMessage(err: unknown): string {
  const e = (err ?? {}) as JsonataFailure;
  const message = typeof e.message === 'string' && e.message ? e.message : String(err);
  return typeof e.position === 'number' && !POSITIONLESS.has(String(e.code)) ? `${message} (at position ${e.position})` : message;
}

/** JSONata functions are objects that point back into the evaluation environment; JSON has no functions. */
function dropFunctions(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && ('_jsonata_lambda' in value || '_jsonata_function' in value)) return undefined;
  return value;
}

// Compiled expressions, so a busy custom source does not re-parse its transposer per request.
// The guardrails live per evaluate() call, so sharing a compiled expression is safe.
const COMPILED_MAX = 64;
const compiled = new Map<string, jsonata.Expression>();

function compileExpression(expression: string): { ok: true; expr: jsonata.Expression } | { ok: false; errors: string[] } {
  if (expression.trim() === '') return { ok: false, errors: ['transposer: is empty'] };
  if (expression.length > TRANSPOSER_MAX) return { ok: false, errors: [`transposer: longer than ${TRANSPOSER_MAX} characters`] };
  const cached = compiled.get(expression);
  if (cached) return { ok: true, expr: cached };
  try {
    const expr = jsonata(expression, GUARDRAILS);
    if (compiled.size >= COMPILED_MAX) compiled.delete(compiled.keys().next().value as string);
    compiled.set(expression, expr);
    return { ok: true, expr };
  } catch (err) {
    return { ok: false, errors: [`transposer: ${jsonataMessage(err)}`] };
  }
}

/** Compile errors of a transposer as "transposer: ..." messages; [] when it compiles. */
export function checkTransposer(expression: string): string[] {
  const result = compileExpression(expression);
  return result.ok ? [] : result.errors;
}

/** Evaluates a transposer on a sample, bounded in time, depth and sequence length; the output is plain JSON. */
export async function runTransposer(expression: string, sample: unknown): Promise<TransposerResult> {
  const compiledExpr = compileExpression(expression);
  if (!compiledExpr.ok) return compiledExpr;
  let output: unknown;
  try {
    output = await compiledExpr.expr.evaluate(sample);
  } catch (err) {
    return { ok: false, errors: [`transposer: ${jsonataMessage(err)}`] };
  }
  // JSONata results may be sequences or hold functions; keep what JSON can say.
  try {
    const json = JSON.stringify(output, dropFunctions);
    return { ok: true, output: json === undefined ? undefined : (JSON.parse(json) as unknown) };
  } catch (err) {
    return { ok: false, errors: [`transposer: the output is not JSON (${jsonataMessage(err)})`] };
  }
}

/** In transposer output a null field means "absent": `"body": alert.text` with no text is not an error. */
function withoutNulls(item: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(item).filter(([, v]) => v !== null));
}

const SHAPE = 'it must be an event object or an array of them';

/** The transposer's output as event models, or every problem with it. */
export function eventModelsOf(output: unknown): { ok: true; models: EventModel[] } | { ok: false; errors: string[] } {
  if (output === undefined) return { ok: false, errors: [`transposer output: produced nothing; ${SHAPE}`] };
  const many = Array.isArray(output);
  const items: unknown[] = many ? output : [output];
  if (many && items.length === 0) return { ok: false, errors: [`transposer output: produced an empty array; ${SHAPE}`] };
  if (items.length > MAX_EVENTS_PER_REQUEST) return { ok: false, errors: [`transposer output: more than ${MAX_EVENTS_PER_REQUEST} events`] };
  const errors: string[] = [];
  const models: EventModel[] = [];
  items.forEach((item, i) => {
    const label = many ? `transposer output[${i}]` : 'transposer output';
    if (!isObject(item)) {
      errors.push(`${label}: must be an object`);
      return;
    }
    const model = withoutNulls(item);
    const problems = validateEventModel(model);
    errors.push(...problems.map((p) => `${label}: ${p}`));
    if (problems.length === 0) models.push(model as unknown as EventModel);
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, models };
}

export async function normalizeCustom(body: unknown, ctx: IngestContext): Promise<IngestOutcome> {
  const expression = ctx.source?.transposer;
  if (!expression) return { ok: false, errors: ['transposer: this source has no transposer'] };
  const run = await runTransposer(expression, body);
  if (!run.ok) return run;
  const models = eventModelsOf(run.output);
  if (!models.ok) return models;
  return { ok: true, events: models.models.map((m) => eventFromModel(m, ctx, 'custom', body)) };
}
