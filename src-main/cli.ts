// Entry of the built appliance: `start` (desktop if possible), `serve` (headless),
// `login-link` (a fresh one-time UI link for the appliance running on a data directory, or for
// every instance on a database) and
// `migrate` (the PostgreSQL store's schema, for deployments that migrate before they roll out).
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as sea from 'node:sea';
import { createApp, StartupError, VERSION } from './app';
import { keepHeapNearLive } from './heap';
import { findElectronRuntime, type ElectronRuntime } from './launcher';
import { issueDatabaseLoginLink } from './login-link-database';
import { issueLoginLink, LoginLinkError } from './login-link-files';
import { extractEmbeddedUi } from './server/static-ui';
import { appOptionsOf, maskedDatabaseUrl, parseServeArgs, UsageError, USAGE, type ServeSettings } from './settings-env';

// The single binary (npm run package) carries its UI inside and has no Electron runtime.
const singleBinary = sea.isSea();

function embeddedUiDir(dataDir: string): string {
  try {
    return extractEmbeddedUi(dataDir, sea.getAsset);
  } catch (err) {
    throw new StartupError(`cannot write the UI into data directory ${dataDir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; pick a writable one with --data-dir`);
  }
}

async function serve(settings: ServeSettings): Promise<void> {
  keepHeapNearLive();
  const uiDir = singleBinary ? embeddedUiDir(settings.dataDir) : undefined;
  const app = await createApp({ ...appOptionsOf(settings), uiDir });
  const out = process.stdout;
  const where = settings.databaseUrl ? `database: ${maskedDatabaseUrl(settings.databaseUrl)}` : `data: ${settings.dataDir}`;
  out.write(`Switchyard ${VERSION} serving at ${app.url} (${where}, ${app.openReport.events} events)\n`);
  out.write(`Open the UI (one-time login link): ${await app.loginUrl()}\n`);
  if (settings.publicUrl) out.write(`Links sent out use the public URL ${settings.publicUrl}\n`);
  if (app.initialAdminKey) out.write(`Admin API key, shown this once — store it now: ${app.initialAdminKey}\n`);
  if (app.openReport.torn_lines_discarded) out.write(`Recovered the store: discarded ${app.openReport.torn_lines_discarded} torn line(s) from an interrupted write\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    out.write(`${signal}: stopping…\n`);
    app.close().then(
      () => {
        out.write('Stopped; the store is flushed.\n');
        process.exit(0);
      },
      (err) => {
        process.stderr.write(`error while stopping: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

function startDesktop(electronPath: string, argv: string[]): void {
  // The project root holds package.json whose "main" is out/main/main.js.
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const child = spawn(electronPath, [root, ...argv], { stdio: 'inherit' });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code) => process.exit(code ?? 0));
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE + '\n');
    return;
  }
  if (command === 'login-link') {
    const { databaseUrl, dataDir, publicUrl } = parseServeArgs(rest);
    const url = databaseUrl ? await issueDatabaseLoginLink({ databaseUrl, dataDir, publicUrl }) : issueLoginLink(dataDir);
    process.stdout.write(`${url}\n`);
    return;
  }
  if (command === 'migrate') {
    const { databaseUrl } = parseServeArgs(rest);
    if (!databaseUrl) throw new UsageError('migrate: give the database with --database-url or SWITCHYARD_DATABASE_URL');
    const applied = await (await import('./store/pg')).migrateDatabase(databaseUrl);
    process.stdout.write(applied.length ? `Applied migrations ${applied.join(', ')} to ${maskedDatabaseUrl(databaseUrl)}\n` : `${maskedDatabaseUrl(databaseUrl)} is up to date\n`);
    return;
  }
  if (command !== 'start' && command !== 'serve') throw new UsageError(command ? `unknown command "${command}"` : 'a command is required');
  const settings = parseServeArgs(rest);
  if (command === 'start') {
    const runtime: ElectronRuntime = singleBinary ? { ok: false, reason: 'the single binary has no Electron runtime' } : findElectronRuntime();
    if (runtime.ok) return startDesktop(runtime.path, rest);
    process.stdout.write(`Desktop window unavailable (${runtime.reason}); serving headless instead.\n`);
  }
  await serve(settings);
}

main(process.argv.slice(2)).catch((err) => {
  if (err instanceof UsageError) {
    process.stderr.write(`switchyard: ${err.message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (err instanceof StartupError || err instanceof LoginLinkError) {
    process.stderr.write(`switchyard: ${err.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`switchyard: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
