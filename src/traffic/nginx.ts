// The nginx router: writes a weighted `upstream` block to a file the user's nginx.conf includes (in its
// `http` context), checks it with `nginx -t`, reloads nginx and waits until the reload took: the master
// has started new workers and told the old ones to shut down (so new connections see the new weights).
//
//   # Written by deploy-kit: step 2, canary weight 20%.
//   upstream app {
//       server 127.0.0.1:8081 weight=80;
//       server 127.0.0.1:8082 weight=20;
//   }
//
// nginx weights must be ≥ 1, so weight 0 leaves the canary out of the block and 100 the baseline. The file
// is replaced atomically (temporary file + rename); when the check or the reload fails, the previous file
// is put back, so the file always says what nginx serves. No shell string is ever built: nginx runs from
// an argument array, and a custom reload script gets its values in the environment.

import { execFile } from 'node:child_process';
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { runCommand } from '../command/run.js';
import { HttpClient } from '../http/client.js';
import { redactUrl } from '../http/safe-url.js';
import { sleep } from '../http/timing.js';
import { type Router, RouterError, type RouterLog, type WeightChange } from './types.js';

export interface NginxRouterSettings {
  /** Name of the `upstream` block, as the user's `proxy_pass http://<name>;` refers to it. */
  upstream: string;
  /** The baseline's and the canary's `server` address: `host:port`, `host`, `[::1]:port` or `unix:/path`. */
  baseline: string;
  canary: string;
  /** The file written (only the upstream block); nginx.conf includes it in its `http` context. */
  configPath: string;
  /** The nginx binary (default `nginx` on PATH). */
  nginxBinary?: string;
  /**
   * Arguments given to every nginx invocation (`nginx -t`, `nginx -s reload`), e.g.
   * `['-c', '/etc/nginx/nginx.conf']` or `['-p', prefix, '-c', conf, '-e', errorLog]`.
   */
  nginxArgs?: string[];
  /** Run `nginx -t` before reloading (default true). */
  test?: boolean;
  /**
   * How to reload, instead of `nginx <nginxArgs> -s reload`: an argument array (run without a shell), or a
   * script for `bash -c` that reads its values from the environment (DEPLOY_KIT_NGINX_CONFIG,
   * DEPLOY_KIT_CANARY_WEIGHT, DEPLOY_KIT_STEP, DEPLOY_KIT_BASELINE_VERSION, DEPLOY_KIT_CANARY_VERSION).
   */
  reloadCommand?: string[] | { script: string };
  /**
   * nginx's pid file: used to confirm the reload (new workers started, old ones shutting down). Default:
   * /run/nginx.pid when it exists and the default reload command is used.
   */
  pidFile?: string;
  /** After the reload, GET this URL until it answers 2xx (through nginx, to see it serving). */
  checkUrl?: string;
  /** Bound on the wait for the reload to take and for checkUrl to answer (default 10 s). */
  reloadTimeoutMs?: number;
  /** Timeout of `nginx -t` and of the reload command (default 30 s). */
  commandTimeoutMs?: number;
  /** `keepalive N;` in the upstream block (idle connections kept to the servers). */
  keepalive?: number;
  /** Working directory and environment of a reload script (default process.cwd() and process.env). */
  cwd?: string;
  env?: Record<string, string | undefined>;
}

export interface NginxRouterDeps {
  log?: RouterLog;
}

