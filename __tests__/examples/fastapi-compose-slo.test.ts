// examples/fastapi-compose-slo run end to end: release.yml (build → production → tag) and rollback.yml,
// on the fake GitHub, the host's `switch` reached through the ssh stand-in, the site a real app on loopback.
// The SLO is p95 < 200 ms and errors < 0.1% over 1000 requests: a release missing either rolls back to the
// previous image tag.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../workflow-runner/stack.js';

const HOST = 'deploy@orders.example.com';
const secrets = {
  SSH_PRIVATE_KEY: 'ssh-ed25519-private-key',
  SSH_KNOWN_HOSTS: 'orders ssh-ed25519 AAAA',
  DEPLOY_HOST: HOST,
};
const tagOf = (sha: string) => sha.slice(0, 7);

describe('examples/fastapi-compose-slo', () => {
  let stack: Stack;
  let good: string;
  beforeAll(async () => {
    stack = await startStack('fastapi-compose-slo', {
      environments: ['production'],
      hosts: { [HOST]: 'production' },
      sites: { 'https://orders.example.com': 'production' },
      pages: { '/v1/orders': { orders: [] } },
    });
  });
  afterAll(() => stack.close());

  it('releases a good version: image tag deployed, SLO met, deployment recorded, tag and release created', async () => {
    good = stack.commit('feat: orders API', 'v1');
    const runs = await stack.run('release.yml', good, { secrets });
    expect(runs.build?.errors).toEqual([]);
    expect(runs.production?.errors).toEqual([]);
    expect(runs.production?.conclusion).toBe('success');
    expect(runs.build?.steps.at(-1)?.log).toContain(`would push ghcr.io/acme/orders:${tagOf(good)}`);
    expect(await stack.fleet.served('production')).toBe(tagOf(good));
    expect(stack.fleet.calls('ssh').map((c) => c.args)).toEqual([[HOST, 'switch', tagOf(good)]]);
    const release = runs.production?.steps.find((s) => s.id === 'release');
    expect(release?.outputs).toMatchObject({ result: 'released', version: tagOf(good) });
    expect(runs.production?.steps.at(-1)?.log).toContain('result=released');
    const [deployment] = stack.deployments('production');
    expect(deployment?.statuses.at(-1)?.state).toBe('success');
    expect(runs.tag?.conclusion).toBe('success');
    expect(stack.tags()).toEqual(['v1', 'v1.0', 'v1.0.0']);
    expect(stack.gh.store.repo('octo/app').releases.map((r) => r.tagName)).toEqual(['v1.0.0']);
  });

  it.each([
    ['errors of 0.1%', { failRate: 0.001 }, /error rate/],
    ['a p95 of 200 ms', { slowShare: 0.1, slowMs: 200 }, /p95/],
  ])('rolls back to the previous image tag on %s', async (_, behaviour, why) => {
    const bad = stack.commit('feat: a slower query', 'v2');
    stack.fleet.behave(tagOf(bad), behaviour);
    const runs = await stack.run('release.yml', bad, { secrets });
    expect(runs.production?.conclusion).toBe('failure');
    const release = runs.production?.steps.find((s) => s.id === 'release');
    expect(release?.outputs).toMatchObject({ result: 'rolled-back', 'rolled-back-to-version': tagOf(good) });
    expect(release?.log).toMatch(why);
    expect(stack.fleet.calls('ssh').at(-1)?.args).toEqual([HOST, 'switch', tagOf(good)]);
    expect(await stack.fleet.served('production')).toBe(tagOf(good));
    expect(runs.production?.steps.at(-1)?.log).toContain(`rolled-back-to=${tagOf(good)}`);
    expect(runs.tag?.conclusion).toBe('skipped');
    expect(stack.tags()).toEqual(['v1', 'v1.0', 'v1.0.0']);
  });

  it('rollback.yml, dispatched by hand, brings back the last good version', async () => {
    const next = stack.commit('fix: the query', 'v3');
    const released = await stack.run('release.yml', next, { secrets });
    expect(released.production?.conclusion).toBe('success');
    // The rolled-back feats since v1.0.0 ship with this fix: a minor release.
    expect(stack.tags()).toContain('v1.1.0');
    expect(await stack.fleet.served('production')).toBe(tagOf(next));
    const runs = await stack.run('rollback.yml', next, {
      event: 'workflow_dispatch',
      inputs: { reason: 'orders page broken' },
      secrets,
    });
    expect(runs.rollback?.errors).toEqual([]);
    expect(await stack.fleet.served('production')).toBe(tagOf(good));
    expect(stack.fleet.calls('ssh').at(-1)?.args).toEqual([HOST, 'switch', tagOf(good)]);
    const last = stack.deployments('production').at(-1);
    expect(last?.task).toBe('deploy:rollback');
    expect(last?.statuses.at(-1)?.state).toBe('success');
  });
});
