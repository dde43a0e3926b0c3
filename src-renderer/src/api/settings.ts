// Appliance settings: SMTP with a test e-mail, API keys, the public URL, the search URL
// template, retention and flap detection. Shapes: src-shared/settings.ts.
import type { FlapSettings } from '../../../src-main/core/signals/types';
import type { Scope } from '../../../src-main/core/types';
import type { Static } from '../../../src-main/schemas/builders';
import type { smtpSettingsSchema, smtpTestSchema } from '../../../src-main/schemas/destinations';
import type { keyCreateSchema } from '../../../src-main/schemas/management';
import type { publicUrlSchema, searchUrlSchema } from '../../../src-main/schemas/settings';
import type { ApiKeyCreated, ApiKeyView as ApiKey, FlapView, PublicUrlSaved, RetentionView as Retention, SearchUrlSaved, SettingsView as Settings, SmtpSaved, SmtpTestSent } from '../../../src-shared/settings';
import { http, seg, type Page } from './client';

export type { AddressPolicyView } from '../../../src-shared/outgoing';

export type { ApiKeyView as ApiKey, PublicUrlView as PublicUrl, RetentionView as Retention, SettingsView as Settings, SmtpSettings } from '../../../src-shared/settings';
export type { FlapSettings } from '../../../src-main/core/signals/types';
export { SCOPES, type Scope } from '../../../src-main/core/types';

/** PUT body: omit `password` to keep the saved one. */
export type SmtpInput = Static<typeof smtpSettingsSchema>;

export const settingsApi = {
  get: () => http.get<Settings>('/api/settings'),
  saveSmtp: (input: SmtpInput) => http.put<SmtpSaved>('/api/settings/smtp', input),
  testSmtp: (to: string) => http.post<SmtpTestSent>('/api/settings/smtp/test', { to } satisfies Static<typeof smtpTestSchema>),
  saveSearchUrlTemplate: (template: string | null) => http.put<SearchUrlSaved>('/api/settings/search-url-template', { template } satisfies Static<typeof searchUrlSchema>),
  savePublicUrl: (url: string | null) => http.put<PublicUrlSaved>('/api/settings/public-url', { public_url: url } satisfies Static<typeof publicUrlSchema>),
  saveRetention: (retention: Retention) => http.put<Retention>('/api/settings/retention', retention),
  saveFlap: (flap: FlapSettings) => http.put<FlapView>('/api/signals/settings/flap', flap),
};

export const keyApi = {
  list: () => http.get<Page<ApiKey>>('/api/keys'),
  /** The answer's `key` is the only time the secret exists outside its holder. */
  create: (name: string, scopes: Scope[]) => http.post<ApiKeyCreated>('/api/keys', { name, scopes } satisfies Static<typeof keyCreateSchema>),
  remove: (id: string) => http.del(`/api/keys/${seg(id)}`),
};
