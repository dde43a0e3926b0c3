// Appliance settings: SMTP with a test e-mail, API keys, the search URL template,
// retention and flap detection. Shapes: src-main/server/routes/{settings,config,transform,signals}.ts.
import { http, seg, type Page } from './client';

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

export interface OutgoingPolicy {
  allow_loopback: boolean;
  allow_private: boolean;
  private_ranges: string[];
  always_refused: string[];
}

/** The base of every link the appliance sends out, and where it comes from. */
export interface PublicUrl {
  /** Saved in Settings (takes precedence); null when none. */
  saved: string | null;
  /** SWITCHYARD_PUBLIC_URL / --public-url; null when not given. */
  environment: string | null;
  /** The address the appliance serves on. */
  served: string;
  /** What links use now. */
  effective: string;
}

export interface Settings {
  smtp: SmtpSettings | null;
  flap: FlapSettings;
  outgoing: OutgoingPolicy;
  retention: Retention;
  /** Your organization's link template for add_log_search_url; null when none is set. */
  search_url_template: string | null;
  public_url: PublicUrl;
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
  savePublicUrl: (url: string | null) => http.put<{ public_url: PublicUrl }>('/api/settings/public-url', { public_url: url }),
  saveRetention: (retention: Retention) => http.put<Retention>('/api/settings/retention', retention),
  saveFlap: (flap: FlapSettings) => http.put<{ flap: FlapSettings }>('/api/signals/settings/flap', flap),
};

export const keyApi = {
  list: () => http.get<Page<ApiKey>>('/api/keys'),
  /** The answer's `key` is the only time the secret exists outside its holder. */
  create: (name: string, scopes: Scope[]) => http.post<ApiKey & { key: string }>('/api/keys', { name, scopes }),
  remove: (id: string) => http.del(`/api/keys/${seg(id)}`),
};
