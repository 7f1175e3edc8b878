// A real Prometheus on loopback for tests: Debian's /usr/bin/prometheus with a temporary config and storage
// folder, scraping the given targets every second. Start-up is bounded: it waits for /-/ready (and for
// every target's first scrape), and gives up with the end of Prometheus' log.
//
//   const prometheus = await startPrometheus({ targets: [app1.url, app2.url] });
//   ... prometheus.url ...
//   await prometheus.close();
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './nginx.js';

export const PROMETHEUS_MISSING = 'prometheus not installed: apt-get install prometheus';

/** The prometheus binary: $PROMETHEUS_BIN, /usr/bin/prometheus, or the first on PATH; undefined when none. */
export function prometheusBinary(): string | undefined {
  const candidates = [
    process.env.PROMETHEUS_BIN,
    '/usr/bin/prometheus',
    ...(process.env.PATH ?? '').split(':').map((dir) => join(dir, 'prometheus')),
  ];
  for (const candidate of candidates) {
    if (!candidate) continue;
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // next
    }
  }
  return undefined;
}

export function prometheusAvailable(): boolean {
  const binary = prometheusBinary();
  return binary !== undefined && spawnSync(binary, ['--version'], { stdio: 'ignore' }).status === 0;
}

export interface PrometheusOptions {
  /** Base URLs of the apps to scrape (their /metrics). */
  targets: string[];
  /**
   * A file_sd file (JSON `[{ "targets": ["host:port", …] }]`) Prometheus watches for more targets, for apps
   * started while it runs; `labels` apply to them too. Start-up waits only for `targets`.
   */
  targetsFile?: string;
  /** Default 1 s. */
  scrapeIntervalMs?: number;
  /** Labels Prometheus attaches to every scraped series (as a Kubernetes service discovery would `namespace`). */
  labels?: Record<string, string>;
  /** Bound on start-up (ready and first scrapes), default 30 s. */
  startTimeoutMs?: number;
}

export interface RunningPrometheus {
  url: string;
  port: number;
  dir: string;
  /** Prometheus' own log so far. */
  log(): string;
  close(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}

export async function startPrometheus(options: PrometheusOptions): Promise<RunningPrometheus> {
  const binary = prometheusBinary();
  if (!binary) throw new Error(PROMETHEUS_MISSING);
  const dir = await mkdtemp(join(tmpdir(), 'deploy-kit-prometheus-'));
  const interval = `${Math.max(1, Math.round((options.scrapeIntervalMs ?? 1000) / 1000))}s`;
  const targets = options.targets.map((url) => new URL(url).host);
  const labels = options.labels
    ? [
        '        labels:',
        ...Object.entries(options.labels).map(
          ([name, value]) => `          ${name}: ${JSON.stringify(value)}`,
        ),
      ]
    : [];
  const config = [
    'global:',
    `  scrape_interval: ${interval}`,
    `  evaluation_interval: ${interval}`,
    'scrape_configs:',
    '  - job_name: app',
    `    scrape_timeout: ${interval}`,
    '    static_configs:',
    `      - targets: [${targets.map((t) => `'${t}'`).join(', ')}]`,
    ...labels,
    ...(options.targetsFile
      ? [
          '    file_sd_configs:',
          `      - files: [${JSON.stringify(options.targetsFile)}]`,
          `        refresh_interval: ${interval}`,
          // The labels, on the file's targets too (a replace of nothing by the fixed value).
          ...(options.labels ? ['    relabel_configs:'] : []),
          ...Object.entries(options.labels ?? {}).flatMap(([name, value]) => [
            `      - target_label: ${name}`,
            `        replacement: ${JSON.stringify(value)}`,
          ]),
        ]
      : []),
    '',
  ].join('\n');
  const configFile = join(dir, 'prometheus.yml');
  await writeFile(configFile, config);
  const port = await freePort();
  const child = spawn(
    binary,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  running.add(child);
  let log = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    log = (log + chunk).slice(-20_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (running.delete(child)) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  const failStart = async (why: string): Promise<never> => {
    const tail = log.trim().split('\n').slice(-5).join(' | ');
    await stop();
    throw new Error(`prometheus did not start: ${why}${tail ? `; log: ${tail}` : ''}`);
  };
  // Ready, then every target scraped once (up == 1), so tests can query at once.
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) await failStart('it exited');
    if (Date.now() > deadline) await failStart(`not ready within ${options.startTimeoutMs ?? 30_000} ms`);
    try {
      const ready = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) });
      if (ready.ok) {
        const up = (await getJson(`${url}/api/v1/query?query=up`)) as {
          data: { result: { value: [number, string] }[] };
        };
        const scraped = up.data.result.filter((series) => series.value[1] === '1').length;
        if (scraped >= targets.length) break;
      }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, port, dir, log: () => log, close: stop };
}
