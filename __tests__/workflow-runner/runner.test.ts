// The test workflow runner itself: expressions, conditions, command files, timeouts, cancellation, inputs,
// and the three forms of a deploy-kit `uses:` run through src/runner/.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../fakes/test-app.js';
import { repoRoot } from '../helpers/repo.js';
import { deployKitAction, runJob, runWorkflow, type WorkflowRunOptions } from './runner.js';

const SHA = 'a'.repeat(40);

function workflow(text: string): { workspace: string; file: string } {
  const workspace = mkdtempSync(join(tmpdir(), 'wf-runner-'));
  const file = join(workspace, 'wf.yml');
  writeFileSync(file, text);
  return { workspace, file };
}

function options(
  file: string,
  workspace: string,
  extra: Partial<WorkflowRunOptions> = {},
): WorkflowRunOptions {
  return { workflow: file, workspace, github: { repository: 'octo/app', sha: SHA }, ...extra };
}

describe('run steps', () => {
  it('passes outputs, env and path between steps, honours working-directory, and masks secrets', async () => {
    const { workspace, file } = workflow(`
on: push
env: { LEVEL: workflow }
jobs:
  build:
    runs-on: ubuntu-latest
    env:
      JOB_VAR: \${{ vars.COLOUR }}
    outputs:
      tag: \${{ steps.tag.outputs.tag }}
    steps:
      - id: tag
        run: |
          echo "tag=\${GITHUB_SHA::7}" >> "$GITHUB_OUTPUT"
          echo "FROM_ENV=set by step one" >> "$GITHUB_ENV"
          mkdir -p "$RUNNER_TEMP/bin" && printf '#!/bin/sh\\necho tool ran\\n' > "$RUNNER_TEMP/bin/mytool"
          chmod +x "$RUNNER_TEMP/bin/mytool" && echo "$RUNNER_TEMP/bin" >> "$GITHUB_PATH"
      - name: Use them
        working-directory: sub
        env:
          TAG: \${{ steps.tag.outputs.tag }}
          SECRET: \${{ secrets.API_KEY }}
        run: |
          echo "tag=$TAG level=$LEVEL job=$JOB_VAR from=$FROM_ENV dir=$(basename "$PWD") secret=$SECRET"
          mytool
          echo "### done" >> "$GITHUB_STEP_SUMMARY"
`);
    mkdirSync(join(workspace, 'sub'));
    const run = await runJob({
      ...options(file, workspace, { vars: { COLOUR: 'blue' }, secrets: { API_KEY: 'hunter2' } }),
      job: 'build',
    });
    expect(run.errors).toEqual([]);
    expect(run.conclusion).toBe('success');
    expect(run.outputs).toEqual({ tag: 'aaaaaaa' });
    expect(run.steps[1]?.log).toContain(
      'tag=aaaaaaa level=workflow job=blue from=set by step one dir=sub secret=***',
    );
    expect(run.steps[1]?.log).toContain('tool ran');
    expect(run.summary).toContain('### done');
  });

  it('runs failure() and always() steps after a failure, skips success() ones, and honours continue-on-error', async () => {
    const { workspace, file } = workflow(`
on: push
jobs:
  j:
    runs-on: ubuntu-latest
    steps:
      - id: soft
        continue-on-error: true
        run: exit 3
      - id: after-soft
        run: echo "soft=\${{ steps.soft.outcome }}/\${{ steps.soft.conclusion }}"
      - id: hard
        run: exit 4
      - id: skipped
        run: echo never
      - id: on-failure
        if: failure()
        run: echo "failure seen"
      - id: always
        if: \${{ always() && steps.hard.outcome == 'failure' }}
        run: echo always
`);
    const run = await runJob({ ...options(file, workspace), job: 'j' });
    expect(run.conclusion).toBe('failure');
    const byId = Object.fromEntries(run.steps.map((s) => [s.id, s]));
    expect(byId['after-soft']?.log).toContain('soft=failure/success');
    expect(byId.hard?.outcome).toBe('failure');
    expect(byId.skipped?.outcome).toBe('skipped');
    expect(byId['on-failure']?.log).toContain('failure seen');
    expect(byId.always?.log).toContain('always');
    expect(run.errors).toEqual([
      "step 'Run exit 3': exited with code 3",
      "step 'Run exit 4': exited with code 4",
    ]);
  });

  it('fails a step past its timeout-minutes and a job past its own', async () => {
    const { workspace, file } = workflow(`
on: push
jobs:
  j:
    runs-on: ubuntu-latest
    steps:
      - name: slow
        timeout-minutes: 1
        run: sleep 30
      - if: failure()
        run: echo cleanup
  k:
    runs-on: ubuntu-latest
    timeout-minutes: 1
    steps:
      - run: sleep 30
`);
    const started = Date.now();
    const runs = await runWorkflow({ ...options(file, workspace), minuteMs: 300 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(runs.j?.conclusion).toBe('failure');
    expect(runs.j?.errors).toEqual(["step 'slow': exceeded its timeout-minutes"]);
    expect(runs.j?.steps[1]?.log).toContain('cleanup');
    expect(runs.k?.conclusion).toBe('cancelled');
    expect(runs.k?.errors[0]).toContain("job 'k' exceeded its timeout");
  });

  it('cancels: the running step is stopped, cancelled() steps run, success() ones do not', async () => {
    const { workspace, file } = workflow(`
on: push
jobs:
  j:
    runs-on: ubuntu-latest
    steps:
      - run: echo started; sleep 30
      - run: echo next
      - if: cancelled()
        run: echo "cleaning up"
`);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 500);
    const run = await runJob({ ...options(file, workspace, { signal: controller.signal }), job: 'j' });
    expect(run.conclusion).toBe('cancelled');
    expect(run.steps.map((s) => s.outcome)).toEqual(['cancelled', 'skipped', 'success']);
    expect(run.steps[2]?.log).toContain('cleaning up');
  });

  it('runs jobs in needs order with needs outputs, and skips a job whose need failed', async () => {
    const { workspace, file } = workflow(`
on: push
jobs:
  deploy:
    needs: build
    runs-on: ubuntu-latest
    steps:
      - run: echo "deploying \${{ needs.build.outputs.tag }} after \${{ needs.build.result }}"
  build:
    runs-on: ubuntu-latest
    outputs:
      tag: \${{ steps.t.outputs.tag }}
    steps:
      - id: t
        run: echo "tag=v9" >> "$GITHUB_OUTPUT"
`);
    const runs = await runWorkflow(options(file, workspace));
    expect(runs.deploy?.steps[0]?.log).toContain('deploying v9 after success');
    const given = await runJob({
      ...options(file, workspace, { needs: { build: { result: 'failure', outputs: {} } } }),
      job: 'deploy',
    });
    expect(given.conclusion).toBe('skipped');
    await expect(runJob({ ...options(file, workspace), job: 'deploy' })).rejects.toThrow(
      "job 'deploy' needs 'build', which neither ran nor was given",
    );
  });
});

describe('values', () => {
  it('gives a block scalar holding ${{ }} its YAML value: indentation removed, chomping applied', async () => {
    const { workspace, file } = workflow(`
on: push
jobs:
  j:
    runs-on: ubuntu-latest
    steps:
      - env:
          CLIPPED: |
            - { url: "\${{ github.sha }}/a" }
              nested: \${{ github.repository }}
          STRIPPED: |-
            one \${{ github.repository }}
        run: |
          printf '[%s]' "$CLIPPED" "$STRIPPED"
`);
    const run = await runJob({ ...options(file, workspace), job: 'j' });
    expect(run.steps[0]?.log).toBe(`[- { url: "${SHA}/a" }\n  nested: octo/app\n][one octo/app]`);
  });

  it('runs a reusable workflow of the workspace with its inputs and the caller secrets (inherit)', async () => {
    const { workspace, file } = workflow(`
on: push
jobs:
  call:
    uses: ./called.yml
    with:
      who: \${{ github.repository }}
    secrets: inherit
`);
    writeFileSync(
      join(workspace, 'called.yml'),
      `
on:
  workflow_call:
    inputs:
      who: { type: string, required: true }
      greeting: { type: string, default: hello }
jobs:
  inner:
    runs-on: ubuntu-latest
    steps:
      - env:
          TOKEN: \${{ secrets.API_KEY }}
        run: echo "\${{ inputs.greeting }} \${{ inputs.who }} $TOKEN"
`,
    );
    const run = await runJob({ ...options(file, workspace, { secrets: { API_KEY: 'k3y' } }), job: 'call' });
    expect(run.conclusion).toBe('success');
    expect(run.called?.inner?.steps[0]?.log).toBe('hello octo/app ***\n');
  });
});

describe('workflow_dispatch inputs', () => {
  const text = `
on:
  workflow_dispatch:
    inputs:
      environment: { type: choice, options: [staging, production], default: production }
      reason: { type: string, required: true }
      dry-run: { type: boolean, default: false }
jobs:
  j:
    runs-on: ubuntu-latest
    steps:
      - run: echo "env=\${{ inputs.environment }} reason=\${{ inputs.reason }} dry=\${{ inputs.dry-run }} \${{ inputs.dry-run && 'yes' || 'no' }}"
`;
  it('applies defaults and types', async () => {
    const { workspace, file } = workflow(text);
    const run = await runJob({ ...options(file, workspace, { inputs: { reason: 'bad' } }), job: 'j' });
    expect(run.steps[0]?.log).toContain('env=production reason=bad dry=false no');
    const dry = await runJob({
      ...options(file, workspace, { inputs: { reason: 'x', 'dry-run': 'true', environment: 'staging' } }),
      job: 'j',
    });
    expect(dry.steps[0]?.log).toContain('env=staging reason=x dry=true yes');
  });

  it('refuses a missing required input, an undeclared one, and a choice outside the options', async () => {
    const { workspace, file } = workflow(text);
    await expect(runJob({ ...options(file, workspace), job: 'j' })).rejects.toThrow(
      "input 'reason' is required",
    );
    await expect(
      runJob({ ...options(file, workspace, { inputs: { reason: 'x', colour: 'red' } }), job: 'j' }),
    ).rejects.toThrow("input 'colour' is not declared");
    await expect(
      runJob({ ...options(file, workspace, { inputs: { reason: 'x', environment: 'qa' } }), job: 'j' }),
    ).rejects.toThrow("input 'environment' must be one of staging, production");
  });

  it('fails the step that reads an input the workflow does not declare', async () => {
    const { workspace, file } = workflow(
      text.replace('dry=${{ inputs.dry-run }}', 'dry=${{ inputs.dry_run }}'),
    );
    const run = await runJob({ ...options(file, workspace, { inputs: { reason: 'x' } }), job: 'j' });
    expect(run.conclusion).toBe('failure');
    expect(run.errors[0]).toMatch(
      /^step 'Run .*': inputs\.dry_run: the workflow declares no input 'dry_run' \(its inputs: environment, reason, dry-run\)$/,
    );
  });
});

describe('uses', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ version: 'v1' });
  });
  afterAll(() => app.close());

  it('resolves the three forms of a deploy-kit action to this checkout, and nothing else', () => {
    expect(deployKitAction('./smoke-test', repoRoot)).toBe(join(repoRoot, 'smoke-test'));
    expect(deployKitAction('acme/deploy-kit/rollback@v1', '/w')).toBe(join(repoRoot, 'rollback'));
    expect(deployKitAction('acme/deploy-kit@0123abc', '/w')).toBe(repoRoot);
    expect(deployKitAction('acme/deploy-kit-fork@v1', '/w')).toBeUndefined();
    expect(deployKitAction('actions/checkout@v6', '/w')).toBeUndefined();
  });

  it('runs deploy-kit actions in all three forms through src/runner/, outputs flowing to the next step', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-runner-'));
    const file = join(dir, 'wf.yml');
    writeFileSync(
      file,
      `
on: push
jobs:
  j:
    runs-on: ubuntu-latest
    steps:
      - id: local
        uses: ./smoke-test
        with: { url: "${app.url}/health", samples: 3 }
      - id: remote
        uses: acme/deploy-kit/smoke-test@v1
        with: { url: "${app.url}/version", samples: 2 }
      - id: root
        uses: acme/deploy-kit@v1
        with:
          environment: qa
          version: v1
          command: echo "deploying $DEPLOY_KIT_VERSION"
          smoke-url: ${app.url}/health
          smoke-samples: 2
          ledger: file:.tmp/${basename(dir)}-ledger.json
          token: ''
      - run: echo "local=\${{ steps.local.outputs.passed }} remote=\${{ steps.remote.outputs.passed }} root=\${{ steps.root.outputs.result }}"
`,
    );
    // `./smoke-test` is the workspace's own action: run from this checkout, as deploy-kit's own CI would.
    const run = await runJob({ ...options(file, repoRoot), job: 'j' });
    expect(run.errors).toEqual([]);
    expect(run.steps[3]?.log).toContain('local=true remote=true root=released');
    expect(run.steps[2]?.log).toContain('deploying v1');
    expect(run.steps[2]?.action?.main.exitCode).toBe(0);
  });

  it('fails, naming the step, on an action it cannot run or an input the action does not declare', async () => {
    const { workspace, file } = workflow(`
on: push
jobs:
  j:
    runs-on: ubuntu-latest
    steps:
      - name: Build image
        uses: docker/build-push-action@v6
      - if: always()
        name: Smoke
        uses: acme/deploy-kit/smoke-test@v1
        with: { url: "${app.url}/health", sample: 3 }
      - if: always()
        name: Checkout
        uses: actions/checkout@v6
`);
    const run = await runJob({
      ...options(file, workspace, { actions: { 'actions/checkout': () => ({ outputs: { ref: 'x' } }) } }),
      job: 'j',
    });
    expect(run.conclusion).toBe('failure');
    expect(run.errors).toEqual([
      "step 'Build image': uses docker/build-push-action@v6, which this runner cannot run (no stand-in)",
      "step 'Smoke': acme/deploy-kit/smoke-test@v1 does not declare the input(s) sample",
    ]);
    expect(run.steps[2]?.outcome).toBe('success');
    expect(run.steps[2]?.outputs).toEqual({ ref: 'x' });
  });

  it('fails, naming the step, on an output name the step or job it reads does not have (GitHub would read it as empty)', async () => {
    const { workspace, file } = workflow(`
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    outputs:
      tag: \${{ steps.tag.outputs.tag }}
    steps:
      - id: tag
        run: echo "tag=v1" >> "$GITHUB_OUTPUT"
      - id: smoke
        if: false
        uses: acme/deploy-kit/smoke-test@v1
      - name: Report
        env:
          FINE: \${{ steps.tag.outputs.tag }} \${{ steps.smoke.outputs.passed }} \${{ steps.later.outputs.x }}
        run: echo "$FINE"
      - name: Typo in a run step's output
        if: always()
        run: echo "\${{ steps.tag.outputs.tags }}"
      - name: Typo in an action's output
        if: \${{ always() && steps.smoke.outputs.outcome == 'failure' }}
        run: echo never
      - id: later
        run: echo "x=1" >> "$GITHUB_OUTPUT"
  deploy:
    needs: build
    if: always()
    runs-on: ubuntu-latest
    steps:
      - name: Use the tag
        run: echo "\${{ needs.build.outputs.tag }} \${{ needs.build.outputs['image'] }}"
  infra:
    runs-on: ubuntu-latest
    steps:
      - run: exit 1
  given:
    needs: infra
    runs-on: ubuntu-latest
    outputs:
      wrong: \${{ steps.tag.outputs.nope }}
    steps:
      - id: tag
        run: echo "tag=\${{ needs.infra.outputs.tag }}" >> "$GITHUB_OUTPUT"
`);
    const runs = await runWorkflow({
      ...options(file, workspace),
      jobs: ['build', 'deploy', 'given'],
      needs: { infra: { outputs: { tag: 'v0' } } },
    });
    expect(runs.build?.steps[2]?.outcome).toBe('success');
    expect(runs.build?.errors).toHaveLength(2);
    expect(runs.build?.errors[0]).toBe(
      "step 'Typo in a run step's output': steps.tag.outputs.tags: step 'tag' has no output 'tags' (its outputs: tag)",
    );
    expect(runs.build?.errors[1]).toMatch(
      /^step 'Typo in an action's output': steps\.smoke\.outputs\.outcome: step 'smoke' \(acme\/deploy-kit\/smoke-test@v1\) has no output 'outcome' \(its outputs: .*passed/,
    );
    expect(runs.build?.outputs).toEqual({ tag: 'v1' });
    expect(runs.deploy?.errors).toEqual([
      "step 'Use the tag': needs.build.outputs.image: job 'build' has no output 'image' (its outputs: tag)",
    ]);
    expect(runs.given?.errors).toEqual([
      "job 'given' outputs: steps.tag.outputs.nope: step 'tag' has no output 'nope' (its outputs: tag)",
    ]);
    expect(runs.given?.conclusion).toBe('failure');
  });
});
