// E-mail: the SMTP transport (nodemailer), event e-mails for `email` destinations (simple =
// a link, enriched = contextual information) and the failure e-mail to `email_for_error`,
// rate-limited to one message per destination per quiet period followed by one digest.
// Nothing here throws for SMTP trouble: callers get results they can record.
import type { SmtpSettings } from '../../src-shared/settings';
import { isIP } from 'node:net';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import type { Transporter } from 'nodemailer';
import type { NormalizedEvent } from '../core/types';
import { FAILURE_DIGEST_ITEMS_MAX, FAILURE_QUIET_PERIOD_S } from '../limits';

export type { SmtpSettings };

/** Settings safe to log or return from the API: the password is never shown. */
export function maskSmtp(settings: SmtpSettings): SmtpSettings {
  return { ...settings, password: settings.password === null ? null : '***' };
}

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export type SendMailResult = { ok: true; message_id: string } | { ok: false; error: string };

export interface Mailer {
  send(message: MailMessage): Promise<SendMailResult>;
  verify(): Promise<{ ok: boolean; error?: string }>;
  close(): void;
}

/** Short deadlines: a stuck SMTP server must not hold a delivery lane for minutes (nodemailer's defaults are 2 min / 30 s / 10 min). */
const CONNECTION_TIMEOUT_MS = 5_000;
const GREETING_TIMEOUT_MS = 5_000;
const SOCKET_TIMEOUT_MS = 10_000;
const SUBJECT_MAX = 200;

export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  return h.startsWith('::ffff:127.');
}

export function createMailer(settings: SmtpSettings): Mailer {
  const loopback = isLoopbackHost(settings.host);
  const options: SMTPPool.Options = {
    pool: true,
    maxConnections: 2,
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    // Without implicit TLS: a loopback relay (a local MTA, a test server) often offers no
    // usable certificate, so STARTTLS is skipped there — the traffic never leaves the host.
    // Anywhere else STARTTLS is required so credentials and alert content are never sent in
    // the clear and a stripped STARTTLS offer fails instead of silently downgrading.
    ignoreTLS: !settings.secure && loopback,
    requireTLS: !settings.secure && !loopback,
    tls: { rejectUnauthorized: settings.rejectUnauthorized ?? true },
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    greetingTimeout: GREETING_TIMEOUT_MS,
    socketTimeout: SOCKET_TIMEOUT_MS,
    ...(settings.user !== null ? { auth: { user: settings.user, pass: settings.password ?? '' } } : {}),
  };
  // nodemailer is loaded when SMTP is first used, not at every start-up (~50 ms of module loading).
  let created: Promise<Transporter> | null = null;
  const transport = () => (created ??= import('nodemailer').then((m) => m.default.createTransport(options)));
  const describe = (err: unknown): string => describeSmtpError(err, settings);

  return {
    async send(message) {
      try {
        const info = await (await transport()).sendMail({
          from: settings.from,
          to: message.to,
          subject: oneLine(message.subject, SUBJECT_MAX),
          text: message.text,
          ...(message.html !== undefined ? { html: message.html } : {}),
        });
        return { ok: true, message_id: String(info.messageId ?? '') };
      } catch (err) {
        return { ok: false, error: describe(err) };
      }
    },
    async verify() {
      try {
        await (await transport()).verify();
        return { ok: true };
      } catch (err) {
        return { ok: false, error: describe(err) };
      }
    },
    close() {
      void created?.then((t) => t.close(), () => undefined); // a transport that failed to load has nothing to close
    },
  };
}

