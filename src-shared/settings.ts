// Appliance settings as GET /api/settings answers them, and API keys. Types only.
import type { FlapSettings } from '../src-main/core/signals/types';
import type { ApiKeyRecord } from '../src-main/core/types';
import type { AddressPolicyView } from './outgoing';

export interface SmtpSettings {
  host: string;
  port: number;
  /** Implicit TLS from the first byte (usually port 465). */
  secure: boolean;
  user: string | null;
  /** Answers show '***' when one is saved (null when none), never the value. */
  password: string | null;
  from: string;
  /** Verify the server certificate; on unless explicitly turned off (self-signed relays). */
  rejectUnauthorized?: boolean;
}

/** Event retention (PUT /api/settings/retention); null = no limit. The store's policy answers as this. */
export interface RetentionView {
  max_age_days: number | null;
  max_bytes: number | null;
}

/** The base of every link the appliance sends out, and where it comes from. */
export interface PublicUrlView {
  /** Saved in Settings (takes precedence); null when none. */
  saved: string | null;
  /** SWITCHYARD_PUBLIC_URL / --public-url; null when not given. */
  environment: string | null;
  /** The address the appliance serves on. */
  served: string;
  /** What links use now. */
  effective: string;
}

export interface SettingsView {
  smtp: SmtpSettings | null;
  flap: FlapSettings;
  retention: RetentionView;
  /** The organization's add_log_search_url link template; null when none is set. */
  search_url_template: string | null;
  public_url: PublicUrlView;
  outgoing: AddressPolicyView;
}

/** A key as lists show it: never its hash; the key itself only in the create answer. */
export type ApiKeyView = Omit<ApiKeyRecord, 'hash'>;
