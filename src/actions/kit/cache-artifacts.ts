// Release bundles in the GitHub Actions cache, so a rollback can redeploy the same bytes. It lives in the
// action kit, not in an engine, because it drives @actions/cache; that package (Azure SDK, http-client,
// glob) is imported only inside save and restore, so actions that never touch a bundle do not pay for it.
//
// How @actions/cache stores a path, and what follows from it:
// - The entry's "version" is a hash of the path strings exactly as given, plus the compression method
//   (zstd when `zstd` is on PATH, else gzip). So save and restore must name the bundle the same way: this
//   store turns every path into its workspace-relative spelling (`dist/app.tgz`), whatever form the caller
//   used, so a rollback that passes the same `artifact-path` finds it, even on a runner whose workspace is
//   elsewhere. A path outside the workspace keeps its absolute spelling and must be the same at restore.
//   A bundle saved where zstd was installed is not found where it is not (and the other way round).
// - Archives are made with tar relative to GITHUB_WORKSPACE and extracted there, so the bytes come back at
//   the same path under the current workspace. A folder is restored over what is there: its files are
//   overwritten, other files are left alone (as FileArtifactStore does).
// - Lookups prefix-match: restoring `k` may find `k2`. restore() asks first (lookupOnly) and accepts only
//   the exact key, so a rollback gets exactly that release or nothing.
// - @actions/cache never throws for a service failure: restoreCache answers undefined and saveCache an id
//   (-1, or the reserved id when the upload or commit failed), after logging `Failed to save/restore:
//   <reason>`. This store captures those lines (so the job gets one warning from the deploy engine, not a
//   stray error annotation) and turns them into errors: restore() answers false only when the key is not
//   there (never saved, evicted, or saved from another path).
// - An existing key is success: the key is environment + version + sha, so it holds the same release.
//
// @actions/cache reads GITHUB_WORKSPACE, RUNNER_TEMP and the current folder (globs resolve against it) at
// call time. Calls are serialised, and during one the process's folder and those two variables are set to
// this store's workspace (and a private temporary folder when RUNNER_TEMP is unset), then put back.
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { ArtifactStore } from '../../ledger/types.js';

type CacheModule = typeof import('@actions/cache');

export interface CacheArtifactStoreOptions {
  /** The folder bundle paths are relative to and restored into (default GITHUB_WORKSPACE, else the current folder). */
  workspace?: string;
}

/** A path as @actions/cache is given it: `spelled` for messages, `pattern` escaped for its glob. */
interface CachePath {
  absolute: string;
  spelled: string;
  pattern: string;
}

interface LoggedFailure {
  level: 'info' | 'warning' | 'error';
  message: string;
}

export class CacheArtifactStore implements ArtifactStore {
  readonly kind = 'actions-cache' as const;
  readonly workspace: string;

  constructor(options: CacheArtifactStoreOptions = {}) {
    this.workspace = resolve(options.workspace ?? process.env.GITHUB_WORKSPACE ?? process.cwd());
  }

  /** How a path is named to the cache: workspace-relative with `/`, or absolute when outside the workspace. */
  cachePath(path: string): CachePath {
    if (path.trim() === '') throw new Error('actions cache: the bundle path is empty');
    if (/[\r\n]/.test(path))
      throw new Error(`actions cache: the bundle path ${JSON.stringify(path)} has a line break`);
    const absolute = resolve(this.workspace, path);
    const inside = relative(this.workspace, absolute);
    const outside = inside.split(sep)[0] === '..' || isAbsolute(inside);
    const spelled = outside ? absolute : inside === '' ? '.' : inside.split(sep).join('/');
    if (/\s$/.test(spelled)) {
      throw new Error(`actions cache: the bundle path ${JSON.stringify(spelled)} ends with white space`);
    }
    let pattern = globEscape(spelled);
    // `!`, `#`, `~` and white space are special at the start of a glob line; `./` keeps them literal.
    if (!outside && /^[!#~\s]/.test(pattern)) pattern = `./${pattern}`;
    return { absolute, spelled, pattern };
  }

  async save(key: string, path: string): Promise<void> {
    const target = this.cachePath(path);
    const what = `${target.spelled} as '${key}'`;
    try {
      await stat(target.absolute);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new Error(`actions cache: cannot save ${what}: ${target.absolute} does not exist`);
      }
      throw error;
    }
    await serialised(() =>
      this.#inWorkspace(async () => {
        const cache = await loadCache('save', what);
        checkMode('save', what, (mode) => mode === 'write' || mode === 'write-only');
        const saved = await capturing(() => cache.saveCache([target.pattern], key)).catch(
          (error: unknown) => {
            throw new Error(`actions cache: cannot save ${what}: ${(error as Error).message}`);
          },
        );
        // The id is returned even when the upload or the commit failed after reserving: only the log tells.
        const failure = saved.failures.at(-1);
        if (!failure && saved.value !== -1) return;
        if (failure?.level === 'info' && /^Unable to reserve cache/.test(failure.message)) {
          // Reserving is refused when the key exists (or is being saved, or the token may not write it).
          const found = await capturing(() =>
            cache.restoreCache([target.pattern], key, [], { lookupOnly: true }),
          );
          if (found.value === key) return; // saved before: the same environment, version and sha
          const lookup = found.failures.at(-1);
          throw new Error(
            `actions cache: could not save ${what}: ${failure.message}` +
              (lookup ? `; looking it up failed too: ${lookup.message}` : ''),
          );
        }
        throw new Error(
          `actions cache: could not save ${what}: ${failure?.message ?? 'the cache service did not accept it (no reason given)'}`,
        );
      }),
    );
  }

  async restore(key: string, path: string): Promise<boolean> {
    const target = this.cachePath(path);
    const what = `'${key}' to ${target.spelled}`;
    return serialised(() =>
      this.#inWorkspace(async () => {
        const cache = await loadCache('restore', what);
        checkMode('restore', what, (mode) => mode === 'write' || mode === 'read');
        const restoreError = (error: unknown) => {
          throw new Error(`actions cache: cannot restore ${what}: ${(error as Error).message}`);
        };
        // Ask first: the service also answers with keys that merely start with `key`.
        const found = await capturing(() =>
          cache.restoreCache([target.pattern], key, [], { lookupOnly: true }),
        ).catch(restoreError);
        if (found.value === undefined) return missOrFailure(found.failures, what);
        if (found.value !== key) return false;
        const restored = await capturing(() => cache.restoreCache([target.pattern], key)).catch(restoreError);
        if (restored.value === undefined) return missOrFailure(restored.failures, what);
        if (restored.value !== key) {
          throw new Error(
            `actions cache: cannot restore ${what}: the service answered with '${restored.value}' instead`,
          );
        }
        try {
          await stat(target.absolute);
        } catch {
          throw new Error(
            `actions cache: restored ${what}, but ${target.absolute} is not there (was it saved from another path?)`,
          );
        }
        return true;
      }),
    );
  }

  /** Runs `work` with the current folder and GITHUB_WORKSPACE at this workspace, and a RUNNER_TEMP. */
  async #inWorkspace<T>(work: () => Promise<T>): Promise<T> {
    const before = {
      cwd: process.cwd(),
      workspace: process.env.GITHUB_WORKSPACE,
      temp: process.env.RUNNER_TEMP,
    };
    let ownTemp: string | undefined;
    try {
      await mkdir(this.workspace, { recursive: true });
      if (!before.temp) {
        ownTemp = await mkdtemp(join(tmpdir(), 'deploy-kit-cache-'));
        process.env.RUNNER_TEMP = ownTemp;
      }
      process.env.GITHUB_WORKSPACE = this.workspace;
      if (resolve(before.cwd) !== this.workspace) process.chdir(this.workspace);
      return await work();
    } finally {
      if (process.cwd() !== before.cwd) process.chdir(before.cwd);
      restoreVariable('GITHUB_WORKSPACE', before.workspace);
      restoreVariable('RUNNER_TEMP', before.temp);
      if (ownTemp) await rm(ownTemp, { recursive: true, force: true });
    }
  }
}

