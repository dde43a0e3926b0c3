// Transform configs (Armor "Detections Transform Config"), their saved versions and the
// per-organization tag store that `{{name}}` placeholders resolve from. Plain data only.
import type { EventType } from '../types';

export const TRANSFORM_FORMATS = ['default', 'splunk'] as const;
export type TransformFormat = (typeof TRANSFORM_FORMATS)[number];

export const TRANSFORM_OP_TYPES = ['add_dynamic_tag', 'remove_dynamic_tag', 'add_log_search_url'] as const;
export type TransformOpType = (typeof TRANSFORM_OP_TYPES)[number];

/** Armor's documentation writes the event types with spaces; bodies may use either spelling. */
export const EVENT_TYPE_SPELLINGS = [
  'security_incident', 'security_detection', 'security_event',
  'security incident', 'security detection', 'security event',
] as const;
export type EventTypeSpelling = (typeof EVENT_TYPE_SPELLINGS)[number];

/** One step of a key path: letters, digits, `_ $ @ -`. Dots and brackets separate steps. */
export const KEY_NAME_SOURCE = '[A-Za-z0-9_$@-]+';
/** A key: `name`, or bracket steps then dotted steps (`[event].provider_id`, `[a][b].c`). */
export const KEY_PATH_SOURCE = `^(?:${KEY_NAME_SOURCE}|(?:\\[${KEY_NAME_SOURCE}\\])+(?:\\.${KEY_NAME_SOURCE})+)$`;
/** What a key path must look like, in words (the schema's message for KEY_PATH_SOURCE). */
export const KEY_PATH_MESSAGE = 'must be a field name or a bracket path such as [event].provider_id';
/** Names that would reach Object.prototype when written as a field. */
export const RESERVED_KEY_NAMES: readonly string[] = ['__proto__', 'constructor', 'prototype'];

/** A fixed value added to every record; `key` is a key path (`name` or `[event].name`). */
export interface TransformLabel {
  key: string;
  value: string;
}

export type TransformOp =
  /** `value` is a template: `{{name}}` resolves from the tag store, then from the record. */
  | { type: 'add_dynamic_tag'; key: string; value: string }
  /** Deletes `key` and keeps every later label or operation from writing it. */
  | { type: 'remove_dynamic_tag'; key: string; value?: null }
  /** `value` names a field of the record; `key` gets the search URL for that field's value. */
  | { type: 'add_log_search_url'; key: string; value: string };

/** The request body (POST /v1/accounts/{org}/transform), as Armor documents it. */
export interface TransformBody {
  name: string;
  format: TransformFormat;
  event_type: EventTypeSpelling[];
  default_label?: TransformLabel[];
  transform?: TransformOp[];
}

export interface TransformConfig {
  id: string;
  organization: string;
  name: string;
  format: TransformFormat;
  /** Normalized to the underscore spelling, without duplicates. */
  event_type: EventType[];
  default_label: TransformLabel[];
  transform: TransformOp[];
  /** 1 on create; every replace or rollback adds one. */
  version: number;
  created_at: string;
  updated_at: string;
}

/** A config as it was before a replace or rollback. */
export interface TransformVersion {
  version: number;
  config: TransformConfig;
  saved_at: string;
}

export interface TagStoreEntry {
  organization: string;
  key: string;
  value: string;
}

/** The part of the configuration the transform operations work on. */
export interface TransformsConfig {
  transforms: TransformConfig[];
  transform_versions: TransformVersion[];
  tags: TagStoreEntry[];
}
