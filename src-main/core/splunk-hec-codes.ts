// Splunk HTTP Event Collector answers: `{"text", "code"}` with the status codes of Splunk's
// "Troubleshoot HTTP Event Collector" table (code → HTTP status → text). Inbound HEC answers
// with these; outbound deliveries to a Splunk HEC read them. Pure data and text.

export const HEC_CODES = {
  0: { status: 200, text: 'Success' },
  2: { status: 401, text: 'Token is required' },
  3: { status: 401, text: 'Invalid authorization' },
  4: { status: 403, text: 'Invalid token' },
  5: { status: 400, text: 'No data' },
  6: { status: 400, text: 'Invalid data format' },
  8: { status: 500, text: 'Internal server error' },
  9: { status: 503, text: 'Server is busy' },
  11: { status: 400, text: 'Invalid data channel' },
  12: { status: 400, text: 'Event field is required' },
  13: { status: 400, text: 'Event field cannot be blank' },
  14: { status: 400, text: 'ACK is disabled' },
  16: { status: 400, text: 'Query string authorization is not enabled' },
  17: { status: 200, text: 'HEC is healthy' },
  18: { status: 503, text: 'HEC is unhealthy, queues are full' },
  // Not in the table, but what Splunk answers for a path it does not serve.
  404: { status: 404, text: 'The requested URL was not found on this server.' },
} as const;

export type HecCode = keyof typeof HEC_CODES;

/** Splunk's answer body; `invalid-event-number` counts events from 0 in the request. */
export interface HecAnswer {
  text: string;
  code: number;
  'invalid-event-number'?: number;
}

export function hecAnswer(code: HecCode, invalidEventNumber?: number): HecAnswer {
  return { text: HEC_CODES[code].text, code, ...(invalidEventNumber === undefined ? {} : { 'invalid-event-number': invalidEventNumber }) };
}

/**
 * What a HEC server's answer says, for an attempt's history: `HEC code 6 (Invalid data
 * format), invalid-event-number 2`. Null for success (code 0) or a body that is not a HEC answer.
 */
export function describeHecAnswer(body: string | undefined): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body ?? '');
  } catch {
    return null;
  }
  if (parsed === null || typeof parsed !== 'object') return null;
  const { code, text } = parsed as Record<string, unknown>;
  if (typeof code !== 'number' || code === 0) return null;
  const number = (parsed as Record<string, unknown>)['invalid-event-number'];
  const what = typeof text === 'string' && text ? ` (${text})` : '';
  return `HEC code ${code}${what}${typeof number === 'number' ? `, invalid-event-number ${number}` : ''}`;
}
