// `npm run package` makes one executable that runs alone: copied by itself into an empty
// folder, with an empty environment (no node on PATH, no NODE_PATH, no node_modules around),
// it serves the API and its embedded UI, and Ctrl-C stops it cleanly.
import { copyFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from 'undici';
import { expect, it } from 'vitest';
import { requireBuild, ROOT, spawnChild, type Child } from '../helpers/child';
import { useTempDirs } from '../helpers/temp-dirs';

const { tempDir, toClose } = useTempDirs<{ close(): Promise<unknown> }>('sy-package-');

function stopOnCleanup(child: Child): void {
  toClose.push({
    async close() {
      if (child.proc.exitCode !== null) return;
      child.proc.kill('SIGKILL');
      await child.exited;
    },
  });
}

it('packages a single binary that serves the API and the UI with nothing beside it', async () => {
  requireBuild(); // the package script takes the UI from out/renderer (npm test builds; npm run package too)
  const packaging = spawnChild(process.execPath, ['--import', 'tsx', 'scripts/package.ts']);
  stopOnCleanup(packaging);
  expect(await packaging.exited, packaging.output()).toBe(0);
  expect(packaging.output()).toMatch(/^Packaged dist\/switchyard \(/m);

  const dir = await tempDir();
  await copyFile(join(ROOT, 'dist', 'switchyard'), join(dir, 'switchyard'));
  // cd into the folder and run it with an empty environment (env -i): no PATH, no NODE_PATH.
  const start = () => {
    const child = spawnChild('/bin/sh', ['-c', 'cd "$0" && exec env -i HOME="$0" ./switchyard serve --port 0 --data-dir "$0/data"', dir]);
    stopOnCleanup(child);
    return child;
  };
  const app = start();
  const url = (await app.waitFor(/serving at (http:\/\/127\.0\.0\.1:\d+)/))[1];
  expect((await readdir(dir)).sort()).toEqual(['data', 'switchyard']);
  const [uiVersion] = await readdir(join(dir, 'data', 'ui'));
  const written = (await stat(join(dir, 'data', 'ui', uiVersion, 'index.html'))).mtimeMs;

  const health = await request(`${url}/healthz`);
  expect(health.statusCode).toBe(200);
  expect(await health.body.json()).toMatchObject({ status: 'ok' });

  const index = await request(`${url}/`);
  expect(index.statusCode).toBe(200);
  expect(index.headers['content-type']).toMatch(/^text\/html/);
  const html = await index.body.text();
  expect(html).toContain('<div id="root"></div>');
  const script = html.match(/<script[^>]* src="\.?(\/assets\/[^"]+\.js)"/)![1];
  const js = await request(`${url}${script}`);
  expect(js.statusCode).toBe(200);
  expect(js.headers['content-type']).toMatch(/javascript/);
  await js.body.dump();
  // The build's brotli copies are inside too, and served to browsers that take them.
  const compressed = await request(`${url}${script}`, { headers: { 'accept-encoding': 'br' } });
  expect(compressed.headers['content-encoding']).toBe('br');
  await compressed.body.dump();

  // `switchyard login-link` from the same binary prints a link the running one accepts.
  const linker = spawnChild('/bin/sh', ['-c', 'cd "$0" && exec env -i HOME="$0" ./switchyard login-link --data-dir "$0/data"', dir]);
  expect(await linker.exited, linker.output()).toBe(0);
  const link = linker.output().trim();
  expect(link).toMatch(new RegExp(`^${url.replace(/\./g, '\\.')}/login\\?token=`));
  expect((await request(link)).statusCode).toBe(302);

  app.proc.kill('SIGINT');
  expect(await app.exited).toBe(0);
  expect(app.output()).toContain('Stopped; the store is flushed.');

  // A restart serves the UI folder written the first time.
  const again = start();
  const url2 = (await again.waitFor(/serving at (http:\/\/127\.0\.0\.1:\d+)/))[1];
  // An answer also means its Ctrl-C handler is in place (set right after the lines it prints).
  expect(await (await request(`${url2}/`)).body.text()).toBe(html);
  expect(await readdir(join(dir, 'data', 'ui'))).toEqual([uiVersion]);
  expect((await stat(join(dir, 'data', 'ui', uiVersion, 'index.html'))).mtimeMs).toBe(written);
  again.proc.kill('SIGINT');
  expect(await again.exited).toBe(0);
}, 180_000);
