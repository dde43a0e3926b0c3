// Timestamps as payloads write them, and the severities they may name: leaf definitions the
// normalizers and the request schemas share (without importing each other).

/** The severities a payload may name (Calseta spelling); `pending` is only ever a default. */
export const SEVERITY_NAMES = ['Informational', 'Low', 'Medium', 'High', 'Critical'] as const;

const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?)?$/;

/**
 * ISO 8601 date or date-time (`2025-01-15`, `2025-01-15T10:28:00Z`, fractions of any length,
 * offsets `+02:00`/`+0200`/`+02`; no offset means UTC) → canonical `toISOString()`; null if invalid.
 */
export function parseTimestamp(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  // The request schema checks a timestamp, then the normalizer parses the same string again.
  if (value === last.value) return last.parsed;
  const parsed = parse(value);
  last = { value, parsed };
  return parsed;
}

let last: { value: string | undefined; parsed: string | null } = { value: undefined, parsed: null };

function parse(value: string): string | null {
  const m = ISO_8601.exec(value);
  if (!m) return null;
  const [year, month, day, hour = 0, minute = 0, second = 0] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((x) => (x === undefined ? undefined : Number(x)));
  if (year === undefined || month === undefined || day === undefined) return null;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return null;
  let offsetMinutes = 0;
  const zone = m[8];
  if (zone && zone !== 'Z' && zone !== 'z') {
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2)) : 0;
    if (oh > 23 || om > 59) return null;
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day); // setUTCFullYear keeps years below 100 literal
  date.setUTCHours(hour, minute - offsetMinutes, second, ms);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

export function isIsoTimestamp(value: string): boolean {
  return parseTimestamp(value) !== null;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
