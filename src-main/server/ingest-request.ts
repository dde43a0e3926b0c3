// One ingest request, whichever endpoint answers it: rate limit, read the body, hand it to
// the pipeline, count the outcome. The endpoints shape their own answers (ours, or Splunk's).
import type { Context } from 'koa';
import { DomainError } from '../core/errors';
import type { Dialect } from '../core/types';
import type { Accepted } from '../pipeline/accept';
import { StoreOverloadedError, StoreUnavailableError } from '../store/types';
import type { Principal } from './auth';
import type { ServerDeps } from './deps';
import { HttpError } from './http-error';
import { ingestRequest } from './request-meta';

function outcomeOf(err: unknown): string {
  if (err instanceof HttpError) return err.status === 429 ? 'rate_limited' : 'rejected';
  // The pipeline refused the body (InvalidSubmission, IdConflict).
  if (err instanceof DomainError) return 'rejected';
  if (err instanceof StoreOverloadedError || err instanceof StoreUnavailableError) return 'overloaded';
  return 'failed';
}

/** `readBody` runs after the rate limit, so a refused request costs no parsing. */
export async function acceptRequest(
  ctx: Context, deps: ServerDeps, dialect: Dialect, principal: Principal, path: string, readBody: () => Promise<unknown>,
): Promise<Accepted> {
  try {
    const wait = deps.limiter.take(principal.rateKey);
    if (wait) throw new HttpError(429, [`rate: over this key's limit of ${deps.limiter.perSecond} requests/s; retry after ${wait}s`], { 'Retry-After': String(wait) });
    const body = await readBody();
    return await deps.pipeline.accept({
      dialect, body, organization: principal.organization, source: principal.source, request: ingestRequest(ctx, principal, path),
    });
  } catch (err) {
    deps.metrics.events.inc({ dialect, outcome: outcomeOf(err) });
    throw err;
  }
}
