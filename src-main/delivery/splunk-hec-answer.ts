// A Splunk HEC says what was wrong in its answer ({"text","code"}); a failed attempt to one
// records that as its error, so the history reads "HEC code 7 (Incorrect index)", not a bare 400.
import { describeHecAnswer } from '../core/splunk-hec-codes';
import type { SendResult } from './http-sender';

export function withHecAnswer(result: SendResult): SendResult {
  if (result.ok || result.error) return result;
  const said = describeHecAnswer(result.body);
  return said ? { ...result, error: said } : result;
}
