// examples/single-server-compose run end to end: release.yml (deploy-env with the release bundle → smoke
// test → rollback on failure → tag) and rollback.yml, on the fake GitHub and the fake Actions cache. The
// bundle travels to the server by the rsync stand-in; the server's ssh-gate (the fleet) starts the image tag
// named in the bundle's .env, so a rollback proves it restored the previous bundle, not today's files.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../workflow-runner/stack.js';

const HOST = 'deploy@203.0.113.10';
const secrets = {
  SSH_PRIVATE_KEY: 'private-key',
  SSH_KNOWN_HOSTS: '203.0.113.10 ssh-ed25519 AAAA',
  DEPLOY_HOST: HOST,
};
const tagOf = (sha: string) => sha.slice(0, 7);
const COMPOSE = 'services:\n  app:\n    image: ghcr.io/acme/app:${IMAGE_TAG}\n';

describe('examples/single-server-compose', () => {
  let stack: Stack;
  let good: string;
  beforeAll(async () => {
    stack = await startStack('single-server-compose', {
      environments: ['production'],
      hosts: { [HOST]: 'production' },
      sites: { 'https://app.example.com': 'production' },
      files: { 'deploy/compose.yml': COMPOSE },
      cache: true,
    });
  });
  afterAll(() => stack.close());

  it('releases a good version: bundle shipped, image tag started, smoke test passed, recorded, tagged', async () => {
    good = stack.commit('feat: first release', 'v1');
    const runs = await stack.run('release.yml', good, { secrets });
    expect(runs.production?.errors).toEqual([]);
    expect(await stack.fleet.served('production')).toBe(tagOf(good));
    const ssh = stack.fleet.calls('ssh').at(-1);
    expect(ssh?.args.slice(0, 2)).toEqual([HOST, 'deploy']);
    expect(ssh?.args[3]).toBe('deploy');
    expect(stack.fleet.calls('rsync')).toHaveLength(1);
    const byId = Object.fromEntries(runs.production!.steps.map((s) => [s.id, s]));
    expect(byId.deploy?.outputs).toMatchObject({ result: 'success', version: tagOf(good) });
    expect(byId.smoke?.outputs.passed).toBe('true');
    expect(runs.production?.steps.at(-1)?.outcome).toBe('skipped');
    expect(stack.deployments('production').at(-1)?.statuses.at(-1)?.state).toBe('success');
    expect(runs.tag?.conclusion).toBe('success');
    expect(stack.tags()).toEqual(['v1', 'v1.0', 'v1.0.0']);
  });

  it('rolls a version answering 5xx back to the previous image tag, from its restored bundle', async () => {
    const bad = stack.commit('feat: broken', 'v2');
    stack.fleet.behave(tagOf(bad), { failRate: 0.5 });
    const runs = await stack.run('release.yml', bad, { secrets });
    expect(runs.production?.conclusion).toBe('failure');
    const byId = Object.fromEntries(runs.production!.steps.map((s) => [s.id, s]));
    expect(byId.smoke?.outcome).toBe('failure');
    const rollback = runs.production?.steps.at(-1);
    expect(rollback?.outcome).toBe('success');
    expect(rollback?.outputs['rolled-back-to-version']).toBe(tagOf(good));
    expect(stack.fleet.calls('ssh').at(-1)?.args[3]).toBe('deploy:rollback');
    expect(await stack.fleet.served('production')).toBe(tagOf(good));
    expect(runs.tag?.conclusion).toBe('skipped');
  });

  it('rollback.yml, dispatched by hand, brings back the last good version', async () => {
    const next = stack.commit('fix: repaired', 'v3');
    const released = await stack.run('release.yml', next, { secrets });
    expect(released.production?.conclusion).toBe('success');
    expect(await stack.fleet.served('production')).toBe(tagOf(next));
    const runs = await stack.run('rollback.yml', next, {
      event: 'workflow_dispatch',
      inputs: { reason: 'customers report errors' },
      secrets,
    });
    expect(runs.rollback?.errors).toEqual([]);
    expect(await stack.fleet.served('production')).toBe(tagOf(good));
    expect(stack.deployments('production').at(-1)?.task).toBe('deploy:rollback');
  });
});
