// The opaque cursor of event lists (the sequence number of the last item shown) and the page
// size rule, shared by the stores so that a cursor means the same to both.
import { ValidationError } from '../core/errors';
import { PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX } from '../limits';

export function encodeCursor(seq: number): string {
  return Buffer.from(`s${seq}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, max: number): number {
  const m = /^s(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  const seq = m ? Number(m[1]) : NaN;
  if (!Number.isSafeInteger(seq) || seq > max) throw new ValidationError(['cursor: not a cursor from this list']);
  return seq;
}

export function pageLimit(limit: number): number {
  if (!Number.isFinite(limit)) return PAGE_SIZE_DEFAULT;
  return Math.min(PAGE_SIZE_MAX, Math.max(1, Math.floor(limit)));
}
