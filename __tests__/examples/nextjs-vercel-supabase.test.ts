// examples/nextjs-vercel-supabase run end to end: release.yml (staging → production → tag) and rollback.yml
// on the fake GitHub and the fake Actions cache. `npm ci` runs for real (an app with no dependencies);
// `npx vercel@…` and `npx supabase@…` reach the stand-ins, never the registry: vercel pull/build make
// .vercel/output from the app's VERSION, `deploy --prebuilt` starts that build on loopback, `alias set` and
// `--prod` point staging or production at it. A rollback redeploys the previous prebuilt output, restored
// from the cache, and skips the database migrations.
// watch.yml (the scheduled post-release watch) reads the fake Sentry (pointed at by SENTRY_URL, which the
// source reads) and the fake New Relic NerdGraph; the test's copy of watch.yml gets one line, `endpoint:` in
// newrelic-config (the fake's address). The 6h window is not scaled down: the watch's own clock is moved an
// hour past the release, so each watch is one look.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { side } from '../fakes/metrics-service.js';
import {
  FAKE_ACCOUNT,
  FAKE_NEW_RELIC_KEY,
  type FakeNewRelic,
  startFakeNewRelic,
} from '../fakes/newrelic/index.js';
import { FAKE_SENTRY_TOKEN, type FakeSentry, startFakeSentry } from '../fakes/sentry/index.js';
import type { JobRun } from '../workflow-runner/runner.js';
import { type Stack, startStack } from '../workflow-runner/stack.js';

const secrets = {
  VERCEL_TOKEN: 'vercel-token',
  VERCEL_ORG_ID: 'team_acme',
  VERCEL_PROJECT_ID: 'prj_web',
  SUPABASE_ACCESS_TOKEN: 'sbp_token',
  SUPABASE_PROJECT_REF: 'abcdefghijklmnop',
  SUPABASE_DB_PASSWORD: 'db-password',
};
const PACKAGE = '{ "name": "web", "version": "1.0.0", "private": true }\n';
const LOCK =
  '{ "name": "web", "version": "1.0.0", "lockfileVersion": 3, "requires": true, "packages": { "": { "name": "web", "version": "1.0.0" } } }\n';
const releaseOf = (job: JobRun | undefined) => job?.steps.find((s) => s.uses === 'acme/deploy-kit@v1');

