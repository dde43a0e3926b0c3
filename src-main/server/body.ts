// Request bodies: content type checked, size limited before parsing (and while inflating
// gzip), JSON parsed strictly (UTF-8, position of a syntax error, bounded depth).
import type { Context } from 'koa';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import getRawBody from 'raw-body';
import { parseJsonBody } from '../core/json-body';
import { BODY_LIMIT_BYTES } from '../limits';
import { HttpError } from './http-error';

export interface BodyOptions {
  /** Take any content type (the request bin stores whatever arrives; HEC ignores it, as Splunk does). */
  anyType?: boolean;
  /** Inflate `Content-Encoding: gzip` (HEC senders compress); the limit holds for the inflated bytes too. */
  gzip?: boolean;
  limit?: number;
}

const gunzipAsync = promisify(gunzip);

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
  const raw = await readLimited(ctx, limit);
  return opts.gzip ? inflate(ctx.get('content-encoding'), raw, limit) : raw;
}

async function readLimited(ctx: Context, limit: number): Promise<Buffer> {
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

/** Inflation stops as soon as the output passes the limit, so a small bomb costs little. */
async function inflate(header: string, raw: Buffer, limit: number): Promise<Buffer> {
  const encoding = header.trim().toLowerCase();
  if (encoding === '' || encoding === 'identity') return raw;
  if (encoding !== 'gzip' && encoding !== 'x-gzip') {
    throw new HttpError(415, [`content-encoding: "${encoding}" is not supported; send the body as is or gzip-compressed`]);
  }
  try {
    return await gunzipAsync(raw, { maxOutputLength: limit });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new HttpError(413, [`body: larger than the limit of ${limit} bytes once decompressed`]);
    throw new HttpError(400, ['body: is not valid gzip data']);
  }
}

export async function readJson(ctx: Context, opts: BodyOptions = {}): Promise<unknown> {
  const raw = await readRawBody(ctx, opts);
  const parsed = parseJsonBody(raw);
  if (!parsed.ok) throw new HttpError(400, parsed.errors);
  return parsed.value;
}

/** A JSON body where one is optional: undefined when the request carries none (no Content-Length or 0, not chunked). */
export async function readOptionalJson(ctx: Context, opts: BodyOptions = {}): Promise<unknown> {
  const hasBody = Number(ctx.get('content-length') || 0) > 0 || ctx.get('transfer-encoding') !== '';
  return hasBody ? readJson(ctx, opts) : undefined;
}
