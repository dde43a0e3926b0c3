// Every failure leaves as {"errors": [...]} with the right status; nothing leaks a stack.
import type { Middleware } from 'koa';
import { ConflictError, DomainError, LimitError, NotFoundError, ValidationError } from '../../core/errors';
import { OVERLOAD_RETRY_AFTER_S } from '../../limits';
import type { Logger } from '../../logger';
import { IdConflict, InvalidSubmission } from '../../pipeline/errors';
import { StoreOverloadedError, StoreUnavailableError } from '../../store/types';
import { HttpError } from '../http-error';

/** The status of each domain error; any other is bad input (400). */
const DOMAIN_STATUS: [abstract new (...args: never[]) => DomainError, number][] = [
  [NotFoundError, 404],
  [ConflictError, 409],
  [ValidationError, 400],
  [LimitError, 400],
  [InvalidSubmission, 400],
  // A submitted event's raw.id taken by another organization: a field of the body is refused.
  [IdConflict, 400],
];

/** The answer a known failure gets (status, errors, headers), or null for an unexpected one (a 500). */
export function errorAnswer(err: unknown): { status: number; errors: string[]; headers: Record<string, string> } | null {
  if (err instanceof HttpError) return { status: err.status, errors: err.errors, headers: err.headers };
  if (err instanceof DomainError) {
    const status = DOMAIN_STATUS.find(([kind]) => err instanceof kind)?.[1] ?? 400;
    return { status, errors: err.errors, headers: {} };
  }
  const retry = { 'Retry-After': String(OVERLOAD_RETRY_AFTER_S) };
  if (err instanceof StoreOverloadedError) return { status: 503, errors: [`store: ${err.message}; retry shortly`], headers: retry };
  if (err instanceof StoreUnavailableError) {
    const fix = err.where === 'database'
      ? 'store: the change could not be written to the database; check that PostgreSQL is running and reachable, then retry'
      : 'store: the change could not be written to disk; check free space and permissions of the data directory, then retry';
    return { status: 503, errors: [fix], headers: retry };
  }
  // Errors raised by Koa itself or its helpers (ctx.throw) carry an expose flag and a status.
  const e = err as { status?: number; expose?: boolean; message?: string };
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500 && e.expose) return { status: e.status, errors: [`request: ${e.message}`], headers: {} };
  return null;
}

export function errorHandler(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body == null) {
        ctx.status = 404;
        ctx.body = { errors: [`path: no endpoint ${ctx.method} ${ctx.path}; see /openapi.json`] };
      } else if (ctx.status === 405 && ctx.body == null) {
        ctx.status = 405;
        ctx.body = { errors: [`method: ${ctx.method} is not allowed on ${ctx.path}; allowed: ${ctx.response.get('Allow')}`] };
      }
    } catch (err) {
      const mapped = errorAnswer(err);
      if (!mapped) logger.error('request failed', { method: ctx.method, path: ctx.path, err });
      const { status, errors, headers } = mapped ?? { status: 500, errors: ['server: internal error; see the appliance log'], headers: {} };
      ctx.status = status;
      ctx.set(headers);
      ctx.body = { errors };
    }
  };
}
