// Appliance settings: SMTP (password write-only) with a test e-mail; event retention; the
// organization's search URL template (set in routes/transform.ts).
import { parsePublicUrl, PUBLIC_URL_SETTING, savedPublicUrl } from '../../core/public-url';
import { searchUrlTemplate } from '../../core/transform/config-ops';
import { maskSmtp, type SmtpSettings } from '../../delivery/mailer';
import { PUBLIC_URL_MAX, RETENTION_MAX_AGE_DAYS_MAX, RETENTION_MAX_AGE_DAYS_MIN, RETENTION_MAX_BYTES_MAX, RETENTION_MAX_BYTES_MIN } from '../../limits';
import type { RetentionPolicy } from '../../store/types';
import { smtpSettingsSchema, smtpTestSchema } from '../../schemas/destinations';
import type { ServerDeps } from '../deps';
import { HttpError } from '../http-error';
import type { RouteDef } from '../route';
import * as R from '../../schemas/responses';

/** Settings → retention: whole event segments older than max_age_days, or the oldest beyond max_bytes, are deleted; null keeps forever. */
export const retentionSchema = {
  title: 'RetentionSettings',
  type: 'object',
  additionalProperties: false,
  required: ['max_age_days', 'max_bytes'],
  properties: {
    max_age_days: { type: ['integer', 'null'], minimum: RETENTION_MAX_AGE_DAYS_MIN, maximum: RETENTION_MAX_AGE_DAYS_MAX, description: 'delete whole segments whose newest event is older than this; null = keep forever' },
    max_bytes: { type: ['integer', 'null'], minimum: RETENTION_MAX_BYTES_MIN, maximum: RETENTION_MAX_BYTES_MAX, description: 'delete the oldest segments while the event log is larger; null = no size limit' },
  },
};

/** Settings → public URL: the base of every link sent out; null goes back to SWITCHYARD_PUBLIC_URL / --public-url, or the address served. */
export const publicUrlSchema = {
  title: 'PublicUrlSetting',
  type: 'object',
  additionalProperties: false,
  required: ['public_url'],
  properties: {
    public_url: { type: ['string', 'null'], maxLength: PUBLIC_URL_MAX, description: 'absolute http(s) URL people and tools reach the appliance at (e.g. https://switchyard.example.com); no query or fragment' },
  },
};

export function settingsRoutes(deps: ServerDeps): RouteDef[] {
  const smtp = () => deps.store.config().settings.smtp as SmtpSettings | undefined;
  const publicUrlView = () => ({
    saved: savedPublicUrl(deps.store.config().settings),
    environment: deps.publicUrlFromEnvironment,
    served: deps.servedUrl(),
    // What links use now: saved, else the environment's, else the address served.
    effective: deps.baseUrl(),
  });
  return [
    {
      method: 'get', path: '/api/settings', summary: 'Settings (the SMTP password is never shown)', tag: 'settings', auth: 'admin',
      responses: { '200': '{smtp, flap, retention, search_url_template, public_url, outgoing}' }, returns: R.settingsSchema,
      handler: (ctx, { principal }) => {
        const s = smtp();
        ctx.body = {
          smtp: s ? maskSmtp(s) : null,
          flap: deps.store.config().flap,
          retention: deps.store.retention(),
          // Your organization's add_log_search_url link template (PUT /api/settings/search-url-template); null when none.
          search_url_template: searchUrlTemplate(deps.store.config().settings, principal.organization.id),
          public_url: publicUrlView(),
          // What deliveries may connect to: this is a workstation product, so receivers on this
          // machine and the LAN are allowed; cloud metadata addresses never are.
          outgoing: {
            allow_loopback: true,
            allow_private: true,
            private_ranges: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7'],
            always_refused: ['169.254.0.0/16 (cloud metadata, link-local)', 'fe80::/10', 'fd00:ec2::254', '100.100.100.200', '168.63.129.16', '0.0.0.0/8', '::', 'multicast'],
          },
        };
      },
    },
    {
      method: 'put', path: '/api/settings/public-url',
      summary: 'Set the public URL: the base of every link sent out (e-mails, chat messages, webhook envelopes, source URLs, OpenAPI servers); null falls back to SWITCHYARD_PUBLIC_URL, else the address served',
      tag: 'settings', auth: 'admin',
      body: publicUrlSchema, responses: { '200': '{public_url: {saved, environment, served, effective}}', '400': 'not an absolute http(s) URL, or with credentials, a query or a fragment' }, returns: R.publicUrlAnswerSchema,
      handler: async (ctx, { body }) => {
        const given = (body as { public_url: string | null }).public_url;
        const parsed = given === null || given.trim() === '' ? { url: null } : parsePublicUrl(given);
        if ('errors' in parsed) throw new HttpError(400, parsed.errors);
        await deps.store.updateConfig((d) => {
          if (parsed.url === null) delete d.settings[PUBLIC_URL_SETTING];
          else d.settings[PUBLIC_URL_SETTING] = parsed.url;
        });
        ctx.body = { public_url: publicUrlView() };
      },
    },
    {
      method: 'put', path: '/api/settings/retention', summary: 'Set event retention (whole segments are deleted; the one being written never is) and apply it at once', tag: 'settings', auth: 'admin',
      body: retentionSchema, responses: { '200': 'the stored retention {max_age_days, max_bytes}', '400': 'invalid' }, returns: R.retentionSchema,
      handler: async (ctx, { body }) => {
        ctx.body = await deps.store.setRetention(body as RetentionPolicy);
      },
    },
    {
      method: 'put', path: '/api/settings/smtp', summary: 'Set the SMTP server for e-mail destinations and failure notices (omit password to keep the saved one)', tag: 'settings', auth: 'admin',
      body: smtpSettingsSchema, responses: { '200': 'the settings, password masked', '400': 'invalid' }, returns: R.smtpAnswerSchema,
      handler: async (ctx, { body }) => {
        const input = body as Partial<SmtpSettings> & Pick<SmtpSettings, 'host' | 'port' | 'from'>;
        const saved = await deps.store.updateConfig((d) => {
          const previous = d.settings.smtp as SmtpSettings | undefined;
          const next: SmtpSettings = {
            host: input.host, port: input.port, from: input.from, secure: input.secure ?? false, user: input.user ?? null,
            password: input.password !== undefined ? input.password : (previous?.password ?? null),
          };
          d.settings.smtp = next;
          return next;
        });
        ctx.body = { smtp: maskSmtp(saved) };
      },
    },
    {
      method: 'post', path: '/api/settings/smtp/test', summary: 'Send a test e-mail through the saved SMTP settings', tag: 'settings', auth: 'admin',
      body: smtpTestSchema, responses: { '200': '{message_id}', '400': 'SMTP not set', '502': 'the SMTP server refused or could not be reached (its error named)' }, returns: R.smtpTestSchema,
      handler: async (ctx, { body }) => {
        const mailer = deps.deliveries.mailer();
        if (!mailer) throw new HttpError(400, ['smtp: not configured; PUT /api/settings/smtp first']);
        const to = (body as { to: string }).to;
        const sent = await mailer.send({ to, subject: '[Switchyard] Test e-mail', text: `This is a test e-mail from Switchyard at ${deps.baseUrl()}.\nIf you can read it, e-mail destinations and failure notices will arrive.` });
        if (!sent.ok) throw new HttpError(502, [`smtp: ${sent.error}`]);
        ctx.body = { message_id: sent.message_id };
      },
    },
  ];
}
