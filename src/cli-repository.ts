// Which GitHub repository a command-line run is about. Never guessed: `--repository`, then GITHUB_REPOSITORY,
// then the checkout's git remote `origin` when it points at GitHub (https or ssh). Without any of them the run
// names no repository: the actions then refuse every GitHub call and leave links out (src/actions/kit/context.ts).
import { execFileSync } from 'node:child_process';
import { NAME_THE_REPOSITORY } from './actions/kit/context.js';
import { quote } from './common/input-error.js';

export interface RepositoryChoice {
  /** owner/name, or undefined when nothing names one. */
  repository?: string;
  /** Where it came from: `--repository`, `GITHUB_REPOSITORY` or `git remote origin (<url>)`. */
  source?: string;
}

const OWNER_NAME = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

/** How to name the repository, for errors (the actions say the same). */
export { NAME_THE_REPOSITORY };

/** A bad `--repository` or GITHUB_REPOSITORY: the message names the source and the expected form. */
export class RepositoryError extends Error {}

/**
 * owner/name from a remote URL on `host` (github.com, or a GitHub Enterprise Server's host): the https form
 * (`https://github.com/acme/app.git`, user info allowed), the scp-like ssh form (`git@github.com:acme/app.git`)
 * and the ssh URL form (`ssh://git@github.com:22/acme/app`). Anything else, another host or a deeper path,
 * is not a GitHub repository: undefined.
 */
export function repositoryFromRemote(
  url: string,
  hosts: readonly string[] = ['github.com'],
): string | undefined {
  const text = url.trim();
  let host: string;
  let path: string;
  const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/)(.+)$/.exec(text);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    let parsed: URL;
    try {
      parsed = new URL(text);
    } catch {
      return undefined;
    }
    if (!['https:', 'http:', 'ssh:', 'git+ssh:', 'ssh+git:', 'git:'].includes(parsed.protocol))
      return undefined;
    host = parsed.hostname;
    path = decodeURIComponent(parsed.pathname);
  } else if (scp) {
    host = scp[1] ?? '';
    path = scp[2] ?? '';
  } else {
    return undefined;
  }
  if (!hosts.some((known) => known.toLowerCase() === host.toLowerCase())) return undefined;
  const repository = path
    .replace(/^\/+/, '')
    .replace(/\/+$/, '')
    .replace(/\.git$/, '');
  return OWNER_NAME.test(repository) ? repository : undefined;
}

/** The hosts a remote may name: github.com, and the server of GITHUB_SERVER_URL when it is another (GHES). */
function githubHosts(env: Record<string, string | undefined>): string[] {
  const hosts = ['github.com'];
  try {
    if (env.GITHUB_SERVER_URL) hosts.push(new URL(env.GITHUB_SERVER_URL).hostname);
  } catch {
    // Not a URL: github.com only.
  }
  return hosts;
}

function originUrl(cwd: string): string | undefined {
  try {
    const url = execFileSync('git', ['remote', 'get-url', 'origin'], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    return url || undefined;
  } catch {
    return undefined;
  }
}

/** `https://user:token@github.com/…` → `https://github.com/…`: a remote URL may carry a credential. */
function withoutCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1');
}

export function resolveRepository(
  flag: string | undefined,
  env: Record<string, string | undefined>,
  cwd: string,
): RepositoryChoice {
  const check = (value: string, source: string): RepositoryChoice => {
    if (!OWNER_NAME.test(value)) {
      throw new RepositoryError(`'${source}' must be owner/name like acme/app, got ${quote(value)}`);
    }
    return { repository: value, source };
  };
  if (flag !== undefined) return check(flag, '--repository');
  if (env.GITHUB_REPOSITORY) return check(env.GITHUB_REPOSITORY, 'GITHUB_REPOSITORY');
  const url = originUrl(cwd);
  const repository = url ? repositoryFromRemote(url, githubHosts(env)) : undefined;
  return repository && url ? { repository, source: `git remote origin (${withoutCredentials(url)})` } : {};
}
