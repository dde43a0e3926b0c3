// Every limit the appliance enforces, in one place. Tests import these names.

/** Largest request body accepted on any endpoint (413 above). */
export const BODY_LIMIT_BYTES = 1024 * 1024;
/** Deepest JSON nesting accepted in a body (400 above); keeps walkers off the stack limit. */
export const MAX_JSON_DEPTH = 64;
/** Events one request may carry (HEC batches, transposer output). Alertmanager groups have no count limit: see below. */
export const MAX_EVENTS_PER_REQUEST = 1000;

// Alertmanager treats any 4xx as final and drops the whole group, resolves included, so a
// well-formed webhook is never refused for its size or counts: its endpoint takes far larger
// bodies, and over-long values are cut with a visible mark instead of refused.
/** Default body limit of POST /v1/ingest/alertmanager (and of URL-token hooks of Alertmanager sources). */
export const ALERTMANAGER_BODY_LIMIT_BYTES = 32 * 1024 * 1024;
/** What SWITCHYARD_ALERTMANAGER_BODY_LIMIT / --alertmanager-body-limit may be set to. */
export const ALERTMANAGER_BODY_LIMIT_MIN = BODY_LIMIT_BYTES;
export const ALERTMANAGER_BODY_LIMIT_MAX = 256 * 1024 * 1024;
/** Label values, groupKey and receiver are cut after this many characters (the mark follows). */
export const ALERTMANAGER_LABEL_VALUE_MAX = 1024;
/** Annotation values are cut after this many characters; below BODY_TEXT_MAX, so a cut description keeps its mark in the body. */
export const ALERTMANAGER_ANNOTATION_VALUE_MAX = 32 * 1024;
/** generatorURL and externalURL are cut after this many characters. */
export const ALERTMANAGER_URL_MAX = 2048;

/** FireHydrant: idempotency_key longer than this is a 400. */
export const IDEMPOTENCY_KEY_MAX = 255;
/** `Idempotency-Key` header longer than this is a 400. */
export const IDEMPOTENCY_HEADER_MAX = 255;
/** FireHydrant: a summary longer than SUMMARY_MAX is cut to SUMMARY_CUT + '...'. */
export const SUMMARY_MAX = 255;
export const SUMMARY_CUT = 250;
/** Title/body/tag bounds for every dialect. */
export const TITLE_MAX = 1024;
export const BODY_TEXT_MAX = 64 * 1024;
export const TAGS_MAX = 100;
export const TAG_LENGTH_MAX = 256;
export const INDICATORS_MAX = 500;
export const INDICATOR_VALUE_MAX = 2048;
/** Pattern extraction stops after this many indicators per event. */
export const PATTERN_INDICATORS_MAX = 100;
export const ANNOTATIONS_MAX = 100;
export const LINKS_MAX = 50;
export const IMAGES_MAX = 50;
export const ATTACHMENTS_MAX = 50;

/** Per-key ingest rate: a token bucket refilled at RATE_PER_SECOND up to RATE_BURST. */
export const RATE_PER_SECOND = 2000;
export const RATE_BURST = 4000;

/** Records waiting for the next group commit; above this ingest answers 503. */
export const WRITE_QUEUE_MAX = 20_000;
/** Seconds a client is told to wait after a 503 (queue saturated). */
export const OVERLOAD_RETRY_AFTER_S = 1;
/** A segment file is closed and a new one started above this size. */
export const SEGMENT_MAX_BYTES = 64 * 1024 * 1024;
/** Uncompressed bytes per block of a compressed (sealed) segment: one record read inflates one block. */
export const SEGMENT_BLOCK_BYTES = 64 * 1024;

/** Search: decoded search sidecars (one per sealed segment, read on demand) kept in memory, at most this many bytes. */
export const SEARCH_SIDECAR_CACHE_BYTES = 32 * 1024 * 1024;
/**
 * Search: one page searches at most this long; then it ends with what it found (maybe nothing)
 * and a next_cursor from where it stopped, so that a text every event nearly holds cannot keep
 * the appliance busy for seconds per request.
 */
export const SEARCH_PAGE_BUDGET_MS = 750;
/** Search: reads of candidate blocks in flight at once (each at most SEARCH_SCAN_BYTES). */
export const SEARCH_READS_AHEAD = 8;
/** Search: a segment without a sidecar (the one being written) is read and checked this many bytes at a time. */
export const SEARCH_SCAN_BYTES = 1024 * 1024;

