// examples/fastapi-ec2 run end to end: release.yml (build → staging → production → tag) and rollback.yml on
// the fake GitHub, AWS played by the aws stand-in (SSM commands switch the environment's site on loopback
// and apply Alembic migrations to its database revision; S3 answers head-object from a folder). The gates
// hold the stack's whole pre-deploy checklist: tests passed, variables set, migrations applied, model in S3,
// and production's weekend freeze (the jobs' clock is pinned to a Wednesday, then to a Saturday).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRun } from '../workflow-runner/runner.js';
import { type Stack, startStack } from '../workflow-runner/stack.js';

const secrets = {
  AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/deploy',
  AWS_REGION: 'eu-west-1',
  ECR_REGISTRY: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
  MODEL_BUCKET: 'acme-models',
  MODEL_KEY: 'api/model.onnx',
};
const WEDNESDAY = '2026-12-09T10:00:00Z';
const SATURDAY = '2026-12-12T10:00:00Z';
const tagOf = (sha: string) => sha.slice(0, 12);
const releaseStep = (job: JobRun | undefined) => job?.steps.find((s) => s.uses === 'acme/deploy-kit@v1');

describe('examples/fastapi-ec2', () => {
  let stack: Stack;
  let good: string;
  let revision = 1;
  /** A commit whose `test` check passed, as the CI workflow leaves it. */
  const tested = (message: string, version: string) => {
    const sha = stack.commit(message, version);
    stack.gh.store.addCheckRun('octo/app', { headSha: sha, name: 'test', conclusion: 'success' });
    return sha;
  };
  beforeAll(async () => {
    stack = await startStack('fastapi-ec2', {
      environments: ['staging', 'production'],
      sites: { 'https://staging-api.example.com': 'staging', 'https://api.example.com': 'production' },
      pages: { '/v1/items': { items: [] } },
    });
    stack.fleet.putObject('acme-models', 'api/model.onnx', 'weights');
    stack.setClock(WEDNESDAY);
  });
  afterAll(() => stack.close());

  it('releases a good version through every gate to staging and production, then tags it', async () => {
    good = tested('feat: items API', 'v1');
    const runs = await stack.run('release.yml', good, { secrets });
    for (const job of ['build', 'staging', 'production', 'tag']) {
      expect({ job, errors: runs[job]?.errors, conclusion: runs[job]?.conclusion }).toEqual({
        job,
        errors: [],
        conclusion: 'success',
      });
    }
    expect(releaseStep(runs.production)?.outputs).toMatchObject({ result: 'released', version: tagOf(good) });
    expect(await stack.fleet.served('staging')).toBe(tagOf(good));
    expect(await stack.fleet.served('production')).toBe(tagOf(good));
    expect(stack.fleet.databaseRevision('production')).toBe('0001');
    const aws = stack.fleet.calls('aws').map((c) => c.args.slice(0, 2).join(' '));
    expect(aws).toContain('s3api head-object');
    expect(aws.filter((c) => c === 'ssm send-command')).toHaveLength(6); // upgrade, check, deploy × 2
    const log = releaseStep(runs.production)?.log ?? '';
    expect(log).toContain('alembic at head: succeeded');
    expect(log).toContain('model in S3: succeeded');
    expect(stack.deployments('production').at(-1)?.statuses.at(-1)?.state).toBe('success');
    expect(stack.tags()).toEqual(['v1', 'v1.0', 'v1.0.0']);
  });

  it('rolls a version answering 5xx back in staging; production and the tag never run', async () => {
    const bad = tested('feat: broken items', 'v2');
    stack.fleet.behave(tagOf(bad), { failRate: 0.5 });
    const runs = await stack.run('release.yml', bad, { secrets });
    expect(releaseStep(runs.staging)?.outputs).toMatchObject({
      result: 'rolled-back',
      'rolled-back-to-version': tagOf(good),
    });
    expect(await stack.fleet.served('staging')).toBe(tagOf(good));
    expect(runs.production?.conclusion).toBe('skipped');
    expect(runs.tag?.conclusion).toBe('skipped');
  });

  it('rolls back a version slower than the staging budget (p95 300 ms)', async () => {
    const slow = tested('feat: slow items', 'v3');
    stack.fleet.behave(tagOf(slow), { slowShare: 0.25, slowMs: 400 });
    const runs = await stack.run('release.yml', slow, { secrets, jobs: ['build', 'staging'] });
    const release = releaseStep(runs.staging);
    expect(release?.outputs.result).toBe('rolled-back');
    expect(release?.log).toMatch(/p95 [\d.]+ ?m?s > 300 ?ms/);
    expect(await stack.fleet.served('staging')).toBe(tagOf(good));
  });

  it.each([
    ['tests failed', () => ({}), 'failure', /checks/],
    [
      'a variable is missing',
      () => ({ secrets: { ...secrets, MODEL_BUCKET: '' } }),
      'success',
      /MODEL_BUCKET/,
    ],
    [
      'migrations are not applied',
      () => ({ secrets: { ...secrets, APPLY_MIGRATIONS: 'manual' } }),
      'success',
      /alembic at head/,
    ],
    [
      'the model is not in S3',
      () => ({ secrets: { ...secrets, MODEL_KEY: 'api/missing.onnx' } }),
      'success',
      /model in S3/,
    ],
  ])('blocks a release before any deploy when %s', async (_, options, testResult, gate) => {
    const sha = stack.commit('feat: needs a new column', 'v4');
    revision += 1;
    stack.gh.store.addCheckRun('octo/app', {
      headSha: sha,
      name: 'test',
      conclusion: testResult as 'success',
    });
    // Each case's image brings a migration of its own, so an earlier case's upgrade does not apply it.
    stack.fleet.migrationHead(tagOf(sha), String(revision).padStart(4, '0'));
    const deployments = stack.deployments('staging').length;
    const runs = await stack.run('release.yml', sha, {
      secrets,
      ...options(),
      jobs: ['build', 'staging'],
    });
    const release = releaseStep(runs.staging);
    expect(release?.outputs.result).toBe('gates-failed');
    const failed = release?.action?.annotations
      .filter((a) => a.level === 'error')
      .map((a) => `${a.properties.title ?? ''}: ${a.message}`);
    expect(failed?.join('\n')).toMatch(gate);
    expect(stack.deployments('staging')).toHaveLength(deployments);
    expect(await stack.fleet.served('staging')).toBe(tagOf(good));
  });

  it('holds production during the weekend freeze, after staging released', async () => {
    stack.setClock(SATURDAY);
    try {
      const sha = tested('fix: items paging', 'v5');
      const runs = await stack.run('release.yml', sha, { secrets });
      expect(releaseStep(runs.staging)?.outputs.result).toBe('released');
      expect(releaseStep(runs.production)?.outputs.result).toBe('gates-failed');
      expect(await stack.fleet.served('production')).toBe(tagOf(good));
      expect(stack.fleet.databaseRevision('staging')).toBe('0001');
    } finally {
      stack.setClock(WEDNESDAY);
    }
  });

  it('rollback.yml, dispatched by hand, brings back the last good version of the environment', async () => {
    const before = await stack.fleet.served('staging');
    expect(before).not.toBe(tagOf(good));
    const runs = await stack.run('rollback.yml', good, {
      event: 'workflow_dispatch',
      inputs: { environment: 'staging', reason: 'paging bug' },
      secrets,
    });
    expect(runs.rollback?.errors).toEqual([]);
    expect(await stack.fleet.served('staging')).toBe(tagOf(good));
    const deploy = stack.fleet.calls('aws').at(-2);
    expect(deploy?.args.slice(0, 2)).toEqual(['ssm', 'send-command']);
    expect(stack.deployments('staging').at(-1)?.task).toBe('deploy:rollback');
  });
});
