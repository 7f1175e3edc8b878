// Shared helpers of the benchmarks: timing, statistics, child processes, Markdown and machine facts.
// A benchmark is a file bench/<name>.bench.ts exporting `run(): Promise<BenchResult>`; bench/run.ts finds it.
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, release, tmpdir, totalmem, type } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (the folder above bench/). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface BenchResult {
  /** Section heading in docs/BENCHMARKS.md. */
  title: string;
  /** A Markdown table of the figures (see `table()`). */
  table: string;
  /** The goal, in words, e.g. "start-up ≤ 2.0× bare `node -e 0`". */
  goal: string;
  met: boolean;
  /** One line on how it was measured. */
  method: string;
  /** Anything a reader must know to trust the figures (one line each). */
  notes?: string[];
}

/** Milliseconds since an arbitrary origin, from the monotonic high-resolution clock. */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Runs fn and returns its result with the wall time it took, in ms. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = nowMs();
  const value = await fn();
  return { value, ms: nowMs() - started };
}

/** The p-th percentile (0..100) by linear interpolation between closest ranks. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export interface ProcessRun {
  ms: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Spawns a process and measures its wall time from spawn to exit (streams drained), in ms. */
export function timeProcess(
  command: string,
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number },
): Promise<ProcessRun> {
  return new Promise((done, fail) => {
    const started = nowMs();
    const child = spawn(command, args, {
      env: options.env,
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      fail(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ ms: nowMs() - started, code, signal, stdout, stderr });
    });
  });
}

/** A long-running helper process (a server), in its own process group so it can be ended with its children. */
export interface Helper {
  child: ChildProcess;
  /** The first line it printed on stdout. */
  firstLine: string;
  stop(): Promise<void>;
}

