// Commit times from the local git history: exact, and no API call. One `git cat-file` finds which delivered
// commits the clone holds, one `git log` lists every commit they reach that the excluded revisions do not.
import { execFileSync } from 'node:child_process';
import type { CommitGraph, CommitHistory, HistoryRequest } from './commit-graph.js';

const MAX_OUTPUT = 512 * 1024 * 1024;

export class GitHistory implements CommitHistory {
  readonly kind = 'git' as const;

  constructor(readonly cwd: string) {}

  /**
   * A history for `cwd` when it is inside a git work tree with its whole history, else undefined: a shallow
   * clone (actions/checkout's default) cuts the history short, and would make lead times look shorter.
   */
  static at(cwd: string): GitHistory | undefined {
    try {
      const [inside, shallow] = execFileSync(
        'git',
        ['rev-parse', '--is-inside-work-tree', '--is-shallow-repository'],
        { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
      )
        .trim()
        .split('\n');
      return inside === 'true' && shallow === 'false' ? new GitHistory(cwd) : undefined;
    } catch {
      return undefined;
    }
  }

  /** Which of these commits the clone holds (one `git cat-file --batch-check`). */
  present(shas: string[]): Set<string> {
    if (shas.length === 0) return new Set();
    const output = execFileSync('git', ['cat-file', '--batch-check=%(objectname) %(objecttype)'], {
      cwd: this.cwd,
      input: `${shas.join('\n')}\n`,
      encoding: 'utf8',
      maxBuffer: MAX_OUTPUT,
    });
    const found = new Set<string>();
    for (const line of output.split('\n')) {
      const [name, type] = line.split(' ');
      if (type === 'commit' && name) found.add(name);
    }
    return found;
  }

  async read(request: HistoryRequest): Promise<CommitGraph> {
    const wanted = [...new Set(request.heads)];
    const bases = request.exclude.map((rev) => rev.replace(/\^@$/, ''));
    const present = this.present([...new Set([...wanted, ...bases])]);
    const heads = wanted.filter((sha) => present.has(sha));
    const exclude = request.exclude.filter((rev) => present.has(rev.replace(/\^@$/, '')));
    const commits: CommitGraph['commits'] = new Map();
    if (heads.length > 0) {
      const output = execFileSync(
        'git',
        ['log', '--format=%H%x09%P%x09%cI', ...heads, ...(exclude.length > 0 ? ['--not', ...exclude] : [])],
        { cwd: this.cwd, encoding: 'utf8', maxBuffer: MAX_OUTPUT },
      );
      for (const line of output.split('\n')) {
        const [sha, parents, date] = line.split('\t');
        if (!sha || !date) continue;
        commits.set(sha, {
          committedAt: new Date(date).toISOString(),
          parents: parents ? parents.split(' ') : [],
        });
      }
    }
    return {
      commits,
      describe: `local git history (${commits.size} commits, no API call)`,
      missing: wanted.filter((sha) => !present.has(sha)),
    };
  }
}
