// examples/django-flutter-gce run end to end from release.yml's staging job on: the reusable deploy-gce.yml
// called for staging then production, then the tag job; and rollback.yml. Google is played by stand-ins:
// the auth action sets the credentials gcloud reads, `gcloud compute ssh app-<env> --command "sudo
// /srv/app/deploy.sh <tag> <task>"` starts that image tag behind the environment's site on loopback.
// infra (terraform, a matrix) and build (Flutter, docker) do not run here: their output, the image tag,
// is given as `needs.build.outputs.tag`.
// watch.yml (the scheduled post-release watch) reads the fake Cloud Monitoring and the fake Sentry. The
// test's copy of watch.yml gets one line, `endpoint:` in google-monitoring-config (the fake's address). The
// auth stand-in's credentials file is a workload-identity one whose token exchange is not faked, so the run
// also carries CLOUDSDK_AUTH_ACCESS_TOKEN (which the source prefers, as gcloud does) and
// GOOGLE_CLOUD_PROJECT, the fake's project; Sentry is pointed at its fake by SENTRY_URL. The 12h window is
// not scaled down: the watch's own clock is moved an hour past the release, so each watch is one look.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FAKE_GOOGLE_TOKEN,
  FAKE_PROJECT,
  startFakeGoogleMonitoring,
} from '../fakes/google-monitoring/index.js';
import { type FakeService, side } from '../fakes/metrics-service.js';
import { FAKE_SENTRY_TOKEN, type FakeSentry, startFakeSentry } from '../fakes/sentry/index.js';
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
  let monitoring: FakeService;
  let sentry: FakeSentry;
  let good: string;
  const release = (sha: string) =>
    stack.run('release.yml', sha, {
      secrets,
      jobs: ['staging', 'production', 'tag'],
      needs: { build: { outputs: { tag: tagOf(sha) } } },
    });
  beforeAll(async () => {
    monitoring = await startFakeGoogleMonitoring();
    sentry = await startFakeSentry();
    sentry.organization = 'acme';
    stack = await startStack('django-flutter-gce', {
      edit: (file, text) =>
        file === 'watch.yml'
          ? text.replace(
              'google-monitoring-config: |\n',
              `google-monitoring-config: |\n            endpoint: ${monitoring.url}\n`,
            )
          : text,
      environments: ['staging', 'production'],
      sites: { 'https://staging.example.com': 'staging', 'https://example.com': 'production' },
      pages: PAGES,
    });
  });
  afterAll(async () => {
    await stack.close();
    await monitoring.close();
    await sentry.close();
  });

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

  /** One scheduled watch, its clock an hour after the release went live (a 12h window: inside it). */
  const watch = async (sha: string) => {
    stack.setClock(new Date(Date.now() + 3_600_000).toISOString(), ['watch']);
    try {
      const runs = await stack.run('watch.yml', sha, {
        secrets: { ...secrets, SENTRY_AUTH_TOKEN: FAKE_SENTRY_TOKEN },
        env: {
          SENTRY_URL: sentry.url,
          CLOUDSDK_AUTH_ACCESS_TOKEN: FAKE_GOOGLE_TOKEN,
          GOOGLE_CLOUD_PROJECT: FAKE_PROJECT,
        },
      });
      expect(runs.watch?.errors).toEqual([]);
      const [cloud, errors] = (runs.watch?.steps ?? []).filter((s) => s.uses === 'acme/deploy-kit/watch@v1');
      return { monitoring: cloud?.outputs ?? {}, sentry: errors?.outputs ?? {} };
    } finally {
      stack.setClock(undefined);
    }
  };
  const released = async (message: string, version: string) => {
    const previous = await stack.fleet.served('production');
    const sha = stack.commit(message, version);
    expect((await release(sha)).production?.conclusion).toBe('success');
    monitoring.unnamedSide = 'canary'; // the load balancer's numbers are the live release's
    sentry.releases = { [`web@${previous}`]: 'baseline', [`web@${tagOf(sha)}`]: 'canary' };
    return { previous, current: tagOf(sha) };
  };

  it('watch.yml leaves a healthy release alone: Cloud Monitoring within limits, Sentry like the last release', async () => {
    const { current } = await released('feat: search', 'v5');
    monitoring.traffic = { canary: side(4000, 4, 20, 600) };
    sentry.traffic = { baseline: side(4000, 4, 20, 600), canary: side(4000, 4, 20, 600) };
    const deployments = stack.deployments('production').length;
    const ssh = stack.fleet.calls('gcloud').length;
    const looks = await watch(current);
    expect(looks.monitoring).toMatchObject({ status: 'healthy', version: current, 'rolled-back': 'false' });
    expect(looks.sentry).toMatchObject({ status: 'healthy', version: current, 'rolled-back': 'false' });
    expect(stack.deployments('production')).toHaveLength(deployments);
    expect(stack.fleet.calls('gcloud')).toHaveLength(ssh);
    expect(await stack.fleet.served('production')).toBe(current);
    expect(monitoring.calls.length).toBeGreaterThan(0);
    expect(sentry.calls.length).toBeGreaterThan(0);
    expect([...monitoring.mismatches, ...sentry.mismatches]).toEqual([]);
  });

  it('watch.yml rolls a release whose 5xx rate breaches inside its window back once, with gcloud compute ssh', async () => {
    const { previous, current } = await released('feat: bulk admin', 'v6');
    monitoring.traffic = { canary: side(4000, 200, 20, 600) }; // 5% 5xx, the limit is 1%
    sentry.traffic = { baseline: side(4000, 4, 20, 600), canary: side(4000, 200, 20, 600) };
    const deployments = stack.deployments('production').length;
    const looks = await watch(current);
    expect(looks.monitoring).toMatchObject({
      status: 'rolled-back',
      version: current,
      'previous-version': previous,
      'rolled-back': 'true',
    });
    expect(looks.sentry.status).toBe('nothing-to-watch');
    expect(await stack.fleet.served('production')).toBe(previous);
    expect(stack.fleet.calls('gcloud').at(-1)?.args.at(-1)).toBe(
      `sudo /srv/app/deploy.sh ${previous} deploy:rollback`,
    );
    const added = stack.deployments('production').slice(deployments);
    expect(added.map((d) => d.task)).toEqual(['deploy:rollback']);
    const record = (added[0]!.payload as { 'deploy-kit': { rollback: { reason: string } } })['deploy-kit'];
    expect(record.rollback.reason).toBe(
      `watch: ${current} breached inside its window: canary error rate 5.0% (200/4000) > 1.0%`,
    );
    const next = await watch(current);
    expect(next.monitoring.status).toBe('nothing-to-watch');
    expect(stack.deployments('production')).toHaveLength(deployments + 1);
  });
});
