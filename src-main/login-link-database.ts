// `switchyard login-link --database-url …`: with several instances on one database the link is
// minted in the database, so whichever instance the browser reaches takes it (once). It logs in
// to the default organization, like a link file; its address is the public URL (saved in
// Settings, else --public-url / SWITCHYARD_PUBLIC_URL), else the instance running on --data-dir.
import { tmpdir } from 'node:os';
import { DEFAULT_ORG_SLUG, findOrg } from './core/config-ops';
import { linkBase } from './core/public-url';
import { LoginLinkError, runningServerUrl } from './login-link-files';
import { SharedSessions } from './server/shared-sessions';
import { maskedDatabaseUrl } from './store/database-url';

export interface DatabaseLinkOptions {
  databaseUrl: string;
  /** Where a local instance may have left its URL (server.json). */
  dataDir: string;
  publicUrl: string | null;
  now?: () => number;
}

export async function issueDatabaseLoginLink(opts: DatabaseLinkOptions): Promise<string> {
  // The store keeps no files for this (tmpdir: nothing is created where the command runs).
  const { createPgStore } = await import('./store/pg');
  const store = createPgStore({ url: opts.databaseUrl, dataDir: tmpdir(), retentionIntervalMs: 0 });
  try {
    await store.open();
  } catch (err) {
    await store.close();
    throw new LoginLinkError(`cannot reach the database ${maskedDatabaseUrl(opts.databaseUrl)}: ${(err as Error).message || (err as NodeJS.ErrnoException).code}`);
  }
  try {
    const config = store.config();
    const org = findOrg(config, DEFAULT_ORG_SLUG);
    if (!org) throw new LoginLinkError(`no Switchyard has started on the database ${maskedDatabaseUrl(opts.databaseUrl)} yet; start one (switchyard serve --database-url …) and it prints a login link`);
    const served = runningServerUrl(opts.dataDir);
    const base = linkBase(config.settings, opts.publicUrl, served ?? '');
    if (!base) throw new LoginLinkError('cannot tell the address of the appliances on this database; give it with --public-url (or SWITCHYARD_PUBLIC_URL), or save the public URL in Settings');
    const token = await new SharedSessions(store, opts.now).mintLoginToken(org.id);
    return `${base}/login?token=${token}`;
  } finally {
    await store.close();
  }
}