/** Management API paging. */
export const PAGE_SIZE_DEFAULT = 50;
export const PAGE_SIZE_MAX = 500;
/** Export of events (NDJSON/CSV) reads the store this many events at a time, so memory stays bounded however many match. */
export const EXPORT_PAGE_SIZE = 200;
/** …and reads this many of them at once (overlapping reads; no more are held in memory). */
export const EXPORT_READS_AT_ONCE = 16;
/** Live events keeps at most this many rows on screen; newer ones wait behind "N newer events — show", older ones behind "Load more". */
export const LIVE_EVENTS_ROWS_MAX = 100;

/** Configuration collections. */
export const SOURCES_MAX = 200;
export const KEYS_MAX = 200;
export const ORGS_MAX = 100;
export const NAME_MAX = 200;
export const TRANSPOSER_MAX = 16 * 1024;
/** JSONata evaluation of a transposer is cut off after this long. */
export const TRANSPOSER_TIMEOUT_MS = 500;
export const CUSTOM_MAPPINGS_MAX = 100;

/** Live stream clients at once (SSE). */
export const STREAM_CLIENTS_MAX = 50;
/** One-time login tokens and UI sessions. */
export const LOGIN_TOKEN_TTL_MS = 15 * 60 * 1000;
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
export const SESSIONS_MAX = 100;
/** Login tokens the appliance keeps (unused ones, and spent ones it remembers to say why a link failed). */
export const LOGIN_TOKENS_MAX = 1000;
/**
 * Instances sharing a database: how long a session read from it answers requests without
 * asking again. A logout elsewhere evicts it at once (a notice); this bounds the wait when a
 * notice was lost (the listener reconnecting).
 */
export const SESSION_CACHE_MS = 5_000;
/** Unused links `switchyard login-link` may leave waiting in the data directory. */
export const LOGIN_LINK_FILES_MAX = 20;
/** Request headers an event keeps as received (in order; secrets masked), the longest value kept, and the longest query string kept; longer ones are cut and end in "…". */
export const RECEIVED_HEADERS_MAX = 50;
export const RECEIVED_HEADER_VALUE_MAX = 1024;
export const RECEIVED_QUERY_MAX = 2048;
/** Request header bytes (Node's --max-http-header-size equivalent for our server). */
export const HEADER_BYTES_MAX = 16 * 1024;
/** A request whose headers or body do not arrive within this time is dropped (slowloris). */
export const REQUEST_TIMEOUT_MS = 30_000;
export const HEADERS_TIMEOUT_MS = 10_000;
/** How often open connections are checked against the two deadlines above (Node's default, 30 s, would let a slow client hold one up to 60 s). */
export const CONNECTIONS_CHECK_INTERVAL_MS = 1_000;
/** While the store cannot write, a small probe write is tried this often, so the condition clears by itself. */
export const STORE_PROBE_INTERVAL_MS = 2_000;

/** Signals: definitions and catalog components per organization, filters per definition. */
export const SIGNAL_DEFINITIONS_MAX = 500;
export const SIGNAL_FILTERS_MAX = 50;
export const CATALOG_COMPONENTS_MAX = 1000;
export const DESCRIPTION_MAX = 4096;
/** A filter's JSONata expression: source size and evaluation time per event. */
export const SIGNAL_EXPRESSION_MAX = 4 * 1024;
export const SIGNAL_EXPRESSION_TIMEOUT_MS = 100;
/** Entries kept on an alert's or case's timeline: the first one and the latest others. */
export const ALERT_TIMELINE_MAX = 200;
/**
 * Idle alerts the auto-resolve sweep reads per tick (once a second): bounds each tick's work (and
 * its one write, well under WRITE_QUEUE_MAX) however many are due at once.
 */
export const TICK_SLICE = 2_000;
/** Committed alerts the signals engine keeps at hand (the rest are read from the store). */
export const ALERT_CACHE_MAX = 5_000;
/** Alerts of one idempotency key a decision reads at most (newest first). */
export const KEY_HISTORY_MAX = 100;
/** Timeline entries an alert's patch record carries at most before the alert is written whole again. */
export const PATCH_TAIL_MAX = 20;
/** Alert records one list request reads to filter by severity or text (index filters cost nothing). */
export const ALERT_SCAN_MAX = 20_000;

