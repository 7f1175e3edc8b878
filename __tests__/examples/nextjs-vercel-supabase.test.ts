// examples/nextjs-vercel-supabase run end to end: release.yml (staging → production → tag) and rollback.yml
// on the fake GitHub and the fake Actions cache. `npm ci` runs for real (an app with no dependencies);
// `npx vercel@…` and `npx supabase@…` reach the stand-ins, never the registry: vercel pull/build make
// .vercel/output from the app's VERSION, `deploy --prebuilt` starts that build on loopback, `alias set` and
// `--prod` point staging or production at it. A rollback redeploys the previous prebuilt output, restored
// from the cache, and skips the database migrations.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  beforeAll(async () => {
    stack = await startStack('nextjs-vercel-supabase', {
      environments: ['staging', 'production'],
      sites: { 'https://staging.example.com': 'staging', 'https://example.com': 'production' },
      pages: { '/api/health': { db: 'ok' } },
      files: { 'package.json': PACKAGE, 'package-lock.json': LOCK },
      cache: true,
    });
  });
  afterAll(() => stack.close());

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
});
