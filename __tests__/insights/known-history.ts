// One known history held three ways: a real git repository (commits at given times, merges included), a file
// ledger, and the fake GitHub (the same commits and deployments). The insights tests, the report's browser
// test and the benchmark read it back and compare.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeploymentState, ReleaseRecord } from '../../src/ledger/types.js';
import type { Store } from '../fakes/github/store.js';
import { at } from './hand-built.js';

export interface KnownCommit {
  name: string;
  /** Hours after T0. */
  hours: number;
  /** Parent names; default: the commit before it in the list. */
  parents?: string[];
}

export interface KnownDeployment {
  version: string;
  commit: string;
  created: number;
  statuses: [DeploymentState, number, string?][];
  /** The index (in the list) of the deployment rolled back from. */
  rollbackOf?: { index: number; reason: string };
}

/** Makes the commits in a new repository at `dir` with one `git fast-import`; returns name → sha. */
export function gitRepository(dir: string, commits: KnownCommit[]): Map<string, string> {
  mkdirSync(dir, { recursive: true });
  execFileSync('git', ['init', '-q', '-b', 'main', dir]);
  const marks = new Map(commits.map((c, i) => [c.name, i + 1]));
  const chunks: string[] = [];
  commits.forEach((commit, i) => {
    const parents = commit.parents ?? (i > 0 ? [commits[i - 1]!.name] : []);
    const seconds = Math.round(Date.parse(at(commit.hours)) / 1000);
    const message = `${commit.name}\n`;
    const content = `${commit.name}\n`;
    chunks.push(
      'commit refs/heads/main',
      `mark :${i + 1}`,
      `author Mona <mona@example.com> ${seconds} +0000`,
      `committer Mona <mona@example.com> ${seconds} +0000`,
      `data ${Buffer.byteLength(message)}`,
      message,
      ...parents.map((p, n) => `${n === 0 ? 'from' : 'merge'} :${marks.get(p)}`),
      'M 644 inline file.txt',
      `data ${Buffer.byteLength(content)}`,
      content,
    );
  });
  const marksFile = join(dir, '.git', 'marks');
  execFileSync('git', ['fast-import', '--quiet', `--export-marks=${marksFile}`], {
    cwd: dir,
    input: `${chunks.join('\n')}\n`,
  });
  execFileSync('git', ['reset', '-q', '--hard', 'main'], { cwd: dir });
  const shas = new Map<string, string>();
  for (const line of readFileSync(marksFile, 'utf8').split('\n')) {
    const [mark, sha] = line.split(' ');
    if (mark && sha) shas.set(commits[Number(mark.slice(1)) - 1]!.name, sha);
  }
  return shas;
}

