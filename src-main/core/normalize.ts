// Normalization helpers shared by every ingest dialect: enum parsing in the spellings the
// reference formats allow, the FireHydrant summary/annotation/priority rules, timestamps,
// and the one place a NormalizedEvent is assembled (buildEvent).
import { BODY_TEXT_MAX, SUMMARY_CUT, SUMMARY_MAX, TAG_LENGTH_MAX, TAGS_MAX, TITLE_MAX } from '../limits';
import { extractIndicators, type IndicatorCandidate } from './indicators';
import { SEVERITY_NAMES } from './timestamps';
import type { IngestContext } from './dialects/types';
import {
  LEVELS, PRIORITIES, STATUSES,
  type Attachment, type Dialect, type EventType, type ImageRef, type Level, type LinkRef, type NormalizedEvent,
  type Priority, type RequestMeta, type Severity, type SourceRecord, type Status,
} from './types';

export const EVENT_SCHEMA_VERSION = 1;

// ---------------------------------------------------------------------------
// Severity, level, status, priority


/** `Informational|Low|Medium|High|Critical` in any case → lowercase Severity; anything else → pending. */
export function parseSeverity(value: unknown): Severity {
  if (typeof value !== 'string') return 'pending';
  const lower = value.toLowerCase();
  return SEVERITY_NAMES.some((s) => s.toLowerCase() === lower) ? (lower as Severity) : 'pending';
}

const SEVERITY_WORDS: Record<string, Severity> = {
  critical: 'critical',
  error: 'high', high: 'high',
  warning: 'medium', warn: 'medium', medium: 'medium',
  low: 'low',
  info: 'informational', informational: 'informational',
};

/** Looser words monitoring tools use (Alertmanager `severity` labels, Splunk strings); else pending. */
export function severityFromWord(value: unknown): Severity {
  return typeof value === 'string' ? SEVERITY_WORDS[value.toLowerCase()] ?? 'pending' : 'pending';
}

/** `INFO|WARN|ERROR|FATAL` in any case, or the integers 0–3; null if neither. */
export function parseLevel(value: unknown): Level | null {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 && value < LEVELS.length ? LEVELS[value] : null;
  if (typeof value !== 'string') return null;
  const upper = value.toUpperCase();
  return (LEVELS as readonly string[]).includes(upper) ? (upper as Level) : null;
}

/** `OPEN|CLOSED` in any case, or 0 (OPEN) / 1 (CLOSED); null if neither. */
export function parseStatus(value: unknown): Status | null {
  if (value === 0 || value === 1) return STATUSES[value];
  if (typeof value !== 'string') return null;
  const upper = value.toUpperCase();
  return (STATUSES as readonly string[]).includes(upper) ? (upper as Status) : null;
}

const SEVERITY_OF_LEVEL: Record<Level, Severity> = { INFO: 'informational', WARN: 'medium', ERROR: 'high', FATAL: 'critical' };
const LEVEL_OF_SEVERITY: Record<Severity, Level> = {
  informational: 'INFO', pending: 'INFO', low: 'WARN', medium: 'WARN', high: 'ERROR', critical: 'FATAL',
};

export function severityFromLevel(level: Level): Severity {
  return SEVERITY_OF_LEVEL[level];
}

export function levelFromSeverity(severity: Severity): Level {
  return LEVEL_OF_SEVERITY[severity];
}

export const PRIORITY_ANNOTATION = 'signals.firehydrant.com/notification-priority';

/** FireHydrant: the notification-priority annotation (HIGH|MEDIUM|LOW, any case) sets priority; default HIGH. */
export function priorityFromAnnotations(annotations: Record<string, unknown>): Priority {
  const value = annotations[PRIORITY_ANNOTATION];
  if (typeof value !== 'string') return 'HIGH';
  const upper = value.toUpperCase();
  return (PRIORITIES as readonly string[]).includes(upper) ? (upper as Priority) : 'HIGH';
}