const NAME = /^[A-Za-z0-9_.-]+$/;
/** A server address: no whitespace, quotes, `;`, `{`, `}`, `#` or `$`, so it cannot end the directive. */
const ADDRESS = /^(?:unix:\/[^\s;{}#$'"\\]+|[A-Za-z0-9._-]+(?::\d{1,5})?|\[[0-9A-Fa-f:.]+\](?::\d{1,5})?)$/;
const DEFAULT_PID_FILE = '/run/nginx.pid';
const POLL_MS = 25;

function fail(message: string, setting?: keyof NginxRouterSettings): never {
  throw new RouterError(`nginx router: ${message}`, 'nginx', setting);
}

/** Checks the settings; throws a RouterError naming the bad one. Called by createNginxRouter. */
export function validateNginxSettings(settings: NginxRouterSettings): void {
  if (!NAME.test(settings.upstream))
    fail(`upstream name must be letters, digits, '.', '_' or '-', got '${settings.upstream}'`, 'upstream');
  for (const side of ['baseline', 'canary'] as const) {
    const address = settings[side];
    if (!ADDRESS.test(address))
      fail(`${side} address must be host:port, [ipv6]:port or unix:/path, got '${address}'`, side);
  }
  if (!settings.configPath) fail('config path is empty', 'configPath');
  if (settings.keepalive !== undefined && !(Number.isInteger(settings.keepalive) && settings.keepalive > 0))
    fail(`keepalive must be a positive whole number, got ${settings.keepalive}`, 'keepalive');
  const reload = settings.reloadCommand;
  if (Array.isArray(reload) && reload.length === 0) fail('reload command is an empty list', 'reloadCommand');
}

/** nginx's integer weights for a canary weight in percent (two decimals kept: 0.5% → 50 and 9950). */
export function nginxWeights(weight: number): { baseline: number; canary: number } {
  if (!(weight >= 0 && weight <= 100)) fail(`weight must be within 0..100, got ${weight}`);
  const hundredths = Math.round(weight * 100);
  if (hundredths % 100 === 0) return { baseline: 100 - hundredths / 100, canary: hundredths / 100 };
  return { baseline: 10_000 - hundredths, canary: hundredths };
}

/** The text of the upstream file for a weight; servers whose weight is 0 are left out. */
export function renderUpstream(settings: NginxRouterSettings, change: Omit<WeightChange, 'signal'>): string {
  const weights = nginxWeights(change.weight);
  const lines = [
    `# Written by deploy-kit canary-promote: step ${change.step}, canary weight ${change.weight}%`,
    `# (baseline ${oneLine(change.baselineVersion)}, canary ${oneLine(change.canaryVersion)}). Rewritten at each step.`,
    `upstream ${settings.upstream} {`,
  ];
  if (weights.baseline > 0) lines.push(`    server ${settings.baseline} weight=${weights.baseline};`);
  if (weights.canary > 0) lines.push(`    server ${settings.canary} weight=${weights.canary};`);
  if (settings.keepalive !== undefined) lines.push(`    keepalive ${settings.keepalive};`);
  lines.push('}', '');
  return lines.join('\n');
}

/** A version as it may appear in a comment: one line, printable. */
function oneLine(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 100);
}

interface Ran {
  code: number | null;
  output: string;
}

function lastLines(text: string, n = 5): string {
  return text.trim().split('\n').slice(-n).join(' | ');
}

/** Runs a program from an argument array (no shell); never rejects. */
function run(file: string, args: string[], timeoutMs: number, signal?: AbortSignal): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { timeout: timeoutMs, killSignal: 'SIGKILL', signal, maxBuffer: 1024 * 1024 },
      (error, stdout, stderr) => {
        const output = `${stdout}${stderr}`;
        if (!error) return resolve({ code: 0, output });
        const err = error as NodeJS.ErrnoException & { code?: string | number; killed?: boolean };
        if (err.name === 'AbortError') return resolve({ code: null, output: `${output}\ncancelled` });
        if (typeof err.code === 'string')
          return resolve({ code: null, output: `${err.code}: ${err.message}` });
        if (err.killed) return resolve({ code: null, output: `${output}\nkilled after ${timeoutMs} ms` });
        resolve({ code: typeof err.code === 'number' ? err.code : 1, output });
      },
    );
  });
}

/** The children of a process (from /proc), with their command lines. Empty when it has none or is gone. */
export async function childProcesses(pid: number): Promise<Map<number, string>> {
  const children = new Map<number, string>();
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return children;
  }
  await Promise.all(
    entries.map(async (entry) => {
      if (!/^\d+$/.test(entry)) return;
      try {
        const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
        // pid (comm) state ppid ...: comm may hold spaces and parentheses, so read after the last ')'.
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid !== pid) return;
        const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8');
        children.set(Number(entry), cmdline.replace(/\0/g, ' ').trim());
      } catch {
        // Gone meanwhile.
      }
    }),
  );
  return children;
}

