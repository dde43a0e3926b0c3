// Appliance settings: SMTP with a test e-mail, API keys, the search URL template,
// retention and flap detection. Shapes: src-main/server/routes/{settings,config,transform,signals}.ts.
import type { AddressPolicyView } from '../../../src-shared/outgoing';
import { http, seg, type Page } from './client';

export type { AddressPolicyView };

export interface SmtpSettings {
  host: string;
  port: number;
  secure: boolean;
  user: string | null;
  /** Masked ('***') when one is saved; null when none. Never the real value. */
  password: string | null;
  from: string;
}

/** PUT body: omit `password` to keep the saved one. */
export type SmtpInput = Omit<SmtpSettings, 'password'> & { password?: string | null };

export interface FlapSettings {
  max_transitions: number;
  window_s: number;
}

export interface Retention {
  max_age_days: number | null;
  max_bytes: number | null;
}


export interface Settings {
  smtp: SmtpSettings | null;
  flap: FlapSettings;
  outgoing: AddressPolicyView;
  retention: Retention;
  /** Your organization's link template for add_log_search_url; null when none is set. */
  search_url_template: string | null;
}

export const SCOPES = ['ingest', 'read', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export interface ApiKey {
  id: string;
  organization: string;
  name: string;
  scopes: Scope[];
  prefix: string;
  created_at: string;
}

export const settingsApi = {
  get: () => http.get<Settings>('/api/settings'),
  saveSmtp: (input: SmtpInput) => http.put<{ smtp: SmtpSettings }>('/api/settings/smtp', input),
  testSmtp: (to: string) => http.post<{ message_id: string }>('/api/settings/smtp/test', { to }),
  saveSearchUrlTemplate: (template: string | null) => http.put<{ template: string | null }>('/api/settings/search-url-template', { template }),
  saveRetention: (retention: Retention) => http.put<Retention>('/api/settings/retention', retention),
  saveFlap: (flap: FlapSettings) => http.put<{ flap: FlapSettings }>('/api/signals/settings/flap', flap),
};

export const keyApi = {
  list: () => http.get<Page<ApiKey>>('/api/keys'),
  /** The answer's `key` is the only time the secret exists outside its holder. */
  create: (name: string, scopes: Scope[]) => http.post<ApiKey & { key: string }>('/api/keys', { name, scopes }),
  remove: (id: string) => http.del(`/api/keys/${seg(id)}`),
};