/** `SMTP host:port: CODE: message`, with the password scrubbed in case a server echoes it. */
function describeSmtpError(err: unknown, settings: SmtpSettings): string {
  const e = err as { code?: unknown; message?: unknown; responseCode?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : null;
  let message = typeof e?.message === 'string' ? e.message : String(err);
  if (settings.password) message = message.split(settings.password).join('***');
  // nodemailer wraps socket errors as ESOCKET/ETIMEDOUT/EAUTH; name the common cases plainly.
  const detail = [code, message].filter(Boolean).join(': ');
  const reason = /ECONNREFUSED/.test(detail) ? 'connection refused'
    : /ETIMEDOUT|timeout/i.test(detail) ? 'timed out'
      : code === 'EAUTH' ? 'authentication failed'
        : /ENOTFOUND|EAI_AGAIN/.test(detail) ? 'host not found'
          : null;
  return `SMTP ${settings.host}:${settings.port}: ${reason ? `${reason} (${detail})` : detail}`;
}

// ---- content ----

/** Header-safe single line: CR/LF would otherwise let event text forge headers. */
function oneLine(s: string, max: number): string {
  const flat = s.replace(/[\r\n\t]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Only http(s) links become anchors, so event data cannot plant a javascript: URL. */
function htmlLink(link: string): string {
  return /^https?:\/\//i.test(link) ? `<a href="${escapeHtml(link)}">${escapeHtml(link)}</a>` : escapeHtml(link);
}

export function eventEmail(
  event: NormalizedEvent,
  opts: { enriched: boolean; link: string },
): { subject: string; text: string; html: string } {
  const severity = event.severity.toUpperCase();
  const subject = oneLine(`[Switchyard] [${severity}] ${event.title}`, SUBJECT_MAX);
  const text: string[] = [event.title, '', `Severity: ${event.severity}`];
  const rows: [string, string][] = [['Severity', event.severity]];
  if (opts.enriched) {
    const source = event.source_name && event.source_name !== event.source ? `${event.source_name} (${event.source})` : event.source;
    const enriched: [string, string][] = [
      ['Source', source],
      ['Occurred at', event.occurred_at],
      ['Tags', event.tags.length ? event.tags.join(', ') : '-'],
    ];
    rows.push(...enriched);
    for (const [k, v] of enriched) text.push(`${k}: ${v}`);
    if (event.indicators.length) {
      text.push('', 'Indicators:', ...event.indicators.map((i) => `  ${i.type}: ${i.value}`));
    }
    if (event.body) text.push('', event.body);
  }
  text.push('', `Open: ${opts.link}`);

  const html: string[] = [`<h2>${escapeHtml(event.title)}</h2>`, '<table>'];
  for (const [k, v] of rows) html.push(`<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`);
  html.push('</table>');
  if (opts.enriched) {
    if (event.indicators.length) {
      html.push('<h3>Indicators</h3><ul>');
      for (const i of event.indicators) html.push(`<li>${escapeHtml(i.type)}: <code>${escapeHtml(i.value)}</code></li>`);
      html.push('</ul>');
    }
    if (event.body) html.push(`<pre style="white-space:pre-wrap">${escapeHtml(event.body)}</pre>`);
  }
  html.push(`<p>${htmlLink(opts.link)}</p>`);
  return { subject, text: text.join('\n'), html: html.join('\n') };
}

export interface FailureDetails {
  destination_name: string;
  error: string;
  attempt?: number;
  at: Date;
  link: string;
}

/** The single-failure e-mail: which destination, what failed, which attempt, where to look. */
export function failureNotice(d: FailureDetails): { subject: string; text: string } {
  const attempt = d.attempt !== undefined ? `, attempt ${d.attempt}` : '';
  return {
    subject: oneLine(`[Switchyard] Destination ${d.destination_name} failed`, SUBJECT_MAX),
    text: [
      `Destination ${d.destination_name} failed: ${d.error}${attempt}`,
      `At: ${d.at.toISOString()}`,
      `Details: ${d.link}`,
    ].join('\n'),
  };
}

// ---- failure notifier ----

export interface FailureDestination {
  id: string;
  name: string;
  email_for_error: string | null;
}

export interface DeliveryFailure {
  delivery_id: string;
  error: string;
  at: Date;
  attempt?: number;
}

export interface FailureNotifierOptions {
  /** Usually `mailer.send`; any transport works (tests pass a stub). */
  send: (message: MailMessage) => Promise<SendMailResult>;
  quietPeriodS?: number;
  now?: () => Date;
  /** Where a failed delivery can be inspected. */
  link?: (destinationId: string, deliveryId: string) => string;
}

interface PeriodState {
  destination: FailureDestination;
  started_ms: number;
  queued: DeliveryFailure[];
  /** Failures beyond FAILURE_DIGEST_ITEMS_MAX: counted, not listed. */
  dropped: number;
}

export class FailureNotifier {
  private readonly periods = new Map<string, PeriodState>();
  private readonly sendMail: FailureNotifierOptions['send'];
  private readonly quietMs: number;
  private readonly clock: () => Date;
  private readonly linkFor: (destinationId: string, deliveryId: string) => string;

  constructor(opts: FailureNotifierOptions) {
    this.sendMail = opts.send;
    this.quietMs = (opts.quietPeriodS ?? FAILURE_QUIET_PERIOD_S) * 1000;
    this.clock = opts.now ?? (() => new Date());
    this.linkFor = opts.link ?? ((dest, id) => `/destinations/${encodeURIComponent(dest)}/deliveries/${encodeURIComponent(id)}`);
  }

  /**
   * 'sent': the first failure of a quiet period, mailed at once. 'queued': held for the digest
   * (also when the immediate mail could not be sent, so it is not lost). 'skipped': no address.
   */
  async notify(destination: FailureDestination, failure: DeliveryFailure): Promise<'sent' | 'queued' | 'skipped'> {
    if (!destination.email_for_error) return 'skipped';
    const now = this.clock().getTime();
    let state = this.periods.get(destination.id);
    // A period that ended with failures still waiting: the digest goes first, which starts
    // the next period, so this failure joins that one rather than causing a second mail.
    if (state && state.queued.length && now >= state.started_ms + this.quietMs) {
      await this.flushOne(state, now);
      state = this.periods.get(destination.id);
    }
    if (state && now < state.started_ms + this.quietMs) {
      state.destination = destination;
      this.enqueue(state, failure);
      return 'queued';
    }
    // Claim the period before awaiting, so concurrent failures queue instead of all mailing.
    const fresh: PeriodState = { destination, started_ms: now, queued: [], dropped: 0 };
    this.periods.set(destination.id, fresh);
    const notice = failureNotice({
      destination_name: destination.name,
      error: failure.error,
      attempt: failure.attempt,
      at: failure.at,
      link: this.linkFor(destination.id, failure.delivery_id),
    });
    const result = await this.trySend({ to: destination.email_for_error, ...notice });
    if (result) return 'sent';
    this.enqueue(fresh, failure);
    return 'queued';
  }

  /** Sends one digest per destination whose quiet period is over and has failures waiting. Returns how many were sent. */
  async flush(now: Date = this.clock()): Promise<number> {
    const t = now.getTime();
    let sent = 0;
    for (const state of [...this.periods.values()]) {
      if (t < state.started_ms + this.quietMs) continue;
      if (state.queued.length === 0) {
        // Quiet period over with nothing to report: the next failure is mailed at once.
        this.periods.delete(state.destination.id);
        continue;
      }
      if (await this.flushOne(state, t)) sent++;
    }
    return sent;
  }

  /** Failures waiting for a destination's digest (for the UI and tests). */
  pending(destinationId: string): number {
    const s = this.periods.get(destinationId);
    return s ? s.queued.length + s.dropped : 0;
  }

  private enqueue(state: PeriodState, failure: DeliveryFailure): void {
    if (state.queued.length < FAILURE_DIGEST_ITEMS_MAX) state.queued.push(failure);
    else state.dropped++;
  }

  private async flushOne(state: PeriodState, nowMs: number): Promise<boolean> {
    const { destination } = state;
    const items = state.queued;
    const dropped = state.dropped;
    // A digest also starts a new quiet period; take the items first so failures arriving
    // while it is being sent land in the next digest.
    state.started_ms = nowMs;
    state.queued = [];
    state.dropped = 0;
    const to = destination.email_for_error;
    if (!to) return false;
    const total = items.length + dropped;
    const lines = items.map((f) => {
      const attempt = f.attempt !== undefined ? `, attempt ${f.attempt}` : '';
      return `- ${f.at.toISOString()} delivery ${f.delivery_id}: ${oneLine(f.error, 500)}${attempt} — ${this.linkFor(destination.id, f.delivery_id)}`;
    });
    if (dropped) lines.push(`- ... and ${dropped} more`);
    const ok = await this.trySend({
      to,
      subject: oneLine(`[Switchyard] Destination ${destination.name}: ${total} more failure${total === 1 ? '' : 's'}`, SUBJECT_MAX),
      text: [`Destination ${destination.name} failed ${total} more time${total === 1 ? '' : 's'} since the last e-mail:`, '', ...lines].join('\n'),
    });
    if (!ok) {
      // Keep them for the next period's digest rather than losing them (bounded by the cap).
      for (const f of items) this.enqueue(state, f);
      state.dropped += dropped;
    }
    return ok;
  }

  private async trySend(message: MailMessage): Promise<boolean> {
    try {
      return (await this.sendMail(message)).ok;
    } catch {
      return false;
    }
  }
}
