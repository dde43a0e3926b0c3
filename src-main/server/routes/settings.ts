// Appliance settings: SMTP (password write-only) with a test e-mail; event retention; the
// organization's search URL template (set in routes/transform.ts).
import type { PublicUrlSaved, SettingsView, SmtpSaved, SmtpTestSent } from '../../../src-shared/settings';
import { parsePublicUrl, PUBLIC_URL_SETTING, savedPublicUrl } from '../../core/public-url';
import { searchUrlTemplate } from '../../core/transform/config-ops';
import { APPLIANCE_ADDRESS_POLICY, describePolicy } from '../../delivery/address-check';
import { maskSmtp, type SmtpSettings } from '../../delivery/mailer';
import { smtpSettingsSchema, smtpTestSchema } from '../../schemas/destinations';
import { publicUrlSchema, retentionSchema } from '../../schemas/settings';
import type { ServerDeps } from '../deps';
import { HttpError } from '../http-error';
import { withBody, type RouteDef } from '../route';
import * as R from '../../schemas/responses';

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
        const view: SettingsView = {
          smtp: s ? maskSmtp(s) : null,
          flap: deps.store.config().flap,
          retention: deps.store.retention(),
          // Your organization's add_log_search_url link template (PUT /api/settings/search-url-template); null when none.
          search_url_template: searchUrlTemplate(deps.store.config().settings, principal.organization.id),
          public_url: publicUrlView(),
          // What deliveries may connect to, read from the address check's own tables.
          outgoing: describePolicy(APPLIANCE_ADDRESS_POLICY),
        };
        ctx.body = view;
      },
    },
    withBody({
      method: 'put', path: '/api/settings/public-url',
      summary: 'Set the public URL: the base of every link sent out (e-mails, chat messages, webhook envelopes, source URLs, OpenAPI servers); null falls back to SWITCHYARD_PUBLIC_URL, else the address served',
      tag: 'settings', auth: 'admin',
      body: publicUrlSchema, responses: { '200': '{public_url: {saved, environment, served, effective}}', '400': 'not an absolute http(s) URL, or with credentials, a query or a fragment' }, returns: R.publicUrlAnswerSchema,
      handler: async (ctx, { body }) => {
        const given = body.public_url;
        const parsed = given === null || given.trim() === '' ? { url: null } : parsePublicUrl(given);
        if ('errors' in parsed) throw new HttpError(400, parsed.errors);
        await deps.store.updateConfig((d) => {
          if (parsed.url === null) delete d.settings[PUBLIC_URL_SETTING];
          else d.settings[PUBLIC_URL_SETTING] = parsed.url;
        });
        ctx.body = { public_url: publicUrlView() } satisfies PublicUrlSaved;
      },
    }),
    withBody({
      method: 'put', path: '/api/settings/retention', summary: 'Set event retention (whole segments are deleted; the one being written never is) and apply it at once', tag: 'settings', auth: 'admin',
      body: retentionSchema, responses: { '200': 'the stored retention {max_age_days, max_bytes}', '400': 'invalid' }, returns: R.retentionSchema,
      handler: async (ctx, { body }) => {
        ctx.body = await deps.store.setRetention(body);
      },
    }),
    withBody({
      method: 'put', path: '/api/settings/smtp', summary: 'Set the SMTP server for e-mail destinations and failure notices (omit password to keep the saved one)', tag: 'settings', auth: 'admin',
      body: smtpSettingsSchema, responses: { '200': 'the settings, password masked', '400': 'invalid' }, returns: R.smtpAnswerSchema,
      handler: async (ctx, { body }) => {
                const saved = await deps.store.updateConfig((d) => {
          const previous = d.settings.smtp as SmtpSettings | undefined;
          const next: SmtpSettings = {
            host: body.host, port: body.port, from: body.from, secure: body.secure ?? false, user: body.user ?? null,
            password: body.password !== undefined ? body.password : (previous?.password ?? null),
          };
          d.settings.smtp = next;
          return next;
        });
        ctx.body = { smtp: maskSmtp(saved) } satisfies SmtpSaved;
      },
    }),
    withBody({
      method: 'post', path: '/api/settings/smtp/test', summary: 'Send a test e-mail through the saved SMTP settings', tag: 'settings', auth: 'admin',
      body: smtpTestSchema, responses: { '200': '{message_id}', '400': 'SMTP not set', '502': 'the SMTP server refused or could not be reached (its error named)' }, returns: R.smtpTestSchema,
      handler: async (ctx, { body }) => {
        const mailer = deps.deliveries.mailer();
        if (!mailer) throw new HttpError(400, ['smtp: not configured; PUT /api/settings/smtp first']);
        const { to } = body;
        const sent = await mailer.send({ to, subject: '[Switchyard] Test e-mail', text: `This is a test e-mail from Switchyard at ${deps.baseUrl()}.\nIf you can read it, e-mail destinations and failure notices will arrive.` });
        if (!sent.ok) throw new HttpError(502, [`smtp: ${sent.error}`]);
        ctx.body = { message_id: sent.message_id } satisfies SmtpTestSent;
      },
    }),
  ];
}
