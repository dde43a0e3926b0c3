// FireHydrant event model (POST /v1/ingest/event), also what custom transposers produce.
// Rules from the reference: summary cut at 255, status/level enums or integers, level
// decides severity, private.* annotations stripped, notification-priority annotation.
import { eventSchema } from '../../schemas/ingest';
import { validate } from '../../schemas/validate';
import type { IngestContext, IngestOutcome } from './types';
import { buildEvent, cutSummary, parseLevel, parseStatus, severityFromLevel } from '../normalize';
import type { Attachment, ImageRef, LinkRef, NormalizedEvent } from '../types';

/** A body that passed eventSchema. */
export interface EventModel {
  summary: string;
  body?: string;
  status?: string | number;
  level?: string | number;
  idempotency_key?: string;
  tags?: string[];
  annotations?: Record<string, unknown>;
  images?: ImageRef[];
  links?: LinkRef[];
  attachments?: Attachment[];
}

export function validateEventModel(data: unknown): string[] {
  return validate(eventSchema, data);
}

// Only the documented keys of images, links and attachments are kept.
const image = ({ src, alt }: ImageRef): ImageRef => (alt === undefined ? { src } : { src, alt });
const link = ({ href, text }: LinkRef): LinkRef => (text === undefined ? { href } : { href, text });
const ATTACHMENT_KEYS = ['filename', 'content_type', 'size', 'label', 'url'] as const;
function attachment(a: Attachment): Attachment {
  const out: Record<string, unknown> = {};
  for (const k of ATTACHMENT_KEYS) if (a[k] !== undefined) out[k] = a[k];
  return out as Attachment;
}

/** Normalizes a validated event model; `raw` is what was received (the body, or a custom source's input). */
export function eventFromModel(model: EventModel, ctx: IngestContext, dialect: 'event' | 'custom', raw: unknown): NormalizedEvent {
  const level = parseLevel(model.level);
  const { title, body } = cutSummary(model.summary, model.body ?? '');
  return buildEvent(ctx, {
    dialect,
    raw,
    title,
    body,
    // No level given: INFO, but the severity stays undecided.
    level: level ?? 'INFO',
    severity: level ? severityFromLevel(level) : 'pending',
    status: parseStatus(model.status) ?? 'OPEN',
    idempotency_key: model.idempotency_key || null,
    tags: model.tags ?? [],
    annotations: model.annotations ?? {},
    images: (model.images ?? []).map(image),
    links: (model.links ?? []).map(link),
    attachments: (model.attachments ?? []).map(attachment),
  });
}

export function normalizeEvent(body: unknown, ctx: IngestContext): IngestOutcome {
  const errors = validateEventModel(body);
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, events: [eventFromModel(body as EventModel, ctx, 'event', body)] };
}