describe('examples/nextjs-vercel-supabase', () => {
  let stack: Stack;
  let sentry: FakeSentry;
  let newrelic: FakeNewRelic;
  beforeAll(async () => {
    sentry = await startFakeSentry();
    sentry.organization = 'acme';
    newrelic = await startFakeNewRelic();
    stack = await startStack('nextjs-vercel-supabase', {
      edit: (file, text) =>
        file === 'watch.yml'
          ? text.replace(
              'newrelic-config: |\n',
              `newrelic-config: |\n            endpoint: ${newrelic.url}/graphql\n`,
            )
          : text,
      environments: ['staging', 'production'],
      sites: { 'https://staging.example.com': 'staging', 'https://example.com': 'production' },
      pages: { '/api/health': { db: 'ok' } },
      files: { 'package.json': PACKAGE, 'package-lock.json': LOCK },
      cache: true,
    });
  });
  afterAll(async () => {
    await stack.close();
    await sentry.close();
    await newrelic.close();
  });

  it('releases a good version: migrated, deployed to staging then promoted to production, tagged', async () => {
    const sha = stack.commit('feat: first page', 'v1');
    const runs = await stack.run('release.yml', sha, { secrets });
    for (const job of ['staging', 'production', 'tag']) {
      expect({ job, errors: runs[job]?.errors, conclusion: runs[job]?.conclusion }).toEqual({
        job,
        errors: [],
        conclusion: 'success',
      });
    }
    expect(await stack.fleet.served('staging')).toBe('v1');
    expect(await stack.fleet.served('production')).toBe('v1');
    const vercel = stack.fleet.calls('npx').map((c) => c.args.slice(1, 3).join(' '));
    expect(vercel).toEqual([
      'vercel@39.1.1 pull',
      'vercel@39.1.1 build',
      'supabase@1.226.4 link',
      'supabase@1.226.4 db',
      'vercel@39.1.1 deploy',
      'vercel@39.1.1 alias',
      'vercel@39.1.1 pull',
      'vercel@39.1.1 build',
      'supabase@1.226.4 link',
      'supabase@1.226.4 db',
      'vercel@39.1.1 deploy',
    ]);
    expect(stack.fleet.calls('npx').at(-1)?.args).toContain('--prod');
    expect(releaseOf(runs.production)?.outputs.result).toBe('released');
    expect(stack.deployments('production').at(-1)?.statuses.at(-1)?.state).toBe('success');
    expect(stack.tags()).toEqual(['v1', 'v1.0', 'v1.0.0']);
  });

  it('rolls a version answering 5xx back in staging to the previous prebuilt output, without migrating', async () => {
    const sha = stack.commit('feat: broken page', 'v2');
    stack.fleet.behave('v2', { failRate: 0.5 });
    const calls = stack.fleet.calls('npx').length;
    const runs = await stack.run('release.yml', sha, { secrets });
    expect(releaseOf(runs.staging)?.outputs.result).toBe('rolled-back');
    expect(await stack.fleet.served('staging')).toBe('v1');
    const after = stack.fleet
      .calls('npx')
      .slice(calls)
      .map((c) => c.args.slice(1, 3).join(' '));
    // The rollback: deploy and alias again, no supabase.
    expect(after.slice(-2)).toEqual(['vercel@39.1.1 deploy', 'vercel@39.1.1 alias']);
    expect(after.filter((c) => c.startsWith('supabase'))).toHaveLength(2);
    expect(runs.production?.conclusion).toBe('skipped');
    expect(await stack.fleet.served('production')).toBe('v1');
  });

  it('rollback.yml, dispatched by hand, brings back the last good version of production', async () => {
    const sha = stack.commit('fix: page', 'v3');
    expect((await stack.run('release.yml', sha, { secrets })).production?.conclusion).toBe('success');
    expect(await stack.fleet.served('production')).toBe('v3');
    const runs = await stack.run('rollback.yml', sha, {
      event: 'workflow_dispatch',
      inputs: { reason: 'checkout broken' },
      secrets,
    });
    expect(runs.rollback?.errors).toEqual([]);
    expect(await stack.fleet.served('production')).toBe('v1');
    expect(stack.fleet.calls('npx').at(-1)?.args).toContain('--prod');
    expect(stack.deployments('production').at(-1)?.task).toBe('deploy:rollback');
  });

  it('stops at the build, naming the step, without a Vercel token', async () => {
    const sha = stack.commit('chore: rotate the token', 'v4');
    const runs = await stack.runJob('release.yml', 'staging', sha, {
      secrets: { ...secrets, VERCEL_TOKEN: '' },
    });
    expect(runs.errors[0]).toMatch(/^step 'Build for Vercel': exited with code 1/);
    expect(runs.steps.find((s) => s.name === 'Build for Vercel')?.log).toContain(
      'No existing credentials found',
    );
  });

  /** One scheduled watch, its clock an hour after the release went live (a 6h window: inside it). */
  const watch = async (sha: string) => {
    stack.setClock(new Date(Date.now() + 3_600_000).toISOString(), ['watch']);
    try {
      const runs = await stack.run('watch.yml', sha, {
        secrets: {
          ...secrets,
          SENTRY_AUTH_TOKEN: FAKE_SENTRY_TOKEN,
          NEW_RELIC_API_KEY: FAKE_NEW_RELIC_KEY,
          NEW_RELIC_ACCOUNT_ID: String(FAKE_ACCOUNT),
        },
        env: { SENTRY_URL: sentry.url },
      });
      expect(runs.watch?.errors).toEqual([]);
      const [errors, apm] = (runs.watch?.steps ?? []).filter((s) => s.uses === 'acme/deploy-kit/watch@v1');
      return { sentry: errors?.outputs ?? {}, newrelic: apm?.outputs ?? {} };
    } finally {
      stack.setClock(undefined);
    }
  };
  /** The version deploy-kit recorded on production's newest deployment (the commit's, as release.yml has it). */
  const liveVersion = () =>
    (stack.deployments('production').at(-1)!.payload as { 'deploy-kit': { version: string } })['deploy-kit']
      .version;
  const released = async (message: string, version: string) => {
    const previous = liveVersion();
    const sha = stack.commit(message, version);
    expect((await stack.run('release.yml', sha, { secrets })).production?.conclusion).toBe('success');
    expect(await stack.fleet.served('production')).toBe(version);
    const current = liveVersion();
    sentry.releases = { [`web@${previous}`]: 'baseline', [`web@${current}`]: 'canary' };
    newrelic.versions = { [previous]: 'baseline', [current]: 'canary' };
    return { previous, current, sha };
  };

  it('watch.yml leaves a healthy release alone: Sentry and New Relic like the last release', async () => {
    const { current, sha } = await released('feat: search page', 'v5');
    sentry.traffic = { baseline: side(4000, 4, 20, 400), canary: side(4000, 4, 20, 400) };
    newrelic.traffic = { baseline: side(4000, 4, 20, 400), canary: side(4000, 4, 20, 400) };
    const deployments = stack.deployments('production').length;
    const vercel = stack.fleet.calls('npx').length;
    const looks = await watch(sha);
    expect(looks.sentry).toMatchObject({ status: 'healthy', version: current, 'rolled-back': 'false' });
    expect(looks.newrelic).toMatchObject({ status: 'healthy', version: current, 'rolled-back': 'false' });
    expect(stack.deployments('production')).toHaveLength(deployments);
    expect(stack.fleet.calls('npx')).toHaveLength(vercel);
    expect(await stack.fleet.served('production')).toBe('v5');
    expect(sentry.calls.length).toBeGreaterThan(0);
    expect(newrelic.calls.length).toBeGreaterThan(0);
    expect([...sentry.mismatches, ...newrelic.mismatches]).toEqual([]);
  });

  it('watch.yml rolls a release whose error rate breaches inside its window back once, with vercel-deploy.sh', async () => {
    const { previous, current, sha } = await released('feat: checkout page', 'v6');
    sentry.traffic = { baseline: side(4000, 4, 20, 400), canary: side(4000, 200, 20, 400) };
    newrelic.traffic = { baseline: side(4000, 4, 20, 400), canary: side(4000, 200, 20, 400) };
    const deployments = stack.deployments('production').length;
    const calls = stack.fleet.calls('npx').length;
    const looks = await watch(sha);
    expect(looks.sentry).toMatchObject({
      status: 'rolled-back',
      version: current,
      'previous-version': previous,
      'rolled-back': 'true',
    });
    expect(looks.newrelic.status).toBe('nothing-to-watch');
    expect(await stack.fleet.served('production')).toBe('v5');
    // The rollback redeploys to production (--prod) and migrates nothing.
    const after = stack.fleet.calls('npx').slice(calls);
    expect(after.at(-1)?.args).toContain('--prod');
    expect(after.filter((c) => c.args[1]?.startsWith('supabase'))).toEqual([]);
    const added = stack.deployments('production').slice(deployments);
    expect(added.map((d) => d.task)).toEqual(['deploy:rollback']);
    const record = (added[0]!.payload as { 'deploy-kit': { rollback: { reason: string } } })['deploy-kit'];
    expect(record.rollback.reason).toMatch(
      new RegExp(
        `^watch: ${current} breached inside its window: error rate fails — error rate: canary 5.0% errors`,
      ),
    );
    const next = await watch(sha);
    expect(next.sentry.status).toBe('nothing-to-watch');
    expect(stack.deployments('production')).toHaveLength(deployments + 1);
  });
});
