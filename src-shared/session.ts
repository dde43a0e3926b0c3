// What GET /api/session answers (src-main/server/routes/system.ts). Types only.
import type { Organization } from '../src-main/core/types';

/** How the caller authenticated (the server's Principal.via). */
export type AuthVia = 'api_key' | 'env_key' | 'session' | 'url_token';

export interface SessionView {
  organization: Organization;
  via: AuthVia;
  /** The token writes carry in x-csrf-token; null unless the caller is the UI session. */
  csrf_token: string | null;
}