/** Starts a helper process and waits for its first stdout line (e.g. the URL it listens on). */
export async function startHelper(
  command: string,
  args: readonly string[],
  options: SpawnOptions & { readyTimeoutMs?: number } = {},
): Promise<Helper> {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    killGroup(child, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 2000);
    await exited;
    clearTimeout(timer);
    killGroup(child, 'SIGKILL'); // anything it left behind in its group
  };
  // If the bench process dies anyway, take the helper with it.
  const onExit = () => killGroup(child, 'SIGKILL');
  process.once('exit', onExit);
  child.once('exit', () => process.removeListener('exit', onExit));

  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  try {
    const firstLine = await new Promise<string>((done, fail) => {
      let out = '';
      const timer = setTimeout(
        () =>
          fail(
            new Error(
              `${command} ${args.join(' ')}: no output within ${options.readyTimeoutMs ?? 20_000} ms`,
            ),
          ),
        options.readyTimeoutMs ?? 20_000,
      );
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk;
        const newline = out.indexOf('\n');
        if (newline >= 0) {
          clearTimeout(timer);
          done(out.slice(0, newline).trim());
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        fail(new Error(`${command} ${args.join(' ')} exited with ${code}: ${stderr.trim()}`));
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        fail(error);
      });
    });
    child.stdout?.resume();
    return { child, firstLine, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** A Markdown table; cells are escaped for `|`. The first column is left-aligned, the rest right unless told. */
export function table(
  headers: readonly string[],
  rows: readonly (readonly (string | number)[])[],
  align: readonly ('left' | 'right')[] = headers.map((_, i) => (i === 0 ? 'left' : 'right')),
): string {
  const cell = (value: string | number) => String(value).replace(/\|/g, '\\|');
  const rule = headers.map((_, i) => (align[i] === 'right' ? '---:' : '---'));
  return [headers, rule, ...rows].map((row) => `| ${row.map(cell).join(' | ')} |`).join('\n');
}

/** A number with a fixed count of decimals. */
export function fixed(value: number, decimals = 1): string {
  return Number.isFinite(value) ? value.toFixed(decimals) : '–';
}

/** A count and its noun, singular for one: `1 request`, `8 calls`, `2 history reads`. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

/** Equal neighbours once, with their count: `a, b, b, b` → `a, 3 × b`. */
export function runs(labels: readonly string[]): string {
  const parts: string[] = [];
  for (let i = 0; i < labels.length; ) {
    let j = i;
    while (j < labels.length && labels[j] === labels[i]) j++;
    parts.push(j - i === 1 ? labels[i]! : `${j - i} × ${labels[i]}`);
    i = j;
  }
  return parts.join(', ');
}

/** A ratio like `1.23×`. */
export function ratio(value: number): string {
  return `${fixed(value, 2)}×`;
}

/** A byte count in decimal units (`1.23 MB`), as the goals are written. */
export function bytes(value: number): string {
  const units = ['B', 'kB', 'MB', 'GB'];
  let scaled = value;
  let unit = 0;
  while (scaled >= 1000 && unit < units.length - 1) {
    scaled /= 1000;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${scaled.toFixed(2)} ${units[unit]}`;
}

export interface Machine {
  cpu: string;
  cores: number;
  memory: string;
  node: string;
  os: string;
  date: string;
}

export function machine(): Machine {
  let cpu = cpus()[0]?.model ?? 'unknown';
  let os = `${type()} ${release()}`;
  try {
    const model = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (model?.[1]) cpu = model[1].trim();
  } catch {
    // Not Linux: keep os.cpus().
  }
  try {
    const pretty = /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'));
    if (pretty?.[1]) os = `${pretty[1]}, kernel ${release()}`;
  } catch {
    // Keep uname.
  }
  return {
    cpu,
    cores: availableParallelism(),
    memory: `${(totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    node: process.version,
    os,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  };
}

/** Where the action bundles measured in this run live. */
export interface Bundles {
  /** A folder laid out like the repository: package.json, bin/, <action>/action.yml, dist/. */
  root: string;
  /** True when they are the repository's own dist/; false for a fresh build made for this run. */
  fromRepo: boolean;
  /** Names of the entries the build produces (action folders with src/actions/<name>/index.ts, and cli). */
  entries: string[];
  /** Why a fresh build was made, or why none could be. */
  note?: string;
}

/** The fresh build, made at most once per run (a failure is kept too, so a broken tree costs one build). */
let freshBuild: Promise<Bundles> | undefined;

/** Action folders with an action.yml and an entry in src/actions, plus the CLI: what `npm run build` makes. */
function buildEntries(): string[] {
  const actions = readdirSync(join(ROOT, 'src', 'actions'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(ROOT, 'src', 'actions', d.name, 'index.ts')))
    .map((d) => d.name)
    .filter((name) => existsSync(join(ROOT, name, 'action.yml')));
  return [...actions.sort(), 'cli'];
}

/**
 * The repository's dist/ when every entry is built there; otherwise one fresh build of the working tree
 * (scripts/build.mjs) into a temporary copy of the layout the bundles expect, made once per run and
 * removed at exit, so the benchmarks never write into the repository.
 */
export async function bundles(): Promise<Bundles> {
  const entries = buildEntries();
  const missing = entries.filter((name) => !existsSync(join(ROOT, 'dist', name, 'index.js')));
  if (missing.length === 0) return { root: ROOT, fromRepo: true, entries };
  freshBuild ??= (async () => {
    const root = mkdtempSync(join(tmpdir(), 'deploy-kit-bench-build-'));
    process.once('exit', () => rmSync(root, { recursive: true, force: true }));
    cpSync(join(ROOT, 'package.json'), join(root, 'package.json'));
    cpSync(join(ROOT, 'bin'), join(root, 'bin'), { recursive: true });
    for (const entry of readdirSync(ROOT, { withFileTypes: true })) {
      if (entry.isDirectory() && existsSync(join(ROOT, entry.name, 'action.yml'))) {
        cpSync(join(ROOT, entry.name, 'action.yml'), join(root, entry.name, 'action.yml'));
      }
    }
    progress(`dist/ lacks ${missing.join(', ')}: building the working tree into ${root}`);
    const build = await timeProcess(
      process.execPath,
      [join(ROOT, 'scripts', 'build.mjs'), '--out', join(root, 'dist')],
      {
        env: process.env,
        cwd: ROOT,
        timeoutMs: 180_000,
      },
    );
    const why = `dist/ lacks ${missing.join(', ')}`;
    if (build.code !== 0) {
      return {
        root: ROOT,
        fromRepo: true,
        entries,
        note: `${why} and a fresh build failed: ${`${build.stderr}\n${build.stdout}`
          .split('\n')
          .map((line) => line.trim())
          .filter((line) => line.length > 0 && !line.startsWith('at '))
          .slice(0, 2)
          .join(' ')
          .slice(0, 300)}`,
      };
    }
    return {
      root,
      fromRepo: false,
      entries,
      note: `${why}, so these are bundles of the working tree built for this run (scripts/build.mjs, ${fixed(build.ms / 1000)} s).`,
    };
  })();
  return freshBuild;
}

/** Logs progress on stderr, so stdout stays for results. */
export function progress(message: string): void {
  process.stderr.write(`  ${message}\n`);
}
