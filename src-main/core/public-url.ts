// The public base URL: where people and tools reach the appliance (a reverse proxy, a tunnel,
// a LAN name), used in every link it sends out — e-mails, chat messages, webhook envelopes,
// source URLs, the OpenAPI `servers`. Without one, links use the address it serves on.
import { PUBLIC_URL_MAX } from '../limits';

/** Where the saved setting lives in the config's settings. */
export const PUBLIC_URL_SETTING = 'public_url';

/**
 * An absolute http(s) URL with no credentials, query or fragment (links are built by appending
 * paths and `#/…` routes to it); a path prefix is kept, trailing slashes dropped.
 */
export function parsePublicUrl(text: string, field = 'public_url'): { url: string } | { errors: string[] } {
  const trimmed = text.trim();
  if (trimmed.length > PUBLIC_URL_MAX) return { errors: [`${field}: longer than ${PUBLIC_URL_MAX} characters`] };
  let u: URL;
  try {
    u = new URL(trimmed);
  } catch {
    return { errors: [`${field}: "${trimmed}" is not an absolute URL (e.g. https://switchyard.example.com)`] };
  }
  const errors: string[] = [];
  if (u.protocol !== 'http:' && u.protocol !== 'https:') errors.push(`${field}: must be an http or https URL`);
  if (u.username || u.password) errors.push(`${field}: must not carry a user name or password`);
  if (u.search || u.hash || /[?#]/.test(trimmed)) errors.push(`${field}: must not have a query or fragment (links are built by appending paths to it)`);
  if (errors.length) return { errors };
  return { url: `${u.origin}${u.pathname.replace(/\/+$/, '')}` };
}

/** The saved setting, when there is one. */
export function savedPublicUrl(settings: Readonly<Record<string, unknown>>): string | null {
  const v = settings[PUBLIC_URL_SETTING];
  return typeof v === 'string' && v ? v : null;
}

/** The base of every link sent out: the setting, else SWITCHYARD_PUBLIC_URL / --public-url, else the address served. */
export function linkBase(settings: Readonly<Record<string, unknown>>, fromEnvironment: string | null, served: string): string {
  return savedPublicUrl(settings) ?? fromEnvironment ?? served;
}