// Ingest core: dialect normalizers, indicator extraction, transposers.
/** Signal instance `raw.id` (it becomes the event id). */
export const INSTANCE_ID_MAX = 128;
/** External ids, variants, rule ids and similar short identifiers in payloads. */
export const IDENTIFIER_MAX = 256;
/** Nodes the system indicator pass visits in one raw payload before it stops. */
export const INDICATOR_WALK_NODES_MAX = 10_000;
/** JSONata guardrails besides the timeout: evaluation depth and sequence length. */
export const TRANSPOSER_DEPTH_MAX = 1000;
export const TRANSPOSER_SEQUENCE_MAX = 100_000;

// Transforms (Armor-style transform configs) and the tag store.
/** Labels and operations in one transform config. */
export const TRANSFORM_LABELS_MAX = 100;
export const TRANSFORM_OPS_MAX = 100;
/** A key path such as `[event].provider_id`, and a label value or template. */
export const TRANSFORM_KEY_MAX = 256;
export const TRANSFORM_VALUE_MAX = 2048;
/** Earlier versions kept per organization; the oldest are dropped first. */
export const TRANSFORM_VERSIONS_MAX = 50;
/** Tag store entries per organization, and the size of each. */
export const TAG_STORE_MAX = 1000;
export const TAG_KEY_MAX = 128;
export const TAG_VALUE_MAX = 2048;

// Delivery: retry policy, circuit breaker, outgoing HTTP, destination headers, signing.
/** A delivery still failing this long after its first attempt is dead. */
export const DELIVERY_GIVE_UP_S = 24 * 60 * 60;
/** Each retry delay moves by up to ± this fraction, so deliveries that failed together do not retry in lockstep. */
export const DELIVERY_JITTER = 0.2;
/** A receiver's Retry-After (429/503) is clamped to this range before it is honoured. */
export const RETRY_AFTER_MIN_S = 1;
export const RETRY_AFTER_MAX_S = 60 * 60;
/** Outgoing request deadline: connect, headers and body together. */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** How long saving a destination waits for its host name to resolve (the address check at save time). */
export const DESTINATION_LOOKUP_TIMEOUT_MS = 5_000;
/** On stop, how long attempts in flight may finish; the rest stay pending and are sent after the next start. */
export const DELIVERY_DRAIN_MS = 10_000;
/** An attempt whose outcome could not be recorded (the store failing) is made again after this long, not at once. */
export const DELIVERY_UNRECORDED_RETRY_MS = 5_000;
/**
 * How long an instance sharing a database holds the pending deliveries it works on without
 * renewing (it renews every third of it): after that another instance takes them over.
 */
export const DELIVERY_LEASE_MS = 30_000;
/** Pending deliveries taken over per claim (a loop claims until none is left). */
export const DELIVERY_CLAIM_BATCH = 1_000;
/** Response body bytes kept in an attempt's history. */
export const DELIVERY_RESPONSE_BODY_MAX = 8 * 1024;
/** Circuit breaker: consecutive failures that open it; probe backoff doubles from MIN to MAX. */
export const CIRCUIT_FAILURE_THRESHOLD = 5;
export const CIRCUIT_PROBE_BACKOFF_MIN_MS = 30_000;
export const CIRCUIT_PROBE_BACKOFF_MAX_MS = 30 * 60 * 1000;
/** Headers a webhook destination may set (Armor: up to 25), and the longest value. */
export const DESTINATION_HEADERS_MAX = 25;
export const DESTINATION_HEADER_VALUE_MAX = 8 * 1024;
/** Random bytes in a `whsec_` signing secret (Standard Webhooks allows 24 to 64). */
export const SIGNING_SECRET_BYTES = 32;
/** verify(): largest accepted distance between webhook-timestamp and now. */
export const SIGNATURE_TOLERANCE_S = 5 * 60;
/** After a secret rotation the previous secret still signs, beside the new one, for this long by default (receivers switch without downtime). */
export const SIGNING_SECRET_GRACE_DEFAULT_S = 24 * 60 * 60;
/** The longest grace a rotation may ask for: a replaced secret must stop signing within a week. */
export const SIGNING_SECRET_GRACE_MAX_S = 7 * 24 * 60 * 60;

/** Longest public base URL (SWITCHYARD_PUBLIC_URL, --public-url, Settings); links append paths to it. */
export const PUBLIC_URL_MAX = 512;

