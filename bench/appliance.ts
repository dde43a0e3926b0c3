// The built appliance as a child process for benchmarks, with a known admin key and no
// rate limit in the way. BENCH_PROF=<dir> writes a --cpu-prof profile of the appliance there.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const BENCH_KEY = 'sy_bench_admin_key_0123456789abcdefghijklmnopqrstuvwx';
export const ROOT = new URL('..', import.meta.url).pathname;

export async function startAppliance(dataDir: string): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [...(process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROF] : []), join(ROOT, 'out/main/cli.js'), 'serve', '--port', '0', '--data-dir', dataDir], {
    env: { ...process.env, SWITCHYARD_API_KEY: BENCH_KEY, SWITCHYARD_RATE_LIMIT: '1000000' },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = out.match(/serving at (http:\/\/\S+)/);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`appliance exited ${code}`)));
  });
  return {
    url,
    stop: () =>
      new Promise((r) => {
        child.once('exit', () => r());
        child.kill('SIGTERM');
      }),
  };
}
