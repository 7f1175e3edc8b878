// examples/fastapi-ec2 run end to end: release.yml (build → staging → production → tag) and rollback.yml on
// the fake GitHub, AWS played by the aws stand-in (SSM commands switch the environment's site on loopback
// and apply Alembic migrations to its database revision; S3 answers head-object from a folder). The gates
// hold the stack's whole pre-deploy checklist: tests passed, variables set, migrations applied, model in S3,
// and production's weekend freeze (the jobs' clock is pinned to a Wednesday, then to a Saturday).
// watch.yml (the scheduled post-release watch) reads the fake CloudWatch (signed with the keys the
// configure-aws-credentials stand-in hands out) and the fake Sentry. The test's copy of watch.yml gets one
// line, `endpoint:` in cloudwatch-config (the fake's address; CloudWatch's is not reachable here); Sentry is
// pointed at its fake by SENTRY_URL, which the source reads. The 24h window is not scaled down: the watch's
// own clock is moved an hour past the release (the other jobs keep theirs), so each watch is one look.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeCloudWatch } from '../fakes/cloudwatch/index.js';
import { type FakeService, side } from '../fakes/metrics-service.js';
import { FAKE_SENTRY_TOKEN, type FakeSentry, startFakeSentry } from '../fakes/sentry/index.js';
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
  let cloudwatch: FakeService;
  let sentry: FakeSentry;
  let good: string;
  let revision = 1;
  /** A commit whose `test` check passed, as the CI workflow leaves it. */
  const tested = (message: string, version: string) => {
    const sha = stack.commit(message, version);
    stack.gh.store.addCheckRun('octo/app', { headSha: sha, name: 'test', conclusion: 'success' });
    return sha;
  };
  beforeAll(async () => {
    cloudwatch = await startFakeCloudWatch();
    sentry = await startFakeSentry();
    sentry.organization = 'acme';
    stack = await startStack('fastapi-ec2', {
      edit: (file, text) =>
        file === 'watch.yml'
          ? text.replace(
              'cloudwatch-config: |\n',
              `cloudwatch-config: |\n            endpoint: ${cloudwatch.url}/\n`,
            )
          : text,
      environments: ['staging', 'production'],
      sites: { 'https://staging-api.example.com': 'staging', 'https://api.example.com': 'production' },
      pages: { '/v1/items': { items: [] } },
    });
    stack.fleet.putObject('acme-models', 'api/model.onnx', 'weights');
    stack.setClock(WEDNESDAY);
  });
  afterAll(async () => {
    await stack.close();
    await cloudwatch.close();
    await sentry.close();
  });

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

  /** Releases a version to production through release.yml (gates on the Wednesday clock). */
  const release = async (message: string, version: string) => {
    const sha = tested(message, version);
    const runs = await stack.run('release.yml', sha, { secrets });
    expect(releaseStep(runs.production)?.outputs.result).toBe('released');
    return tagOf(sha);
  };
  /** One scheduled watch, its clock an hour after the release went live (a 24h window: inside it). */
  const watch = async (sha: string) => {
    stack.setClock(new Date(Date.now() + 3_600_000).toISOString(), ['watch']);
    try {
      const runs = await stack.run('watch.yml', sha, {
        secrets: { ...secrets, SENTRY_AUTH_TOKEN: FAKE_SENTRY_TOKEN },
        env: { SENTRY_URL: sentry.url },
      });
      expect(runs.watch?.errors).toEqual([]);
      const [cloud, errors] = (runs.watch?.steps ?? []).filter((s) => s.uses === 'acme/deploy-kit/watch@v1');
      return { cloudwatch: cloud?.outputs ?? {}, sentry: errors?.outputs ?? {} };
    } finally {
      stack.setClock(WEDNESDAY);
    }
  };
  const sendCommands = () => stack.fleet.calls('aws').filter((c) => c.args[1] === 'send-command').length;

  it('watch.yml leaves a healthy release alone: CloudWatch within limits, Sentry like the last release', async () => {
    const previous = await stack.fleet.served('production');
    const current = await release('feat: items search', 'v6');
    cloudwatch.unnamedSide = 'canary'; // the target group's numbers are the live release's
    cloudwatch.traffic = { canary: side(4000, 4, 20, 300) };
    sentry.releases = { [`api@${previous}`]: 'baseline', [`api@${current}`]: 'canary' };
    sentry.traffic = { baseline: side(4000, 4, 20, 300), canary: side(4000, 4, 20, 300) };
    const deployments = stack.deployments('production').length;
    const commands = sendCommands();
    const looks = await watch(current);
    expect(looks.cloudwatch).toMatchObject({ status: 'healthy', version: current, 'rolled-back': 'false' });
    expect(looks.sentry).toMatchObject({ status: 'healthy', version: current, 'rolled-back': 'false' });
    expect(stack.deployments('production')).toHaveLength(deployments);
    expect(sendCommands()).toBe(commands);
    expect(await stack.fleet.served('production')).toBe(current);
    expect(cloudwatch.mismatches).toEqual([]);
    expect(sentry.mismatches).toEqual([]);
    expect(cloudwatch.calls.length).toBeGreaterThan(0);
    expect(sentry.calls.length).toBeGreaterThan(0);
  });

  it('watch.yml rolls a release whose 5xx rate breaches inside its window back once, with ssm-deploy.sh', async () => {
    const previous = await stack.fleet.served('production');
    const current = await release('feat: items bulk edit', 'v7');
    cloudwatch.traffic = { canary: side(4000, 200, 20, 300) }; // 5% 5xx, the limit is 1%
    sentry.releases = { [`api@${previous}`]: 'baseline', [`api@${current}`]: 'canary' };
    sentry.traffic = { baseline: side(4000, 4, 20, 300), canary: side(4000, 200, 20, 300) };
    const deployments = stack.deployments('production').length;
    const looks = await watch(current);
    expect(looks.cloudwatch).toMatchObject({
      status: 'rolled-back',
      version: current,
      'previous-version': previous,
      'rolled-back': 'true',
    });
    // The second step finds the rollback live: nothing left to watch, no second rollback.
    expect(looks.sentry.status).toBe('nothing-to-watch');
    expect(await stack.fleet.served('production')).toBe(previous);
    const added = stack.deployments('production').slice(deployments);
    expect(added.map((d) => d.task)).toEqual(['deploy:rollback']);
    const record = (added[0]!.payload as { 'deploy-kit': { rollback: { reason: string } } })['deploy-kit'];
    expect(record.rollback.reason).toBe(
      `watch: ${current} breached inside its window: canary error rate 5.0% (200/4000) > 1.0%`,
    );
    expect(
      stack.fleet
        .calls('aws')
        .some((c) => c.args[1] === 'send-command' && c.args.join(' ').includes(`api:${previous}`)),
    ).toBe(true);
    // The next tick changes nothing.
    const next = await watch(current);
    expect(next.cloudwatch.status).toBe('nothing-to-watch');
    expect(stack.deployments('production')).toHaveLength(deployments + 1);
  });
});
