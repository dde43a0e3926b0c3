// The real Prometheus Alertmanager (Debian's prometheus-alertmanager), on loopback with a
// temp config and storage, clustering off. Tests post alerts to its API and let it notify.
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { spawnChild, type Child } from './child';

/** Debian installs it as prometheus-alertmanager; upstream builds call it alertmanager. */
export function alertmanagerBinary(): string {
  for (const name of ['prometheus-alertmanager', 'alertmanager']) {
    try {
      execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'pipe' });
      return name;
    } catch {
      // try the next name
    }
  }
  throw new Error('Alertmanager is not installed: apt-get install -y prometheus-alertmanager (.ci/run does it)');
}

export function alertmanagerVersion(): string {
  const out = execFileSync(alertmanagerBinary(), ['--version'], { encoding: 'utf8', stdio: 'pipe' });
  return /version (\S+)/.exec(out)?.[1] ?? out.trim();
}

export interface RunningAlertmanager {
  url: string;
  child: Child;
  /** Posts alerts through its v2 API (what Prometheus does). */
  postAlerts(alerts: unknown[]): Promise<void>;
  /** Sum of every series of a metric family (optionally only those whose labels contain `match`). */
  metric(name: string, match?: string): Promise<number>;
  log(): string;
  stop(): Promise<void>;
}

export async function startAlertmanager(dir: string, config: string): Promise<RunningAlertmanager> {
  await mkdir(join(dir, 'data'), { recursive: true });
  const configFile = join(dir, 'alertmanager.yml');
  await writeFile(configFile, config);
  const child = spawnChild(alertmanagerBinary(), [
    `--config.file=${configFile}`,
    `--storage.path=${join(dir, 'data')}`,
    '--web.listen-address=127.0.0.1:0',
    // Empty: no cluster listener, no gossip.
    '--cluster.listen-address=',
  ]);
  const [, port] = await child.waitFor(/msg="Listening on" address=127\.0\.0\.1:(\d+)/);
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    child,
    async postAlerts(alerts) {
      const res = await fetch(`${url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
      if (res.status !== 200) throw new Error(`alertmanager refused the alerts: ${res.status} ${await res.text()}`);
    },
    async metric(name, match = '') {
      const text = await (await fetch(`${url}/metrics`)).text();
      let sum = 0;
      for (const line of text.split('\n')) {
        const m = /^(\w+)(\{[^}]*\})? (\S+)$/.exec(line);
        if (m && m[1] === name && (m[2] ?? '').includes(match)) sum += Number(m[3]);
      }
      return sum;
    },
    log: () => child.output(),
    async stop() {
      if (child.proc.exitCode === null) child.proc.kill('SIGTERM');
      await child.exited;
    },
  };
}
