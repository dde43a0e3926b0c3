// Answers of the transform routes beyond the config records (src-main/core/transform/types.ts):
// a preview's rendering and the diff between two versions. Types only.

/** POST /api/transform/preview: what the renderer (core/transform/render.ts) produced. */
export interface TransformPreview {
  /** default: the records; splunk: one `{time, sourcetype: '_json', event}` envelope per record. */
  payload: unknown[];
  /** Names of `{{placeholders}}` that resolved nowhere; their keys were left out. */
  unresolved: string[];
  /** Everything else a preview should say: keys left out or blocked, missing times. */
  notes: string[];
}

/** One changed value between two versions. */
export interface TransformChange {
  /** `name`, `default_label[1].value`, …; `before`/`after` are undefined (absent in JSON) where absent. */
  path: string;
  before: unknown;
  after: unknown;
}

/** GET /api/transform/diff. */
export interface TransformDiff {
  changes: TransformChange[];
}