async function readPid(file: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(file, 'utf8')).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Replaces a file's content atomically: a temporary file in the same folder, then rename. */
async function writeAtomically(path: string, content: string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await writeFile(temp, content, { mode: 0o644 });
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

export function createNginxRouter(settings: NginxRouterSettings, deps: NginxRouterDeps = {}): Router {
  validateNginxSettings(settings);
  const nginx = settings.nginxBinary ?? 'nginx';
  const nginxArgs = settings.nginxArgs ?? [];
  const commandTimeoutMs = settings.commandTimeoutMs ?? 30_000;
  const reloadTimeoutMs = settings.reloadTimeoutMs ?? 10_000;
  const log = deps.log;
  /** setWeight calls run one at a time (an abort's weight 0 waits for a step's change to finish). */
  let queue: Promise<void> = Promise.resolve();

  const pidFile = async (): Promise<string | undefined> => {
    if (settings.pidFile) return settings.pidFile;
    if (settings.reloadCommand) return undefined;
    return (await readPid(DEFAULT_PID_FILE)) ? DEFAULT_PID_FILE : undefined;
  };

  const reload = async (change: WeightChange): Promise<void> => {
    const reloadCommand = settings.reloadCommand;
    if (reloadCommand === undefined || Array.isArray(reloadCommand)) {
      const [file, ...args] = reloadCommand ?? [nginx, ...nginxArgs, '-s', 'reload'];
      const ran = await run(file!, args, commandTimeoutMs, change.signal);
      if (ran.code !== 0)
        fail(
          `reload (${[file, ...args].join(' ')}) failed${ran.code === null ? '' : ` with exit code ${ran.code}`}: ${lastLines(ran.output)}`,
        );
      return;
    }
    const result = await runCommand({
      script: reloadCommand.script,
      cwd: settings.cwd ?? process.cwd(),
      env: {
        ...(settings.env ?? process.env),
        DEPLOY_KIT_NGINX_CONFIG: settings.configPath,
        DEPLOY_KIT_CANARY_WEIGHT: String(change.weight),
        DEPLOY_KIT_STEP: String(change.step),
        DEPLOY_KIT_BASELINE_VERSION: change.baselineVersion,
        DEPLOY_KIT_CANARY_VERSION: change.canaryVersion,
      },
      signal: change.signal,
      keepLines: 5,
    });
    if (result.cancelled) fail('reload command cancelled');
    if (result.exitCode !== 0)
      fail(
        `reload command failed with ${result.signal ? `signal ${result.signal}` : `exit code ${result.exitCode}`}: ${result.lastLines.join(' | ')}`,
      );
  };

  /** Until the master has a worker it did not have before and every old worker is shutting down or gone. */
  const waitForWorkers = async (
    master: number,
    before: Map<number, string>,
    deadline: number,
    signal?: AbortSignal,
  ) => {
    for (;;) {
      const now = await childProcesses(master);
      const fresh = [...now.keys()].some((pid) => !before.has(pid));
      const oldServing = [...before.keys()].filter((pid) => {
        const cmdline = now.get(pid);
        return cmdline !== undefined && /worker process/.test(cmdline) && !/shutting down/.test(cmdline);
      });
      if (fresh && oldServing.length === 0) return;
      if (!(await readOptional(`/proc/${master}/stat`).catch(() => undefined)))
        fail(`nginx (pid ${master}) is not running`);
      if (Date.now() >= deadline || signal?.aborted)
        fail(
          signal?.aborted
            ? 'cancelled while waiting for the reload'
            : `nginx (pid ${master}) did not start new workers within ${reloadTimeoutMs} ms of the reload: the new configuration was not loaded (see nginx's error log)`,
        );
      await sleep(POLL_MS, signal);
    }
  };

  const waitForCheckUrl = async (url: string, deadline: number, signal?: AbortSignal) => {
    const client = new HttpClient({ maxSockets: 1 });
    const spec = {
      url,
      method: 'GET',
      headers: {},
      timeoutMs: 2000,
      followRedirects: false,
      maxRedirects: 0,
      tls: { insecure: false },
    };
    let last = '';
    try {
      for (;;) {
        const result = await client.request(spec, { keepBody: false, signal });
        const status = result.answer?.status;
        if (status !== undefined && status >= 200 && status < 300) return;
        last = result.error ? result.error.message : `status ${status}`;
        if (Date.now() >= deadline || signal?.aborted)
          fail(
            `${redactUrl(url)} did not answer 2xx within ${reloadTimeoutMs} ms of the reload (last: ${last})`,
          );
        client.close();
        await sleep(100, signal);
      }
    } finally {
      client.destroy();
    }
  };

  const apply = async (change: WeightChange): Promise<void> => {
    const content = renderUpstream(settings, change);
    const previous = await readOptional(settings.configPath).catch((error: Error) =>
      fail(`cannot read ${settings.configPath}: ${error.message}`),
    );
    const restore = async () => {
      if (previous === undefined) await rm(settings.configPath, { force: true });
      else await writeAtomically(settings.configPath, previous);
    };
    await writeAtomically(settings.configPath, content).catch((error: Error) =>
      fail(`cannot write ${settings.configPath}: ${error.message}`),
    );
    /** Once nginx runs the new file, putting the old one back would make the file lie. */
    let loaded = false;
    try {
      if (settings.test ?? true) {
        const ran = await run(nginx, [...nginxArgs, '-t', '-q'], commandTimeoutMs, change.signal);
        if (ran.code !== 0)
          fail(
            `configuration check (nginx -t) failed for weight ${change.weight}%; the previous upstream file was put back: ${lastLines(ran.output)}`,
          );
      }
      const pids = await pidFile();
      const master = pids ? await readPid(pids) : undefined;
      const before = master ? await childProcesses(master) : undefined;
      const deadline = Date.now() + reloadTimeoutMs;
      await reload(change);
      // Without workers (master_process off) there is no generation to watch.
      if (master && before && before.size > 0) await waitForWorkers(master, before, deadline, change.signal);
      loaded = true;
      if (settings.checkUrl) await waitForCheckUrl(settings.checkUrl, deadline, change.signal);
      if (!master && !settings.checkUrl)
        log?.warning(
          'nginx router: no pid file or check URL is set, so the reload is assumed to have taken when the reload command returned',
        );
      log?.info(
        `nginx router: upstream ${settings.upstream} set to canary ${change.weight}% (step ${change.step}) in ${settings.configPath}`,
      );
    } catch (error) {
      if (!loaded) await restore().catch(() => undefined);
      if (error instanceof RouterError) throw error;
      fail((error as Error).message);
    }
  };

  return {
    kind: 'nginx',
    setWeight(change) {
      const next = queue.then(() => apply(change));
      queue = next.catch(() => undefined);
      return next;
    },
  };
}