// Chat messages: each platform's published limits (tests check every message against them).
/** Slack: a section block's text and a context element's text — https://docs.slack.dev/reference/block-kit/blocks/section-block */
export const SLACK_SECTION_TEXT_MAX = 3000;
/** Slack: a header block's plain_text — https://docs.slack.dev/reference/block-kit/blocks/header-block */
export const SLACK_HEADER_TEXT_MAX = 150;
/** Slack: a section's fields: at most 10, each at most 2000 characters (section-block reference). */
export const SLACK_FIELDS_MAX = 10;
export const SLACK_FIELD_TEXT_MAX = 2000;
/** Slack: blocks in one message — https://docs.slack.dev/messaging#payloads */
export const SLACK_BLOCKS_MAX = 50;
/** Mattermost: a post's text, 16,383 characters since server 5.0 (attachment text counts like it) — https://developers.mattermost.com/integrate/reference/message-attachments */
export const MATTERMOST_TEXT_MAX = 16_383;
/** Microsoft Teams: a message posted through a Workflows webhook, about 28 KB, else "Request Entity too large" — https://learn.microsoft.com/connectors/teams/ (known issues and limitations) */
export const TEAMS_MESSAGE_BYTES_MAX = 28 * 1024;
/** Ours: how much of an event's body (and of its tags) a chat message carries; the link leads to the rest. */
export const CHAT_BODY_TEXT_MAX = 2000;
/** Ours: the longest title a Mattermost or Teams message shows (Slack's header allows 150). */
export const CHAT_TITLE_MAX = 250;

// Destinations, deliveries and the request bin.
/** Destinations per organization (Armor: up to 25 notification configs; the 26th is a 400). */
export const DESTINATIONS_MAX = 25;
/** Deliveries one destination works on at once (one alert's still go in order); more wait in its lane. */
export const LANE_CONCURRENCY = 16;
/** Attempts kept in a delivery's history (the first and the latest). */
export const DELIVERY_ATTEMPTS_KEPT = 30;
/** Request bins, and the requests each keeps (oldest dropped first). */
export const BINS_MAX = 20;
export const BIN_REQUESTS_MAX = 200;
/** In-app notifications kept in memory for the bell (newest). */
export const NOTIFICATIONS_KEPT = 1000;

// Failure e-mail to a destination's email_for_error.
/** After a failure e-mail, further failures of that destination wait this long and go out as one digest. */
export const FAILURE_QUIET_PERIOD_S = 15 * 60;
/** Failures listed in one digest; later ones are only counted. */
export const FAILURE_DIGEST_ITEMS_MAX = 100;

// Notification rules (conditions → actions).
/** Rules per organization. */
export const RULES_MAX = 100;
/** Actions one rule may trigger. */
export const RULE_ACTIONS_MAX = 20;
/** How many of the latest events a rule dry run may replay. */
export const RULE_DRY_RUN_EVENTS_MAX = 1000;

// Store: retention (Settings) and the index snapshot.
/** Retention by age: whole segments whose newest event is older than this many days are deleted. */
export const RETENTION_MAX_AGE_DAYS_MIN = 1;
export const RETENTION_MAX_AGE_DAYS_MAX = 3650;
/** Retention by size: the oldest segments are deleted while the event log is larger (the segment being written always stays). */
export const RETENTION_MAX_BYTES_MIN = 16 * 1024 * 1024;
export const RETENTION_MAX_BYTES_MAX = 2 ** 50;
/** How often retention runs while the store is open (it also runs after a change of the policy). */
export const RETENTION_INTERVAL_MS = 10 * 60 * 1000;
/** A new index snapshot is written once this many log records were appended since the last one (and on close)… */
export const INDEX_SNAPSHOT_EVERY_RECORDS = 50_000;
/** …but not more often than this, so that a large index is not re-serialized during a burst. */
export const INDEX_SNAPSHOT_MIN_INTERVAL_MS = 60_000;

// Dashboard: a window of at most a week, cut in buckets; at most this many events counted.
export const DASHBOARD_WINDOW_MINUTES_MAX = 7 * 24 * 60;
export const DASHBOARD_BUCKETS = 30;
export const DASHBOARD_SCAN_MAX = 50_000;

/** The UI's first load (login link → Dashboard, empty cache) transfers at most this much (test/e2e/lean-ui.test.ts). */
export const FIRST_LOAD_BUDGET_BYTES = 350 * 1024;
