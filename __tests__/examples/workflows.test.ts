// examples/workflows, the generic examples (Kubernetes, the actions one by one), run end to end:
// pipeline.yml (staging: deploy-env → smoke-test; production: deploy-env → smoke-test → rollback on failure;
// tag-release) and rollback.yml dispatched by hand, its Slack message sent to a webhook on loopback. The
// cluster is the kubectl stand-in: `set image deployment/web web=…:<tag>` switches the environment's site.
// canary.yml's canary-promote step runs in __tests__/actions/canary-examples.test.ts.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRun } from '../workflow-runner/runner.js';
import { type Stack, startStack } from '../workflow-runner/stack.js';

const tagOf = (sha: string) => sha.slice(0, 7);
const step = (job: JobRun | undefined, id: string) => job?.steps.find((s) => s.id === id);

describe('examples/workflows (pipeline.yml, rollback.yml)', () => {
  let stack: Stack;
  let slack: Server;
  const messages: { text: string }[] = [];
  let secrets: Record<string, string>;
  let good: string;
  /** `kubectl set image` calls since `from`, as `<namespace> <tag>`. */
  const setImages = (from = 0) =>
    stack.fleet
      .calls('kubectl')
      .slice(from)
      .filter((c) => c.args[2] === 'set')
      .map((c) => `${c.args[1]} ${c.args[5]?.split(':').at(-1)}`);

  beforeAll(async () => {
    stack = await startStack('workflows', {
      environments: ['staging', 'production'],
      sites: { 'https://staging.example.com': 'staging', 'https://example.com': 'production' },
    });
    slack = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (chunk: string) => {
        body += chunk;
      });
      req.on('end', () => {
        messages.push(JSON.parse(body) as { text: string });
        res.end('ok');
      });
    });
    slack.listen(0, '127.0.0.1');
    await once(slack, 'listening');
    secrets = {
      KUBECONFIG_B64: Buffer.from('apiVersion: v1\nkind: Config\n').toString('base64'),
      SLACK_WEBHOOK_URL: `http://127.0.0.1:${(slack.address() as { port: number }).port}/hook`,
    };
  });
  afterAll(async () => {
    slack?.close();
    await stack?.close();
  });

  it('releases a good version: staging then production deployed and smoke-tested, recorded, tagged', async () => {
    good = stack.commit('feat: first release', 'v1');
    const runs = await stack.run('pipeline.yml', good, { secrets });
    for (const job of ['staging', 'production', 'tag']) {
      expect({ job, errors: runs[job]?.errors, conclusion: runs[job]?.conclusion }).toEqual({
        job,
        errors: [],
        conclusion: 'success',
      });
    }
    expect(step(runs.production, 'deploy')?.outputs).toMatchObject({
      result: 'success',
      version: tagOf(good),
    });
    expect(step(runs.production, 'smoke')?.outputs.passed).toBe('true');
    expect(step(runs.production, 'rollback')?.outcome).toBe('skipped');
    expect(await stack.fleet.served('staging')).toBe(tagOf(good));
    expect(await stack.fleet.served('production')).toBe(tagOf(good));
    expect(setImages()).toEqual([`app-staging ${tagOf(good)}`, `app-production ${tagOf(good)}`]);
    expect(stack.deployments('staging').at(-1)?.statuses.at(-1)?.state).toBe('success');
    expect(stack.deployments('production').at(-1)?.statuses.at(-1)?.state).toBe('success');
    expect(stack.tags()).toEqual(['v1', 'v1.0', 'v1.0.0']);
    expect(stack.gh.store.repo('octo/app').releases.map((r) => r.tagName)).toEqual(['v1.0.0']);
  });

  it('stops a version answering 5xx at staging: production keeps the good one, no tag', async () => {
    const bad = stack.commit('feat: broken', 'v2');
    stack.fleet.behave(tagOf(bad), { failRate: 0.5 });
    const calls = stack.fleet.calls('kubectl').length;
    const runs = await stack.run('pipeline.yml', bad, { secrets });
    expect(runs.staging?.conclusion).toBe('failure');
    expect(runs.staging?.errors.join('\n')).toMatch(/^step 'Smoke test': failed/);
    expect(runs.production?.conclusion).toBe('skipped');
    expect(runs.tag?.conclusion).toBe('skipped');
    expect(setImages(calls)).toEqual([`app-staging ${tagOf(bad)}`]);
    expect(await stack.fleet.served('production')).toBe(tagOf(good));
    expect(stack.tags()).toEqual(['v1', 'v1.0', 'v1.0.0']);
  });

  it('rolls production back by itself from a version that fails 1 request in 100, which only production sees', async () => {
    // Exactly every 100th request answers 500 (a count, so a loaded machine cannot change it): staging's
    // 50-request smoke test sees none, production's 100 requests see one, 1% over its 0.5%.
    const flaky = stack.commit('feat: a flaky page', 'v3');
    stack.fleet.behave(tagOf(flaky), { failRate: 0.01 });
    const calls = stack.fleet.calls('kubectl').length;
    const runs = await stack.run('pipeline.yml', flaky, { secrets });
    expect(runs.staging?.errors).toEqual([]);
    expect(await stack.fleet.served('staging')).toBe(tagOf(flaky));
    expect(runs.production?.conclusion).toBe('failure');
    expect(step(runs.production, 'smoke')?.outcome).toBe('failure');
    expect(step(runs.production, 'smoke')?.log).toMatch(
      /error rate \S+ > 0\.5\S* \(1 of 100 samples failed\)/,
    );
    const rollback = step(runs.production, 'rollback');
    expect(rollback?.outcome).toBe('success');
    expect(rollback?.outputs).toMatchObject({
      'rolled-back-from-version': tagOf(flaky),
      'rolled-back-to-version': tagOf(good),
    });
    expect(setImages(calls)).toEqual([
      `app-staging ${tagOf(flaky)}`,
      `app-production ${tagOf(flaky)}`,
      `app-production ${tagOf(good)}`,
    ]);
    expect(await stack.fleet.served('production')).toBe(tagOf(good));
    const last = stack.deployments('production').at(-1);
    expect(last?.task).toBe('deploy:rollback');
    expect(last?.statuses.at(-1)?.state).toBe('success');
    expect(runs.tag?.conclusion).toBe('skipped');
    expect(stack.tags()).toEqual(['v1', 'v1.0', 'v1.0.0']);
  });

  it('rollback.yml, dispatched by hand, brings back the last good version and tells the team', async () => {
    const next = stack.commit('fix: the page', 'v4');
    const released = await stack.run('pipeline.yml', next, { secrets });
    expect(Object.values(released).map((job) => [job.id, job.conclusion, job.errors])).toEqual([
      ['staging', 'success', []],
      ['production', 'success', []],
      ['tag', 'success', []],
    ]);
    expect(await stack.fleet.served('production')).toBe(tagOf(next));
    const runs = await stack.run('rollback.yml', next, {
      event: 'workflow_dispatch',
      inputs: { reason: 'checkout broken' },
      secrets,
    });
    expect(runs.rollback?.errors).toEqual([]);
    expect(step(runs.rollback, 'rollback')?.outputs).toMatchObject({
      'rolled-back-from-version': tagOf(next),
      'rolled-back-to-version': tagOf(good),
    });
    expect(await stack.fleet.served('production')).toBe(tagOf(good));
    expect(setImages().at(-1)).toBe(`app-production ${tagOf(good)}`);
    expect(stack.deployments('production').at(-1)?.task).toBe('deploy:rollback');
    expect(messages.at(-1)?.text).toMatch(
      new RegExp(
        `^Rollback of production by octocat: ${tagOf(next)} → ${tagOf(good)} \\(\\w+\\)\\. Why: checkout broken\\.`,
      ),
    );
  });
});
