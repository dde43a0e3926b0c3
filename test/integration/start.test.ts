// The built appliance as a child process: `npm start` falls back to headless, a port
// in use is one line, and SIGKILL under load loses nothing acknowledged. One file, so
// the build `npm start` runs never races another test using out/.
import { createServer } from 'node:net';
import { rm } from 'node:fs/promises';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_KEY, startHarness, tempDir } from '../helpers/harness';
import { CLI, requireBuild, spawnChild, type Child } from '../helpers/child';
import { startIngestClients } from '../helpers/ingest-clients';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

function track(child: Child, dir: string) {
  cleanups.push(async () => {
    if (child.proc.exitCode === null) {
      try {
        process.kill(-child.proc.pid!, 'SIGTERM'); // the whole group, when detached
      } catch {
        child.proc.kill('SIGTERM');
      }
      await child.exited;
    }
    await rm(dir, { recursive: true, force: true });
  });
}

describe('npm start', () => {
  it('falls back to headless without the Electron runtime: one line, URL, login link, admin key; Ctrl-C flushes', async () => {
    const dir = await tempDir();
    // Point the electron package at a runtime that is not there, even where one is installed.
    const child = spawnChild('npm', ['start', '--silent', '--', '--port', '0', '--data-dir', dir], { ELECTRON_OVERRIDE_DIST_PATH: '/nonexistent-electron-runtime', SWITCHYARD_API_KEY: '' }, { detached: true });
    track(child, dir);
    await child.waitFor(/Admin API key.*: sy_\S+/, 60_000);
    const out = child.output();
    expect(out).toMatch(/^Desktop window unavailable \(the Electron runtime is not installed\); serving headless instead\.$/m);
    const url = out.match(/serving at (http:\/\/127\.0\.0\.1:\d+)/)![1];
    expect(out).toMatch(new RegExp(`one-time login link\\): ${url.replace(/\./g, '\\.')}/login\\?token=\\S+`));
    const health = await request(`${url}/healthz`);
    expect(health.statusCode).toBe(200);
    expect(await health.body.json()).toMatchObject({ status: 'ok' });
    // The admin key printed works.
    const key = out.match(/: (sy_\S+)/)![1];
    const events = await request(`${url}/api/events`, { headers: { authorization: `Bearer ${key}` } });
    expect(events.statusCode).toBe(200);
    await events.body.dump();
    // Ctrl-C in a terminal signals the whole foreground process group.
    process.kill(-child.proc.pid!, 'SIGINT');
    await child.waitFor(/Stopped; the store is flushed\./);
  });

  it('prints the admin key only on the first start', async () => {
    requireBuild();
    const dir = await tempDir();
    const first = spawnChild(process.execPath, [CLI, 'serve', '--port', '0', '--data-dir', dir], { SWITCHYARD_API_KEY: '' });
    track(first, dir);
    await first.waitFor(/Admin API key/);
    first.proc.kill('SIGTERM');
    await first.exited;
    const second = spawnChild(process.execPath, [CLI, 'serve', '--port', '0', '--data-dir', dir], { SWITCHYARD_API_KEY: '' });
    track(second, dir);
    await second.waitFor(/one-time login link/);
    expect(second.output()).not.toContain('Admin API key');
  });

  it('takes the public URL from --public-url or SWITCHYARD_PUBLIC_URL (the flag wins) into /openapi.json, and refuses a bad one in one line', async () => {
    requireBuild();
    for (const [args, env, expected] of [
      [['--public-url', 'https://hub.example.test/sy/'], {}, 'https://hub.example.test/sy'],
      [[], { SWITCHYARD_PUBLIC_URL: 'http://hub.lan:8080' }, 'http://hub.lan:8080'],
      [['--public-url=https://flag.example.test'], { SWITCHYARD_PUBLIC_URL: 'http://hub.lan:8080' }, 'https://flag.example.test'],
    ] as const) {
      const dir = await tempDir();
      const child = spawnChild(process.execPath, [CLI, 'serve', '--port', '0', '--data-dir', dir, ...args], { ...env });
      track(child, dir);
      await child.waitFor(/Links sent out use the public URL/);
      expect(child.output()).toContain(`Links sent out use the public URL ${expected}\n`);
      const url = child.output().match(/serving at (http:\/\/127\.0\.0\.1:\d+)/)![1];
      const doc = await request(`${url}/openapi.json`);
      expect(((await doc.body.json()) as { servers: unknown }).servers).toEqual([{ url: expected, description: 'this appliance' }]);
      child.proc.kill('SIGTERM');
      await child.exited;
    }
    const dir = await tempDir();
    const bad = spawnChild(process.execPath, [CLI, 'serve', '--port', '0', '--data-dir', dir], { SWITCHYARD_PUBLIC_URL: 'hub.lan' });
    track(bad, dir);
    expect(await bad.exited).toBe(2);
    expect(bad.output().split('\n')[0]).toBe('switchyard: SWITCHYARD_PUBLIC_URL: "hub.lan" is not an absolute URL (e.g. https://switchyard.example.com)');
  });

  it('reports a port in use in one line, not a stack trace', async () => {
    requireBuild();
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise((r) => blocker.close(r)));
    const port = (blocker.address() as { port: number }).port;
    const dir = await tempDir();
    const child = spawnChild(process.execPath, [CLI, 'serve', '--port', String(port), '--data-dir', dir]);
    track(child, dir);
    expect(await child.exited).toBe(1);
    expect(child.output()).toBe(`switchyard: port ${port} on 127.0.0.1 is already in use; stop the other process or pick another with --port\n`);
  });

  it('loses no event answered 202 when the process is killed with SIGKILL while 8 clients post', async () => {
    requireBuild();
    const dir = await tempDir();
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const child = spawnChild(process.execPath, [CLI, 'serve', '--port', '0', '--data-dir', dir], { SWITCHYARD_API_KEY: ADMIN_KEY });
    const [, url] = await child.waitFor(/serving at (http:\/\/127\.0\.0\.1:\d+)/);
    const acknowledged: string[] = [];
    const clients = startIngestClients(url, ADMIN_KEY, 8, acknowledged);
    while (acknowledged.length < 300) await new Promise((r) => setTimeout(r, 20));
    child.proc.kill('SIGKILL');
    await child.exited;
    await clients.stop();

    const after = await startHarness({ dir });
    try {
      expect(after.app.openReport.events).toBeGreaterThanOrEqual(acknowledged.length);
      const missing: string[] = [];
      for (const id of acknowledged) if (!(await after.app.store.getEvent(id))) missing.push(id);
      expect(missing).toEqual([]);
    } finally {
      await after.stop();
    }
  });
});
