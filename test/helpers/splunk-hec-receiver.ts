// What a Splunk HEC makes of a request body: top-level JSON values back to back, split by
// a third-party streaming parser (@streamparser/json, which reads concatenated JSON), each
// of which must be an envelope object with an `event`. A JSON array is not a batch to
// Splunk: it is refused as invalid data format. Answers in Splunk's {"text","code"} shape.
import { JSONParser } from '@streamparser/json';
import type { Answer, Received } from './receiver';

/** The top-level values of a body as Splunk reads them, or the parser's complaint. */
export function hecValues(body: string): { values: unknown[]; error: string | null } {
  const values: unknown[] = [];
  const parser = new JSONParser({ separator: '', paths: ['$'] });
  parser.onValue = ({ value }) => void values.push(value);
  try {
    parser.write(body);
    parser.end();
    return { values, error: null };
  } catch (err) {
    return { values, error: (err as Error).message };
  }
}

const answer = (status: number, body: Record<string, unknown>): Answer => ({ status, body: JSON.stringify(body) });

export function splunkHecAnswer(req: Received): Answer {
  const { values, error } = hecValues(req.body);
  if (error) return answer(400, { text: 'Invalid data format', code: 6, 'invalid-event-number': values.length });
  if (values.length === 0) return answer(400, { text: 'No data', code: 5 });
  for (const [i, v] of values.entries()) {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return answer(400, { text: 'Invalid data format', code: 6, 'invalid-event-number': i });
    if (!('event' in v)) return answer(400, { text: 'Event field is required', code: 12, 'invalid-event-number': i });
  }
  return answer(200, { text: 'Success', code: 0 });
}