/** A commit time as git keeps it (whole seconds), in GitHub's form. */
function commitDate(hours: number): string {
  return new Date(Math.round(Date.parse(at(hours)) / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function recordOf(d: KnownDeployment, sha: string, rollbackFrom?: string): ReleaseRecord {
  return {
    version: d.version,
    sha,
    ref: 'main',
    actor: 'mona',
    ...(d.rollbackOf && rollbackFrom
      ? { rollback: { fromDeploymentId: rollbackFrom, fromVersion: '?', reason: d.rollbackOf.reason } }
      : {}),
  };
}

/** Seeds the commits and deployments into the fake GitHub (environment production); returns their ids. */
export function seedGitHub(
  store: Store,
  fullName: string,
  commits: KnownCommit[],
  shas: Map<string, string>,
  deployments: KnownDeployment[],
): string[] {
  commits.forEach((commit, i) => {
    const parents = commit.parents ?? (i > 0 ? [commits[i - 1]!.name] : []);
    store.addCommit(fullName, {
      sha: shas.get(commit.name)!,
      parents: parents.map((p) => shas.get(p)!),
      date: commitDate(commit.hours),
      message: commit.name,
    });
  });
  store.setRef(fullName, 'heads/main', shas.get(commits.at(-1)!.name)!);
  const ids: string[] = [];
  for (const d of deployments) {
    const sha = shas.get(d.commit)!;
    const made = store.addDeployment(fullName, {
      sha,
      ref: 'main',
      environment: 'production',
      createdAt: at(d.created).replace('.000Z', 'Z'),
      payload: { 'deploy-kit': recordOf(d, sha, d.rollbackOf ? ids[d.rollbackOf.index] : undefined) },
      statuses: d.statuses.map(([state, hours, description]) => ({
        state,
        createdAt: at(hours).replace('.000Z', 'Z'),
        autoInactive: false,
        ...(description ? { description } : {}),
      })),
    });
    ids.push(String(made.id));
  }
  return ids;
}

/** Writes the same deployments as a file ledger at `path`, under the given ids (the fake GitHub's). */
export function writeFileLedger(
  path: string,
  shas: Map<string, string>,
  deployments: KnownDeployment[],
  ids: string[] = deployments.map((_, i) => String(i + 1)),
): void {
  const stored = deployments.map((d, i) => {
    const sha = shas.get(d.commit)!;
    return {
      id: ids[i]!,
      environment: 'production',
      task: 'deploy',
      sha,
      ref: 'main',
      createdAt: at(d.created),
      payload: { 'deploy-kit': recordOf(d, sha, d.rollbackOf ? ids[d.rollbackOf.index] : undefined) },
      statuses: d.statuses.map(([state, hours, description]) => ({
        state,
        createdAt: at(hours),
        ...(description ? { description } : {}),
      })),
    };
  });
  const nextId = Math.max(0, ...ids.map(Number)) + 1;
  writeFileSync(path, `${JSON.stringify({ version: 1, nextId, deployments: stored }, null, 2)}\n`);
}

/**
 * A month of production: six commits on main and a two-commit branch merged in, five changes, a redeploy, a
 * canary abort rolled back, a failure after going live fixed forward, a deploy that failed, one in progress.
 * Expected figures (period: T0 to T0 + 30 days), worked out by hand in insights.test.ts.
 */
export function monthOfProduction(): { commits: KnownCommit[]; deployments: KnownDeployment[] } {
  const commits: KnownCommit[] = [
    { name: 'c0', hours: -48 },
    { name: 'c1', hours: 10 },
    { name: 'c2', hours: 20 },
    { name: 'f1', hours: 30, parents: ['c2'] },
    { name: 'f2', hours: 40, parents: ['f1'] },
    { name: 'c3', hours: 50, parents: ['c2'] },
    { name: 'm1', hours: 60, parents: ['c3', 'f2'] },
    { name: 'c4', hours: 200 },
    { name: 'c5', hours: 300 },
  ];
  const deployments: KnownDeployment[] = [
    {
      version: 'v0',
      commit: 'c0',
      created: -47,
      statuses: [
        ['in_progress', -47],
        ['success', -46],
      ],
    },
    {
      version: 'v1',
      commit: 'c2',
      created: 22,
      statuses: [
        ['in_progress', 22],
        ['success', 24],
      ],
    },
    { version: 'v1', commit: 'c2', created: 26, statuses: [['success', 27]] },
    { version: 'v2', commit: 'm1', created: 70, statuses: [['success', 72]] },
    {
      version: 'v1',
      commit: 'c2',
      created: 75,
      statuses: [['success', 76]],
      rollbackOf: { index: 3, reason: 'canary v2 aborted' },
    },
    {
      version: 'v3',
      commit: 'c4',
      created: 210,
      statuses: [
        ['success', 212],
        ['failure', 220, 'post-deploy check: checkout 500s'],
      ],
    },
    {
      version: 'v4',
      commit: 'c5',
      created: 301,
      statuses: [['failure', 302, 'deploy command failed (exit code 1)']],
    },
    { version: 'v5', commit: 'c5', created: 303, statuses: [['success', 304]] },
    { version: 'v6', commit: 'c5', created: 400, statuses: [['in_progress', 400]] },
  ];
  return { commits, deployments };
}