// ---------------------------------------------------------------------------
// Text

/** Length in characters (code points), the unit the limits and JSON Schema use. */
export function charLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** First `max` characters (code points, so a surrogate pair is never split). */
export function truncateChars(s: string, max: number): string {
  if (s.length <= max) return s;
  return Array.from(s).slice(0, max).join('');
}

/** Over `max` characters: the first `max`, then a visible mark saying how many were cut. */
export function cutWithMark(s: string, max: number): string {
  if (s.length <= max) return s;
  const cut = charLength(s) - max;
  return cut > 0 ? `${truncateChars(s, max)}… [truncated ${cut} chars]` : s;
}

/**
 * FireHydrant summary rule: over SUMMARY_MAX characters, the title is the first SUMMARY_CUT
 * characters + `...` and the rest opens the body, a blank line before the original body.
 */
export function cutSummary(summary: string, body: string): { title: string; body: string } {
  if (charLength(summary) <= SUMMARY_MAX) return { title: summary, body };
  const chars = Array.from(summary);
  const rest = chars.slice(SUMMARY_CUT).join('');
  return { title: `${chars.slice(0, SUMMARY_CUT).join('')}...`, body: body ? `${rest}\n\n${body}` : rest };
}

/** Lowercase ASCII words joined by `-` (accents folded): `Acme Monitor` → `acme-monitor`. */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
}

// ---------------------------------------------------------------------------
// Timestamps

/** Epoch seconds (a number, or a numeric string as Splunk senders often use; fractions allowed) → ISO. */
export function epochSecondsToIso(value: unknown): string | null {
  let seconds: number;
  if (typeof value === 'number') seconds = value;
  else if (typeof value === 'string' && /^\d+(?:\.\d+)?$/.test(value)) seconds = Number(value);
  else return null;
  if (!Number.isFinite(seconds) || seconds < 0) return null;
  const date = new Date(Math.round(seconds * 1000));
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

// ---------------------------------------------------------------------------
// Annotations

export const ACTOR_SOURCE_ANNOTATION = 'private.signals.firehydrant.com/actor-source';
export const VIA_ANNOTATION = 'private.signals.firehydrant.com/via';
export const TRANSPOSER_ID_ANNOTATION = 'signals.firehydrant.com/transposer-id';
export const TRANSPOSER_NAME_ANNOTATION = 'signals.firehydrant.com/transposer-name';

/** FireHydrant: `private.*` annotations are the system's own; a payload may not set them. */
export function stripPrivateAnnotations(annotations: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(annotations)) {
    // Case-insensitive, so `Private.x` cannot pass for a system annotation in a case-folding consumer.
    if (!key.toLowerCase().startsWith('private.')) out[key] = value;
  }
  return out;
}

/** The route a request came by; URL-token paths lose the token (it is a credential). */
export function viaOf(request: RequestMeta): string {
  if (request.auth === 'url_token' || request.path === '/v1/hooks' || request.path.startsWith('/v1/hooks/')) return '/v1/hooks';
  return request.path;
}

export interface AnnotationContext {
  request: RequestMeta;
  source: SourceRecord | null;
  dialect: Dialect;
}

