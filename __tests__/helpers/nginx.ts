// A real nginx on loopback for tests and the demo: a master process (`daemon off`, so it is our child) with
// everything in a temporary prefix — config, pid file, error log, temp paths — so it runs as any user. Its
// server proxies `/` to an upstream whose block lives in its own file (the file the nginx router writes).
//
//   const nginx = await startNginx({ upstreamFile, upstreamName: 'app', servers: [app1.url, app2.url] });
//   createNginxRouter({ ..., configPath: nginx.upstreamFile, nginxBinary: nginx.binary, nginxArgs: nginx.nginxArgs, pidFile: nginx.pidFile });
//   await nginx.close();   // stops the master and every worker
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { accessSync, constants, existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const NGINX_MISSING = 'nginx not installed: apt-get install nginx-light';

/** The nginx binary: $NGINX_BIN, /usr/sbin/nginx, or the first `nginx` on PATH; undefined when none. */
export function nginxBinary(): string | undefined {
  const candidates = [
    process.env.NGINX_BIN,
    '/usr/sbin/nginx',
    ...(process.env.PATH ?? '').split(':').map((dir) => join(dir, 'nginx')),
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

export function nginxAvailable(): boolean {
  const binary = nginxBinary();
  return binary !== undefined && spawnSync(binary, ['-v'], { stdio: 'ignore' }).status === 0;
}

/** A free TCP port on loopback (listen on 0, close). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (!address || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface NginxOptions {
  /** The upstream file included by nginx.conf (default `<prefix>/upstream.conf`). */
  upstreamFile?: string;
  /** Default `app`. */
  upstreamName?: string;
  /**
   * Servers of the initial upstream file, written when it does not exist yet: URLs (`http://127.0.0.1:8081`)
   * or `host:port`, equal weights. Default: none, and then the file must exist.
   */
  servers?: string[];
  /** Worker processes (default 1: smooth weighted round-robin is then exact across all requests). */
  workers?: number;
  /** Extra directives for the `server` block. */
  serverDirectives?: string[];
}

export interface RunningNginx {
  /** `http://127.0.0.1:<port>`: proxies every path to the upstream. */
  url: string;
  port: number;
  binary: string;
  prefix: string;
  mainConfig: string;
  upstreamFile: string;
  upstreamName: string;
  pidFile: string;
  errorLog: string;
  /** Arguments for any other nginx invocation on this instance (`nginx <nginxArgs> -t`, `-s reload`). */
  nginxArgs: string[];
  /** The master process' pid. */
  pid: number;
  /** The error log's text (reloads, failures). */
  log(): Promise<string>;
  /** Stops the master and its workers (SIGKILL after 5 s) and removes the prefix. */
  close(): Promise<void>;
}

function address(server: string): string {
  return /^https?:\/\//.test(server) ? new URL(server).host : server;
}

function workerPids(master: number): number[] {
  const pids: number[] = [];
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === master) pids.push(Number(entry));
      } catch {
        // gone
      }
    }
  } catch {
    // no /proc
  }
  return pids;
}

/** SIGKILL to each pid that is still an nginx process (a pid reused since is left alone). */
function killAll(pids: number[]): void {
  for (const pid of pids) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('nginx')) continue;
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

/** Masters started here and not closed yet: killed when the test process exits, whatever happens. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) {
    if (child.pid) killAll([...workerPids(child.pid), child.pid]);
  }
});

export async function startNginx(options: NginxOptions = {}): Promise<RunningNginx> {
  const binary = nginxBinary();
  if (!binary) throw new Error(NGINX_MISSING);
  const prefix = await mkdtemp(join(tmpdir(), 'deploy-kit-nginx-'));
  // Workers run as `nobody` when the master is root: they must be able to read what is here.
  await chmod(prefix, 0o755);
  const upstreamName = options.upstreamName ?? 'app';
  const upstreamFile = options.upstreamFile ?? join(prefix, 'upstream.conf');
  if (!existsSync(upstreamFile)) {
    if (!options.servers?.length)
      throw new Error(`startNginx: ${upstreamFile} does not exist and no servers were given`);
    const lines = options.servers.map((server) => `    server ${address(server)};`);
    await writeFile(upstreamFile, `upstream ${upstreamName} {\n${lines.join('\n')}\n}\n`);
  }
  const mainConfig = join(prefix, 'nginx.conf');
  const pidFile = join(prefix, 'nginx.pid');
  const errorLog = join(prefix, 'error.log');
  const nginxArgs = ['-p', prefix, '-c', mainConfig, '-e', errorLog];

  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const config = [
      `worker_processes ${options.workers ?? 1};`,
      'daemon off;',
      `pid ${pidFile};`,
      `error_log ${errorLog} notice;`,
      'events { worker_connections 512; }',
      'http {',
      '  access_log off;',
      `  client_body_temp_path ${join(prefix, 'client_body')};`,
      `  proxy_temp_path ${join(prefix, 'proxy')};`,
      `  fastcgi_temp_path ${join(prefix, 'fastcgi')};`,
      `  uwsgi_temp_path ${join(prefix, 'uwsgi')};`,
      `  scgi_temp_path ${join(prefix, 'scgi')};`,
      `  include ${upstreamFile};`,
      '  server {',
      `    listen 127.0.0.1:${port};`,
      '    location / {',
      `      proxy_pass http://${upstreamName};`,
      '      proxy_http_version 1.1;',
      '      proxy_set_header Connection "";',
      '      proxy_next_upstream off;',
      '    }',
      ...(options.serverDirectives ?? []).map((line) => `    ${line}`),
      '  }',
      '}',
      '',
    ].join('\n');
    await writeFile(mainConfig, config);
    const child = spawn(binary, nginxArgs, { stdio: ['ignore', 'ignore', 'pipe'] });
    running.add(child);
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const exited = once(child, 'exit').then(() => true);
    const deadline = Date.now() + 10_000;
    let up = false;
    while (!up && Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) break;
      up = await canConnect(port);
      if (!up) await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 25))]);
    }
    if (!up) {
      running.delete(child);
      if (child.exitCode === null && child.signalCode === null) {
        if (child.pid) killAll([...workerPids(child.pid), child.pid]);
        await exited;
      }
      const log = await readFile(errorLog, 'utf8').catch(() => '');
      // Another process took the port between freePort and nginx's bind: try another.
      if (attempt < 3 && /Address already in use/.test(`${stderr}${log}`)) continue;
      await rm(prefix, { recursive: true, force: true });
      throw new Error(`nginx did not start: ${(stderr || log).trim().split('\n').slice(-5).join(' | ')}`);
    }
    const pid = child.pid!;
    return {
      url: `http://127.0.0.1:${port}`,
      port,
      binary,
      prefix,
      mainConfig,
      upstreamFile,
      upstreamName,
      pidFile,
      errorLog,
      nginxArgs,
      pid,
      log: () => readFile(errorLog, 'utf8').catch(() => ''),
      async close() {
        if (running.has(child)) {
          const workers = workerPids(pid);
          // SIGTERM: fast shutdown of master and workers.
          child.kill('SIGTERM');
          const killer = setTimeout(() => killAll([...workerPids(pid), pid]), 5000);
          await exited;
          clearTimeout(killer);
          running.delete(child);
          // Workers of the last generation should be gone with the master; make sure.
          killAll(workers);
        }
        await rm(prefix, { recursive: true, force: true });
      },
    };
  }
}
