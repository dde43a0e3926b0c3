// Dispatch signal instance (POST /api/v1/{organization}/signals/instances): {project, raw}.
// `raw` is the tool's own signal; only raw.id, raw.externalId and raw.variant are held to
// a shape, everything else is read when it makes sense and ignored otherwise. `project` comes
// as a name (the documented curl/requests example), as Dispatch's own ProjectRead object
// (its SignalInstanceCreate model and CLI), or not at all.
import { IDEMPOTENCY_KEY_MAX } from '../../limits';
import { signalInstanceSchema } from '../../schemas/ingest';
import { validate } from '../../schemas/validate';
import type { IngestContext, IngestOutcome } from './types';
import { buildEvent, epochSecondsToIso, firstText, parseSeverity, stringArray, type JsonObject } from '../normalize';
import { parseTimestamp } from '../timestamps';

interface SignalInstanceBody {
  project?: string | { name: string } | null;
  external_id?: string | null;
  raw: JsonObject & { id?: string; externalId?: string; variant?: string };
}

/** The project label: the name itself, the object's name, or null (the organization's default). */
function projectName(project: SignalInstanceBody['project']): string | null {
  if (typeof project === 'string') return project;
  return project?.name ?? null;
}

export function normalizeSignalInstance(body: unknown, ctx: IngestContext): IngestOutcome {
  const errors = validate(signalInstanceSchema, body);
  if (errors.length > 0) return { ok: false, errors };
  const { project, external_id: topExternalId, raw } = body as SignalInstanceBody;

  const externalId = raw.externalId ?? (topExternalId || null);
  const key = raw.idempotency_key;
  return {
    ok: true,
    events: [buildEvent(ctx, {
      dialect: 'signal_instance',
      // The whole body, so custom mapping paths read as the request does (`raw.columns.path`).
      raw: body,
      // A given raw.id is the event id, so a second POST of it is recognised as a retry.
      id: raw.id,
      dedup_key: raw.id !== undefined ? `instance:${raw.id}` : null,
      project: projectName(project),
      external_id: externalId,
      variant: raw.variant ?? null,
      title: firstText(raw.title, raw.summary, raw.name, externalId) ?? 'Signal',
      body: firstText(raw.description) ?? '',
      severity: parseSeverity(raw.severity),
      occurred_at: parseTimestamp(raw.calendarTime) ?? epochSecondsToIso(raw.time) ?? undefined,
      idempotency_key: typeof key === 'string' && key.length > 0 && key.length <= IDEMPOTENCY_KEY_MAX ? key : null,
      tags: stringArray(raw.tags) ?? [],
    })],
  };
}
