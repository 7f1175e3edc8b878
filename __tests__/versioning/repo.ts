// Real git repositories in temporary folders for the release engine's tests.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

const made: string[] = [];

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'release-test-'));
  made.push(dir);
  return dir;
}

export function cleanup(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function runGit(cwd: string, args: string[]): string {
  return execFileSync('git', ['-c', 'commit.gpgsign=false', '-c', 'tag.gpgsign=false', ...args], {
    cwd,
    env: GIT_ENV,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

export class Repo {
  private counter = 0;
  constructor(readonly dir: string) {}

  static init(dir = tempDir()): Repo {
    runGit(dir, ['init', '--quiet', '--initial-branch=main']);
    return new Repo(dir);
  }

  git(...args: string[]): string {
    return runGit(this.dir, args);
  }

  /** Commits a change (to `file`, default a fresh file) with `message`; returns the SHA. */
  commit(message: string, file?: string): string {
    this.counter += 1;
    const path = join(this.dir, file ?? `f${this.counter}.txt`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${this.counter}\n`, { flag: 'a' });
    this.git('add', '--all');
    this.git('commit', '--quiet', '-m', message);
    return this.head();
  }

  head(): string {
    return this.git('rev-parse', 'HEAD');
  }

  tag(name: string, annotated = false): void {
    if (annotated) this.git('tag', '-a', name, '-m', name);
    else this.git('tag', name);
  }

  revert(sha: string): string {
    this.git('revert', '--no-edit', sha);
    return this.head();
  }
}