function missOrFailure(failures: LoggedFailure[], what: string): false {
  const failure = failures.at(-1);
  if (failure) throw new Error(`actions cache: cannot restore ${what}: ${failure.message}`);
  return false;
}

async function loadCache(action: 'save' | 'restore', what: string): Promise<CacheModule> {
  const cache = await import('@actions/cache');
  if (!cache.isFeatureAvailable()) {
    throw new Error(
      `actions cache: cannot ${action} ${what}: the Actions cache is not available here (ACTIONS_CACHE_URL and ACTIONS_RESULTS_URL are unset)`,
    );
  }
  return cache;
}

/** The runner's ACTIONS_CACHE_MODE; unset or unknown permits everything, as in @actions/cache. */
function checkMode(action: 'save' | 'restore', what: string, allows: (mode: string) => boolean): void {
  const mode = (process.env.ACTIONS_CACHE_MODE ?? '').trim().toLowerCase();
  if (!['none', 'read', 'write', 'write-only'].includes(mode) || allows(mode)) return;
  throw new Error(
    `actions cache: cannot ${action} ${what}: this run's cache mode '${mode}' does not permit it`,
  );
}

function restoreVariable(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

let queue: Promise<unknown> = Promise.resolve();

/** One cache call at a time: each changes the process's folder and variables while it runs. */
function serialised<T>(work: () => Promise<T>): Promise<T> {
  const run = queue.then(work, work);
  queue = run.catch(() => {});
  return run;
}

const FAILURE = /^(?:::(warning|error)::)?Failed to (?:save|restore): ([\s\S]*)$/;

/**
 * Runs `work` while holding back the `Failed to save/restore: …` lines @actions/cache writes (as info,
 * warning or error) and returns them; everything else is written as usual.
 */
async function capturing<T>(work: () => Promise<T>): Promise<{ value: T; failures: LoggedFailure[] }> {
  const failures: LoggedFailure[] = [];
  const original = process.stdout.write;
  const intercept = (...args: unknown[]): boolean => {
    const [chunk] = args;
    const text =
      typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : undefined;
    const match = text === undefined ? null : FAILURE.exec(text.replace(/\r?\n$/, ''));
    if (!match) return Reflect.apply(original, process.stdout, args) as boolean;
    const command = match[1] as 'warning' | 'error' | undefined;
    const message = match[2] ?? '';
    failures.push({
      level: command ?? 'info',
      // Workflow commands escape their data; info lines are plain.
      message: command ? message.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%') : message,
    });
    const callback = args.find((arg) => typeof arg === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  };
  process.stdout.write = intercept as typeof process.stdout.write;
  try {
    const value = await work();
    return { value, failures };
  } finally {
    process.stdout.write = original;
  }
}

/** Escapes what @actions/glob would read as a pattern (its own rules: `\`, `[…]`, `?`, `*`). */
function globEscape(text: string): string {
  return (process.platform === 'win32' ? text : text.replace(/\\/g, '\\\\'))
    .replace(/(\[)(?=[^/]+\])/g, '[[]')
    .replace(/\?/g, '[?]')
    .replace(/\*/g, '[*]');
}
