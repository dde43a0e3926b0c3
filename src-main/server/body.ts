// Request bodies: content type checked, size limited before parsing, JSON parsed
// strictly (UTF-8, position of a syntax error, bounded depth).
import type { Context } from 'koa';
import getRawBody from 'raw-body';
import { parseJsonBody } from '../core/json-body';
import { BODY_LIMIT_BYTES } from '../limits';
import { HttpError } from './http-error';

export interface BodyOptions {
  /**
   * Take any content type: the request bin stores whatever arrives, and Splunk HEC ignores it
   * (senders omit it, send text/plain, or curl's default application/x-www-form-urlencoded).
   */
  anyType?: boolean;
  /** Accept objects back to back (HEC). */
  concatenated?: boolean;
  limit?: number;
}

function isJsonType(type: string): boolean {
  return type === 'application/json' || /^application\/[\w.+-]+\+json$/.test(type);
}

export async function readRawBody(ctx: Context, opts: BodyOptions = {}): Promise<Buffer> {
  const type = (ctx.get('content-type').split(';')[0] ?? '').trim().toLowerCase();
  const typeOk = opts.anyType || isJsonType(type);
  if (!typeOk) {
    throw new HttpError(415, [`content-type: expected application/json, got ${type ? `"${type}"` : 'none'}; send -H 'Content-Type: application/json'`]);
  }
  const limit = opts.limit ?? BODY_LIMIT_BYTES;
  try {
    return await getRawBody(ctx.req, { length: ctx.get('content-length') || undefined, limit });
  } catch (err) {
    const e = err as { type?: string; status?: number };
    if (e.type === 'entity.too.large') {
      ctx.set('Connection', 'close');
      throw new HttpError(413, [`body: larger than the limit of ${limit} bytes`]);
    }
    if (e.type === 'request.aborted') throw new HttpError(400, ['body: the request was aborted before the body was complete']);
    if (e.type === 'request.size.invalid') throw new HttpError(400, ['body: shorter or longer than its Content-Length']);
    throw err;
  }
}

export async function readJson(ctx: Context, opts: BodyOptions = {}): Promise<unknown> {
  const raw = await readRawBody(ctx, opts);
  const parsed = parseJsonBody(raw, { concatenated: opts.concatenated });
  if (!parsed.ok) throw new HttpError(400, parsed.errors);
  return parsed.value;
}
