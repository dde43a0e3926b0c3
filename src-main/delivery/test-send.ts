// "Send test": one attempt made at once, straight through the sender (or the mailer), its
// outcome answered to the caller. It does not go through the delivery queue: a person
// asking whether a destination works gets the answer within the request timeout, not a
// pending delivery behind retries or an open circuit. Nothing is recorded or retried.
import { randomUUID } from 'node:crypto';
import { DELIVERED_KINDS, type Destination } from '../core/destination-types';
import { ValidationError } from '../core/errors';
import { maskHeaders } from './headers';
import type { TestSendResult } from '../../src-shared/outgoing';
import type { NormalizedEvent } from '../core/types';
import { mattermostMessage, slackMessage, teamsMessage, type ChatFacts } from './chat-messages';
import type { Sender } from './http-sender';
import type { Mailer } from './mailer';
import { outgoingHeaders } from './outgoing-request';
import { withHecAnswer } from './splunk-hec-answer';

export type { TestSendResult };

export interface TestSendDeps {
  sender: Sender;
  mailer: () => Mailer | null;
  now: () => Date;
  /** The public base URL: chat messages link to the destination's page. */
  baseUrl: () => string;
}

export async function sendTestNow(dest: Destination, deps: TestSendDeps): Promise<TestSendResult> {
  if (!DELIVERED_KINDS.includes(dest.kind)) throw new ValidationError([`kind: ${dest.kind} destinations have nothing to send a test to`]);
  const at = deps.now();
  const payload = { test: true, title: 'Switchyard test delivery', destination: dest.name, sent_at: at.toISOString() };
  if (dest.kind === 'email') {
    const request = { url: `mailto:${dest.email_to}`, headers: { subject: '[Switchyard] Test delivery' } };
    const mailer = deps.mailer();
    if (!mailer) return { ok: false, status: null, duration_ms: 0, response_excerpt: null, error_class: 'other', error: 'SMTP is not configured: set it in Settings', request };
    const t0 = performance.now();
    const sent = await mailer.send({ to: dest.email_to!, subject: request.headers.subject, text: `This is a test delivery to "${dest.name}" from Switchyard.` });
    const duration_ms = Math.round(performance.now() - t0);
    return sent.ok
      ? { ok: true, status: null, duration_ms, response_excerpt: sent.message_id, error_class: null, error: null, request }
      : { ok: false, status: null, duration_ms, response_excerpt: null, error_class: 'connection', error: sent.error, request };
  }
  const body = testBody(dest, payload, `${deps.baseUrl()}/#/destinations/${encodeURIComponent(dest.id)}`);
  const headers = outgoingHeaders(dest, `test_${randomUUID()}`, body, at);
  const sent = await deps.sender.send({ url: dest.uri!, method: 'POST', headers, body });
  // A HEC's {text, code} refusal is the error, as for deliveries.
  const result = dest.kind === 'splunk_hec' ? withHecAnswer(sent) : sent;
  return {
    ok: result.ok,
    status: result.status ?? null,
    duration_ms: result.duration_ms,
    response_excerpt: result.body ?? null,
    error_class: result.error_class ?? null,
    error: result.error ?? null,
    request: { url: dest.uri!, headers: maskHeaders(headers) },
  };
}

/** The test payload in the form the destination's receiver reads: HEC envelopes, each chat platform's message, or our records. */
function testBody(dest: Destination, payload: { title: string; destination: string; sent_at: string }, link: string): string {
  if (dest.kind === 'splunk_hec') return JSON.stringify({ event: payload, sourcetype: 'switchyard:test' });
  const chat = CHAT_MESSAGES[dest.kind];
  if (!chat) return JSON.stringify([payload]);
  // The fields chat messages show of an event (chat-messages.ts reads no other).
  const event = {
    id: 'test', title: payload.title, severity: 'informational', status: 'OPEN', source_name: 'Switchyard',
    body: `A test delivery to "${payload.destination}" at ${payload.sent_at}.`, tags: [],
  } as Pick<NormalizedEvent, 'id' | 'title' | 'severity' | 'status' | 'source_name' | 'body' | 'tags'>;
  return JSON.stringify(chat({ event: event as NormalizedEvent, link, alertShortId: null }));
}

const CHAT_MESSAGES: Partial<Record<Destination['kind'], (f: ChatFacts) => unknown>> = { slack: slackMessage, mattermost: mattermostMessage, teams: teamsMessage };
