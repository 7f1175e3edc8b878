// examples/kubernetes-canary, its non-canary path: release.yml's build and staging jobs (the root action
// deploying with k8s/set-image.sh through the kubectl stand-in) and rollback.yml. The production job's
// canary (canary-promote with Prometheus) is covered by the canary tests, which own its inputs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRun } from '../workflow-runner/runner.js';
import { type Stack, startStack } from '../workflow-runner/stack.js';

const secrets = { KUBECONFIG_B64: Buffer.from('apiVersion: v1\nkind: Config\n').toString('base64') };
const tagOf = (sha: string) => sha.slice(0, 7);
const releaseOf = (job: JobRun | undefined) => job?.steps.find((s) => s.uses === 'acme/deploy-kit@v1');

describe('examples/kubernetes-canary (build, staging, manual rollback)', () => {
  let stack: Stack;
  let good: string;
  beforeAll(async () => {
    stack = await startStack('kubernetes-canary', {
      environments: ['staging', 'production'],
      sites: { 'https://staging.example.com': 'staging', 'https://example.com': 'production' },
    });
  });
  afterAll(() => stack.close());

  it('builds and releases a good version to staging', async () => {
    good = stack.commit('feat: first release', 'v1');
    const runs = await stack.run('release.yml', good, { secrets, jobs: ['build', 'staging'] });
    expect(runs.build?.errors).toEqual([]);
    expect(runs.staging?.errors).toEqual([]);
    expect(releaseOf(runs.staging)?.outputs).toMatchObject({ result: 'released', version: tagOf(good) });
    expect(await stack.fleet.served('staging')).toBe(tagOf(good));
    expect(stack.fleet.calls('kubectl').map((c) => c.args.slice(2, 4).join(' '))).toEqual([
      'set image',
      `label deployment/web`,
      'rollout status',
    ]);
    expect(stack.deployments('staging').at(-1)?.statuses.at(-1)?.state).toBe('success');
  });

  it('rolls a version answering 5xx back in staging', async () => {
    const bad = stack.commit('feat: broken', 'v2');
    stack.fleet.behave(tagOf(bad), { failRate: 0.5 });
    const runs = await stack.run('release.yml', bad, { secrets, jobs: ['build', 'staging'] });
    expect(releaseOf(runs.staging)?.outputs).toMatchObject({
      result: 'rolled-back',
      'rolled-back-to-version': tagOf(good),
    });
    expect(await stack.fleet.served('staging')).toBe(tagOf(good));
  });

  it('rollback.yml, dispatched by hand, brings back the last good version of staging', async () => {
    const next = stack.commit('fix: repaired', 'v3');
    const released = await stack.run('release.yml', next, { secrets, jobs: ['build', 'staging'] });
    expect(releaseOf(released.staging)?.outputs.result).toBe('released');
    const runs = await stack.run('rollback.yml', next, {
      event: 'workflow_dispatch',
      inputs: { environment: 'staging', reason: 'bad release' },
      secrets,
    });
    expect(runs.rollback?.errors).toEqual([]);
    expect(await stack.fleet.served('staging')).toBe(tagOf(good));
    expect(stack.fleet.calls('kubectl').at(-1)?.args).toContain('--replicas=0');
  });
});
