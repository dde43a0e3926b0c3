// `npm run package`: the headless appliance as ONE executable, dist/switchyard — a Node
// single executable application (SEA) holding the bundled CLI and the built UI, so it runs
// where there is no Node and no node_modules. Needs `npm run build` first (for out/renderer).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { UI_MANIFEST_ASSET, type UiManifest } from '../src-main/server/static-ui';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const UI_DIR = join(ROOT, 'out', 'renderer');
const DIST = join(ROOT, 'dist');
const OUTPUT = join(DIST, 'switchyard');
const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

class PackageError extends Error {}

function checkCanPackage(): void {
  if (process.platform !== 'linux') throw new PackageError(`packaging is set up for Linux only (this is ${process.platform}): other systems need signing steps this script does not do`);
  const node = readFileSync(process.execPath);
  if (node.includes(`${FUSE}:1`)) throw new PackageError(`${process.execPath} is itself a single executable; run this with a plain Node`);
  if (!node.includes(`${FUSE}:0`)) throw new PackageError(`${process.execPath} (Node ${process.version}) was built without single executable application support; use an official Node build from nodejs.org`);
  if (!existsSync(join(UI_DIR, 'index.html'))) throw new PackageError('out/renderer/index.html is missing: run `npm run build` first (`npm run package` does it)');
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => statSync(join(dir, f)).isFile())
    .map((f) => f.split(sep).join('/'))
    .sort();
}

async function packageApp(): Promise<void> {
  checkCanPackage();
  mkdirSync(DIST, { recursive: true });
  const work = mkdtempSync(join(DIST, '.package-'));
  try {
    // 1. The UI first, copied aside at once (a build running meanwhile empties out/renderer),
    //    with a manifest whose hash names the folder the binary writes it to.
    const ui = join(work, 'ui');
    let files: string[];
    try {
      files = listFiles(UI_DIR);
      for (const f of files) cpSync(join(UI_DIR, f), join(ui, f));
    } catch (err) {
      throw new PackageError(`out/renderer changed while it was read (is a build running?): ${(err as Error).message}; run again`);
    }
    if (!files.includes('index.html')) throw new PackageError('out/renderer has no index.html (is a build running?); run again');
    const hash = createHash('sha256');
    for (const f of files) hash.update(`${f}\0`).update(readFileSync(join(ui, f)));
    const manifest: UiManifest = { hash: hash.digest('hex').slice(0, 16), files };
    writeFileSync(join(work, UI_MANIFEST_ASSET), JSON.stringify(manifest));
    const assets = Object.fromEntries([[UI_MANIFEST_ASSET, join(work, UI_MANIFEST_ASSET)], ...files.map((f) => [`ui/${f}`, join(ui, f)])]);

    // 2. The CLI and every dependency in one CommonJS file (a Node 20 SEA main must be CJS and
    //    can require only built-in modules). import.meta.url becomes this file's URL.
    await build({
      entryPoints: [join(ROOT, 'src-main', 'cli.ts')],
      outfile: join(work, 'switchyard.cjs'),
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      external: ['electron'], // only ever looked up at run time, and never in the single binary
      define: { 'import.meta.url': 'import_meta_url' },
      banner: { js: 'const import_meta_url = require("node:url").pathToFileURL(__filename).href;' },
      logLevel: 'warning',
    });
    writeFileSync(
      join(work, 'sea-config.json'),
      JSON.stringify({ main: join(work, 'switchyard.cjs'), output: join(work, 'sea.blob'), disableExperimentalSEAWarning: true, assets }, null, 2),
    );

    // 3. The blob, injected into a copy of this Node.
    const blob = spawnSync(process.execPath, ['--experimental-sea-config', join(work, 'sea-config.json')], { cwd: work, encoding: 'utf8' });
    if (blob.status !== 0) throw new PackageError(`node --experimental-sea-config failed:\n${blob.stderr || blob.error?.message}`);
    const binary = join(work, 'switchyard');
    copyFileSync(process.execPath, binary);
    chmodSync(binary, 0o755);
    const { inject } = createRequire(import.meta.url)('postject') as {
      inject(file: string, name: string, data: Buffer, options: { sentinelFuse: string }): Promise<void>;
    };
    // postject's ELF reader warns about every note section it cannot name; those are harmless.
    const warn = console.warn;
    console.warn = (...args: unknown[]) => void (/Can't find string offset for section name/.test(String(args[0])) || warn(...args));
    try {
      await inject(binary, 'NODE_SEA_BLOB', readFileSync(join(work, 'sea.blob')), { sentinelFuse: FUSE });
    } finally {
      console.warn = warn;
    }
    renameSync(binary, OUTPUT); // atomic: a concurrent run never sees half a binary
    const mib = (statSync(OUTPUT).size / 2 ** 20).toFixed(1);
    process.stdout.write(`Packaged ${relative(ROOT, OUTPUT)} (${mib} MiB, Node ${process.version}, UI ${manifest.hash}: ${files.length} files)\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

packageApp().catch((err) => {
  process.stderr.write(`package: ${err instanceof PackageError ? err.message : ((err as Error).stack ?? err)}\n`);
  process.exit(1);
});
