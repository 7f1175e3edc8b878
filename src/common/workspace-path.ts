// Every path an action reads or writes (an input, or a path read back from a record) must lie inside the
// workspace or the runner's temporary folder, symlinks followed: `../../etc`, `/etc/hostname` or a link
// that points out are refused before anything runs, naming what was given and where it leads.
import { lstatSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { InputError } from './input-error.js';

/** The folders paths may lead into: GITHUB_WORKSPACE (else the current folder) and RUNNER_TEMP when set. */
export interface PathRoots {
  workspace: string;
  temp?: string;
}

export function pathRoots(env: NodeJS.ProcessEnv = process.env): PathRoots {
  const workspace = resolve(env.GITHUB_WORKSPACE || process.cwd());
  return env.RUNNER_TEMP ? { workspace, temp: resolve(env.RUNNER_TEMP) } : { workspace };
}

/** What a path is, in messages: an input (`'artifact-path'`) or a described value. */
export type PathSource = { input: string } | { what: string };

/**
 * Where `path` really leads: the real path of its nearest existing ancestor (symlinks, dangling ones too,
 * followed) with the rest appended.
 */
export function realDestination(path: string): string {
  let current = resolve(path);
  const rest: string[] = [];
  let links = 0;
  for (;;) {
    try {
      return join(realpathSync(current), ...rest);
    } catch {
      // Not there, or a dangling link: follow the link by hand, or step up to the parent.
    }
    let link: string | undefined;
    try {
      if (lstatSync(current).isSymbolicLink()) link = readlinkSync(current);
    } catch {
      link = undefined;
    }
    if (link !== undefined) {
      links += 1;
      // As the kernel's ELOOP: a cycle of links has no destination.
      if (links > 40) throw new Error(`too many symbolic links in ${path}`);
      current = resolve(dirname(current), link);
      continue;
    }
    const parent = dirname(current);
    if (parent === current) return join(current, ...rest);
    rest.unshift(basename(current));
    current = parent;
  }
}

function isWithin(path: string, root: string): boolean {
  const fromRoot = relative(root, path);
  return fromRoot === '' || (!fromRoot.startsWith('..') && !isAbsolute(fromRoot));
}

/**
 * `given` resolved against `base` (default: the workspace), returned as an absolute path, when it leads
 * inside the workspace or RUNNER_TEMP; otherwise an InputError naming the input and the resolved path.
 */
export function resolveInside(
  source: PathSource,
  given: string,
  roots: PathRoots,
  base: string = roots.workspace,
): string {
  const absolute = resolve(base, given);
  const label = 'input' in source ? source.input : source.what;
  const name = 'input' in source ? `'${source.input}'` : source.what;
  let real: string;
  try {
    real = realDestination(absolute);
  } catch (error) {
    throw new InputError(
      label,
      `${name} must be a path that leads somewhere, got '${given}': ${(error as Error).message}`,
    );
  }
  const allowed = [roots.workspace, roots.temp].filter((root): root is string => root !== undefined);
  if (allowed.some((root) => isWithin(real, realDestination(root)))) return absolute;
  const where = roots.temp
    ? `the workspace (${roots.workspace}) or RUNNER_TEMP (${roots.temp})`
    : `the workspace (${roots.workspace})`;
  throw new InputError(
    label,
    `${name} must be a path inside ${where}, got '${given}', which resolves to '${real}'`,
  );
}

/** An existing folder inside the roots (a `working-directory`), as an absolute path. */
export function resolveFolderInside(source: PathSource, given: string, roots: PathRoots): string {
  const folder = resolveInside(source, given, roots);
  let isFolder = false;
  try {
    isFolder = statSync(folder).isDirectory();
  } catch {
    isFolder = false;
  }
  if (!isFolder) {
    const name = 'input' in source ? `'${source.input}'` : source.what;
    throw new InputError(
      'input' in source ? source.input : source.what,
      `${name} must be an existing folder, got '${folder}'`,
    );
  }
  return folder;
}