/** Annotations the system sets on every event (after the payload's private ones are stripped). */
export function systemAnnotations({ request, source, dialect }: AnnotationContext): Record<string, string> {
  const out: Record<string, string> = {
    [ACTOR_SOURCE_ANNOTATION]: source ? 'integration' : 'api_key',
    [VIA_ANNOTATION]: viaOf(request),
  };
  // Only transposed (custom) events name their transposer; the generic endpoint never does.
  if (dialect === 'custom' && source?.transposer) {
    out[TRANSPOSER_ID_ANNOTATION] = source.id;
    out[TRANSPOSER_NAME_ANNOTATION] = slugify(source.name) || source.slug;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Assembly

/** What a dialect knows about one event; buildEvent fills in everything shared. */
export interface EventDraft {
  dialect: Dialect;
  raw: unknown;
  title: string;
  body?: string;
  severity?: Severity;
  /** Defaults to the level derived from severity. */
  level?: Level;
  status?: Status;
  /** Defaults to the notification-priority annotation, else HIGH. */
  priority?: Priority;
  occurred_at?: string;
  idempotency_key?: string | null;
  tags?: string[];
  /** The payload's annotations; `private.*` are stripped and the system ones set here. */
  annotations?: Record<string, unknown>;
  images?: ImageRef[];
  links?: LinkRef[];
  attachments?: Attachment[];
  /** Pass 1 of indicator extraction (already validated). */
  explicitIndicators?: IndicatorCandidate[];
  event_type?: EventType;
  project?: string | null;
  external_id?: string | null;
  variant?: string | null;
  source_rule_id?: string | null;
  /** Event id chosen by the payload (signal instance `raw.id`); else ctx.newId(). */
  id?: string;
  /** Exact-retry key set by the dialect (`instance:<raw.id>`); the Idempotency-Key header is applied later. */
  dedup_key?: string | null;
}

/** Tags as stored: bounded in count and length, each once, order kept. */
function boundedTags(tags: string[]): string[] {
  const seen = new Set<string>();
  for (const tag of tags) {
    if (seen.size >= TAGS_MAX) break;
    if (tag.length > 0) seen.add(truncateChars(tag, TAG_LENGTH_MAX));
  }
  return [...seen];
}

export function buildEvent(ctx: IngestContext, draft: EventDraft): NormalizedEvent {
  const severity = draft.severity ?? 'pending';
  const title = truncateChars(draft.title, TITLE_MAX);
  const body = truncateChars(draft.body ?? '', BODY_TEXT_MAX);
  const annotations = {
    ...stripPrivateAnnotations(draft.annotations ?? {}),
    ...systemAnnotations({ request: ctx.request, source: ctx.source, dialect: draft.dialect }),
  };
  return {
    schema_version: EVENT_SCHEMA_VERSION,
    id: draft.id ?? ctx.newId(),
    organization: ctx.organization.id,
    project: draft.project ?? null,
    source: ctx.source ? ctx.source.id : draft.dialect,
    source_name: ctx.source ? ctx.source.name : draft.dialect,
    dialect: draft.dialect,
    received_at: ctx.receivedAt.toISOString(),
    occurred_at: draft.occurred_at ?? ctx.receivedAt.toISOString(),
    title,
    body,
    severity,
    level: draft.level ?? levelFromSeverity(severity),
    status: draft.status ?? 'OPEN',
    priority: draft.priority ?? priorityFromAnnotations(annotations),
    idempotency_key: draft.idempotency_key ?? null,
    tags: boundedTags(draft.tags ?? []),
    catalog: [],
    annotations,
    images: draft.images ?? [],
    links: draft.links ?? [],
    attachments: draft.attachments ?? [],
    indicators: extractIndicators({ explicit: draft.explicitIndicators, raw: draft.raw, texts: [title, body], mappings: ctx.customMappings }),
    event_type: draft.event_type ?? 'security_event',
    external_id: draft.external_id ?? null,
    variant: draft.variant ?? null,
    source_rule_id: draft.source_rule_id ?? null,
    definition_id: null,
    alert_id: null,
    dedup_key: draft.dedup_key ?? null,
    raw: draft.raw,
    request: ctx.request,
  };
}

// ---------------------------------------------------------------------------
// Small readers for loosely typed payloads

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The first argument that is a non-empty string. */
export function firstText(...values: unknown[]): string | undefined {
  for (const v of values) if (typeof v === 'string' && v.length > 0) return v;
  return undefined;
}

/** The value if it is an array of strings, else undefined. */
export function stringArray(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined;
}
