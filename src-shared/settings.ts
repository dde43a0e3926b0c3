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

/** What saving SMTP settings answers (the password masked). */
export interface SmtpSaved { smtp: SmtpSettings }
/** What a test e-mail answers. */
export interface SmtpTestSent { message_id: string }
/** What saving the search URL template answers. */
export interface SearchUrlSaved { template: string | null }
/** What saving the public URL answers. */
export interface PublicUrlSaved { public_url: PublicUrlView }
/** What saving flap detection answers (and reading it). */
export interface FlapView { flap: FlapSettings }
/** A new API key: the key itself is in this answer only. */
export type ApiKeyCreated = ApiKeyView & { key: string };

