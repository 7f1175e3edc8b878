// Git, read-only except for deepening a shallow clone: argument arrays only (execFile, never a shell), refs
// validated and passed after --end-of-options, every history read in ONE call with NUL/US separators.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { promisify } from 'node:util';
import { FULL_SHA, isPlausibleRef } from '../common/git-refs.js';

const exec = promisify(execFile);

/** A commit as git log gives it, before any parsing. */
export interface RawCommit {
  sha: string;
  parents: string[];
  message: string;
}

/** A tag and the commit it points at (annotated tags peeled). */
export interface TagRef {
  name: string;
  commit: string;
}

export class GitError extends Error {
  constructor(
    message: string,
    readonly args: readonly string[],
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'GitError';
  }
}

/** Tag prefixes are matched as a for-each-ref pattern: no glob characters, no option look-alikes. */
export function isValidTagPrefix(prefix: string): boolean {
  return /^[A-Za-z0-9._/-]*$/.test(prefix) && !prefix.startsWith('-') && !prefix.includes('..');
}

const ENV = { ...process.env, LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat' };

/** Runs git with an argument array in cwd and returns stdout; throws GitError with git's own words. */
export async function git(cwd: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await exec('git', ['-c', 'core.quotePath=false', ...args], {
      cwd,
      env: ENV,
      maxBuffer: 1024 * 1024 * 1024,
      encoding: 'utf8',
    });
    return stdout;
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    throw new GitError(`git ${args[0]} failed: ${stderr || (error as Error).message}`, args, stderr);
  }
}

/** The full SHA of the commit `ref` names; throws when it is not a plausible ref or not a commit. */
export async function resolveCommit(cwd: string, ref: string): Promise<string> {
  if (!isPlausibleRef(ref)) throw new Error(`'${ref}' is not a valid git ref`);
  const out = await git(cwd, [
    'rev-parse',
    '--verify',
    '--quiet',
    '--end-of-options',
    `${ref}^{commit}`,
  ]).catch(() => '');
  const sha = out.trim();
  if (!FULL_SHA.test(sha)) throw new Error(`'${ref}' is not a commit in ${cwd}`);
  return sha;
}

export async function isShallow(cwd: string): Promise<boolean> {
  return (await git(cwd, ['rev-parse', '--is-shallow-repository'])).trim() === 'true';
}

/** The commits where a shallow clone's history is cut (empty when the repository is complete). */
export async function shallowCommits(cwd: string): Promise<Set<string>> {
  const path = (await git(cwd, ['rev-parse', '--git-path', 'shallow'])).trim();
  const text = await readFile(isAbsolute(path) ? path : join(cwd, path), 'utf8').catch(() => '');
  return new Set(text.split('\n').filter((line) => FULL_SHA.test(line)));
}

/**
 * Tags whose name starts with `prefix`, with the commit each points at; only those reachable from
 * `mergedInto` (a full SHA) when given. One for-each-ref call.
 */
export async function listTags(cwd: string, prefix: string, mergedInto?: string): Promise<TagRef[]> {
  if (!isValidTagPrefix(prefix)) throw new Error(`'${prefix}' is not a valid tag prefix`);
  if (mergedInto !== undefined && !FULL_SHA.test(mergedInto)) {
    throw new Error(`'${mergedInto}' is not a full commit SHA`);
  }
  const args = ['for-each-ref', '--format=%(refname)%00%(objectname)%00%(*objectname)'];
  if (mergedInto) args.push(`--merged=${mergedInto}`);
  args.push(`refs/tags/${prefix}*`);
  const out = await git(cwd, args);
  const tags: TagRef[] = [];
  for (const line of out.split('\n')) {
    if (!line) continue;
    const [ref = '', object = '', peeled = ''] = line.split('\0');
    tags.push({ name: ref.slice('refs/tags/'.length), commit: peeled || object });
  }
  return tags;
}

export interface LogRange {
  /** Exclusive lower end (a full SHA); the whole history when absent. */
  from?: string;
  /** Inclusive upper end (a full SHA). */
  to: string;
  /** Only commits touching these paths (pathspecs, passed after `--`). */
  paths?: readonly string[];
}

const RECORD = '\0';
const FIELD = '\x1f';

/** Every commit reachable from `to` and not from `from`, newest first, in ONE git log call. */
export async function readCommits(cwd: string, range: LogRange): Promise<RawCommit[]> {
  for (const end of [range.from, range.to]) {
    if (end !== undefined && !FULL_SHA.test(end)) throw new Error(`'${end}' is not a full commit SHA`);
  }
  const args = ['log', '-z', `--format=%H${FIELD}%P${FIELD}%B`, '--no-color', '--end-of-options', range.to];
  if (range.from) args.push(`^${range.from}`);
  if (range.paths?.length) {
    if (range.paths.some((p) => p.length === 0)) throw new Error('paths must not contain an empty path');
    // --full-history: a commit on a merged branch that touched the path is never simplified away.
    args.splice(1, 0, '--full-history');
    args.push('--', ...range.paths);
  }
  const out = await git(cwd, args);
  const commits: RawCommit[] = [];
  for (const record of out.split(RECORD)) {
    if (!record) continue;
    const first = record.indexOf(FIELD);
    const second = record.indexOf(FIELD, first + 1);
    const sha = record.slice(0, first);
    if (!FULL_SHA.test(sha) || second < 0) continue;
    const parents = record.slice(first + 1, second);
    commits.push({ sha, parents: parents ? parents.split(' ') : [], message: record.slice(second + 1) });
  }
  return commits;
}

/** SHAs reachable from `to` and not from `from` (all commits, no path limit). */
export async function revList(cwd: string, to: string, from?: string): Promise<string[]> {
  const args = ['rev-list', '--end-of-options', to];
  if (from) args.push(`^${from}`);
  return (await git(cwd, args)).split('\n').filter(Boolean);
}

/** Fetches `by` more commits of history below the shallow boundary, and the tags, from `remote`. */
export async function deepen(cwd: string, remote: string, by: number | 'unshallow'): Promise<void> {
  if (!isPlausibleRef(remote)) throw new Error(`'${remote}' is not a valid remote name`);
  const how = by === 'unshallow' ? '--unshallow' : `--deepen=${Math.max(1, Math.floor(by))}`;
  await git(cwd, ['fetch', '--quiet', '--no-write-fetch-head', how, '--tags', '--end-of-options', remote]);
}
