// examples/django-flutter-gce run end to end from release.yml's staging job on: the reusable deploy-gce.yml
// called for staging then production, then the tag job; and rollback.yml. Google is played by stand-ins:
// the auth action sets the credentials gcloud reads, `gcloud compute ssh app-<env> --command "sudo
// /srv/app/deploy.sh <tag> <task>"` starts that image tag behind the environment's site on loopback.
// infra (terraform, a matrix) and build (Flutter, docker) do not run here: their output, the image tag,
// is given as `needs.build.outputs.tag`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRun } from '../workflow-runner/runner.js';
import { type Stack, startStack } from '../workflow-runner/stack.js';

const secrets = {
  GCP_WORKLOAD_IDENTITY_PROVIDER: 'projects/1/locations/global/workloadIdentityPools/github/providers/github',
  GCP_SERVICE_ACCOUNT: 'deployer@acme.iam.gserviceaccount.com',
  GCP_PROJECT: 'acme',
  GCP_ZONE: 'europe-west1-b',
  REGISTRY: 'europe-west1-docker.pkg.dev/acme/app',
};
const PAGES = {
  '/': '<html><script src="flutter_bootstrap.js" async></script></html>',
  '/api/health/': { status: 'ok' },
  '/admin/login/': '<title>Log in | Django site admin</title>',
};
const tagOf = (sha: string) => sha.slice(0, 12);
const releaseOf = (job: JobRun | undefined) => job?.steps.find((s) => s.uses === 'acme/deploy-kit@v1');

describe('examples/django-flutter-gce', () => {
  let stack: Stack;
  let good: string;
  const release = (sha: string) =>
    stack.run('release.yml', sha, {
      secrets,
      jobs: ['staging', 'production', 'tag'],
      needs: { build: { outputs: { tag: tagOf(sha) } } },
    });
  beforeAll(async () => {
    stack = await startStack('django-flutter-gce', {
      environments: ['staging', 'production'],
      sites: { 'https://staging.example.com': 'staging', 'https://example.com': 'production' },
      pages: PAGES,
    });
  });
  afterAll(() => stack.close());

  it('releases a good version to staging then production through the reusable workflow, then tags it', async () => {
    good = stack.commit('feat: first release', 'v1');
    const runs = await release(good);
    for (const job of ['staging', 'production', 'tag']) {
      expect({ job, errors: runs[job]?.errors, conclusion: runs[job]?.conclusion }).toEqual({
        job,
        errors: [],
        conclusion: 'success',
      });
    }
    expect(releaseOf(runs.production)?.outputs).toMatchObject({ result: 'released', version: tagOf(good) });
    expect(await stack.fleet.served('staging')).toBe(tagOf(good));
    expect(await stack.fleet.served('production')).toBe(tagOf(good));
    expect(stack.fleet.calls('gcloud').map((c) => c.args.slice(0, 3).concat(c.args.at(-1)!))).toEqual([
      ['compute', 'ssh', 'app-staging', `sudo /srv/app/deploy.sh ${tagOf(good)} deploy`],
      ['compute', 'ssh', 'app-production', `sudo /srv/app/deploy.sh ${tagOf(good)} deploy`],
    ]);
    expect(releaseOf(runs.production)?.summary).toMatch(/3 of 3 checks passed/);
    expect(stack.deployments('production').at(-1)?.statuses.at(-1)?.state).toBe('success');
    expect(stack.tags()).toEqual(['v1', 'v1.0', 'v1.0.0']);
  });

  it('rolls a version answering 5xx back in staging; production and the tag never run', async () => {
    const bad = stack.commit('feat: broken admin', 'v2');
    stack.fleet.behave(tagOf(bad), { failRate: 0.5 });
    const runs = await release(bad);
    expect(releaseOf(runs.staging)?.outputs).toMatchObject({
      result: 'rolled-back',
      'rolled-back-to-version': tagOf(good),
    });
    expect(stack.fleet.calls('gcloud').at(-1)?.args.at(-1)).toBe(
      `sudo /srv/app/deploy.sh ${tagOf(good)} deploy:rollback`,
    );
    expect(await stack.fleet.served('staging')).toBe(tagOf(good));
    expect(runs.production?.conclusion).toBe('skipped');
    expect(runs.tag?.conclusion).toBe('skipped');
  });

  it('rolls back a version slower than the api health budget (p95 400 ms)', async () => {
    const slow = stack.commit('feat: slow api', 'v3');
    stack.fleet.behave(tagOf(slow), { slowShare: 0.25, slowMs: 500 });
    const runs = await release(slow);
    expect(releaseOf(runs.staging)?.outputs.result).toBe('rolled-back');
    expect(releaseOf(runs.staging)?.log).toMatch(/p95 [\d.]+ ?m?s > 400 ?ms/);
    expect(await stack.fleet.served('staging')).toBe(tagOf(good));
  });

  it('rollback.yml, dispatched by hand, brings back the last good version', async () => {
    const next = stack.commit('fix: admin', 'v4');
    expect((await release(next)).production?.conclusion).toBe('success');
    expect(await stack.fleet.served('production')).toBe(tagOf(next));
    const runs = await stack.run('rollback.yml', next, {
      event: 'workflow_dispatch',
      inputs: { reason: 'admin login broken' },
      secrets,
    });
    expect(runs.rollback?.errors).toEqual([]);
    expect(await stack.fleet.served('production')).toBe(tagOf(good));
    expect(stack.fleet.calls('gcloud').at(-1)?.args.slice(0, 3)).toEqual([
      'compute',
      'ssh',
      'app-production',
    ]);
    expect(stack.deployments('production').at(-1)?.task).toBe('deploy:rollback');
  });
});
