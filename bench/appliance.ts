// The built appliance as a child process for benchmarks, with a known admin key and no
// rate limit in the way. BENCH_PROF=<dir> writes a --cpu-prof profile of the appliance there;
// BENCH_CLI=<path to cli.js> runs another build (e.g. an older commit's) for before/after;
// BENCH_NODE_ARGS adds node options (e.g. --trace-gc), BENCH_LOG appends its output to a file.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

export const BENCH_KEY = 'sy_bench_admin_key_0123456789abcdefghijklmnopqrstuvwx';
export const ROOT = new URL('..', import.meta.url).pathname;

export interface Appliance {
  url: string;
  pid: number;
  /** From spawn to the "serving at" line (the store is open and the server listens). */
  startMs: number;
  stop(): Promise<void>;
}

/** `databaseUrl`: the PostgreSQL store (dataDir then holds only local files). */
export async function startAppliance(dataDir: string, opts: { databaseUrl?: string } = {}): Promise<Appliance> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [...(process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : []), ...(process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROF] : []), process.env.BENCH_CLI ?? join(ROOT, 'out/main/cli.js'), 'serve', '--port', '0', '--data-dir', dataDir], {
    env: { ...process.env, SWITCHYARD_API_KEY: BENCH_KEY, SWITCHYARD_RATE_LIMIT: '1000000', ...(opts.databaseUrl ? { SWITCHYARD_DATABASE_URL: opts.databaseUrl } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (process.env.BENCH_LOG) child.stdout!.pipe(createWriteStream(process.env.BENCH_LOG, { flags: 'a' }));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = out.match(/serving at (http:\/\/\S+)/);
      if (m) resolve(m[1]);
    });
    let err = '';
    child.stderr!.on('data', (b: Buffer) => void (err = (err + b.toString()).slice(-2000)));
    child.once('exit', (code) => reject(new Error(`appliance exited ${code}: ${err.trim() || '(no error output)'}`)));
  });
  const startMs = performance.now() - t0;
  return {
    url,
    pid: child.pid!,
    startMs,
    stop: () =>
      new Promise((r) => {
        child.once('exit', () => r());
        child.kill('SIGTERM');
      }),
  };
}

/** Resident memory of a process in bytes (Linux /proc). */
export async function rssBytes(pid: number): Promise<number> {
  const m = /VmRSS:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

/** CPU time a process used so far, in milliseconds, in user and in kernel mode (Linux /proc). */
export async function cpuTimes(pid: number): Promise<{ user: number; system: number }> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 (1-based) of the whole line: 12 and 13 after the ')'.
  return { user: (Number(fields[11]) * 1000) / 100, system: (Number(fields[12]) * 1000) / 100 }; // USER_HZ is 100 on Linux
}

/** CPU time (user + system) a process used so far, in milliseconds. */
export async function cpuMs(pid: number): Promise<number> {
  const t = await cpuTimes(pid);
  return t.user + t.system;
}

export function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;
}

/** Bytes of every file below a directory. */
export async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    total += entry.isDirectory() ? await dirBytes(p) : (await stat(p)).size;
  }
  return total;
}
