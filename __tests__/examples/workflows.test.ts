// examples/workflows, the generic examples (Kubernetes, the actions one by one), run end to end:
// pipeline.yml (staging: deploy-env → smoke-test; production: deploy-env → smoke-test → rollback on failure;
// tag-release) and rollback.yml dispatched by hand, its Slack message sent to a webhook on loopback. The
// cluster is the kubectl stand-in: `set image deployment/web web=…:<tag>` switches the environment's site.
//
// canary.yml runs end to end on its edge machine (the fleet's `edge` environment): a real nginx in front of
// two slots, each a loopback address serving the version scripts/deploy.sh put there; canary-promote judges
// the canary on a real Prometheus scraping every version's app while four clients send the users' traffic
// through nginx. Stood in: scripts/deploy.sh (the example does not ship it; the fleet plays it: `deploy.sh
// <slot> <version>` starts that version in that slot), `sudo` (only `nginx -t` and `systemctl reload
// nginx`, as the example's sudoers has it, run on the test's nginx) and `systemctl`; see
// ../workflow-runner/stand-ins/fleet.ts. The copied canary.yml differs from the example in the machine's
// paths and addresses, rewritten (edgeCanary below): /etc/nginx/conf.d/app-upstream.conf and /run/nginx.pid
// → the test nginx's files, 127.0.0.1:8081 and :8082 → the two slots (fixed ports would collide on a
// shared machine), http://prometheus.internal:9090 → the test Prometheus; and in its durations, scaled by
// 1/20 as in the canary example test (../helpers/canary-time.ts: holds 5m/10m → 15 s/30 s, the 1m interval
// → 3 s, the 1 h bound → 3 min).
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RolloutReport } from '../../src/canary/report.js';
import { loadThrough, scaledDuration } from '../helpers/canary-time.js';
import { NGINX_MISSING, nginxAvailable } from '../helpers/nginx.js';
import {
  PROMETHEUS_MISSING,
  prometheusAvailable,
  type RunningPrometheus,
  startPrometheus,
} from '../helpers/prometheus.js';
import type { JobRun } from '../workflow-runner/runner.js';
import { type Stack, startStack } from '../workflow-runner/stack.js';
import type { Fleet } from '../workflow-runner/stand-ins/fleet.js';

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

const present = nginxAvailable() && prometheusAvailable();
if (!present) console.warn(`skipping examples/workflows/canary.yml: ${NGINX_MISSING}; ${PROMETHEUS_MISSING}`);
/** Lognormal latencies around 8 ms, as the canary example test's apps. */
const LATENCY = { delayMs: 8, delaySigma: 0.5 };
const PROMETHEUS_INTERNAL = 'http://prometheus.internal:9090';

/** Replaces `from` (which must be there) everywhere in `text`. */
function everywhere(text: string, from: string | RegExp, to: (match: string) => string): string {
  const pattern =
    typeof from === 'string' ? new RegExp(from.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'), 'g') : from;
  if (!pattern.test(text)) throw new Error(`canary.yml no longer says ${from}`);
  pattern.lastIndex = 0;
  return text.replace(pattern, to);
}

/** canary.yml as the test runs it: the edge machine's paths and addresses, the durations scaled. */
function edgeCanary(text: string, fleet: Pick<Fleet, 'edge'>, prometheusUrl: string): string {
  const edge = fleet.edge();
  let out = everywhere(text, '/etc/nginx/conf.d/app-upstream.conf', () => edge.config);
  out = everywhere(out, '/run/nginx.pid', () => edge.pidFile);
  out = everywhere(out, '127.0.0.1:8081', () => edge.baseline);
  out = everywhere(out, '127.0.0.1:8082', () => edge.canary);
  out = everywhere(out, PROMETHEUS_INTERNAL, () => prometheusUrl);
  out = everywhere(out, /(?<=\bhold: )\d+m(?=\})/g, (hold) => scaledDuration('hold', hold));
  out = everywhere(out, /(?<=\n {10}interval: )1m(?=\n)/, (interval) => scaledDuration('interval', interval));
  return everywhere(out, /(?<=\n {10}max-duration: )1h(?=\n)/, (bound) =>
    scaledDuration('max-duration', bound),
  );
}

describe.skipIf(!present)('examples/workflows/canary.yml on an nginx machine with two slots', () => {
  let stack: Stack;
  let prometheus: RunningPrometheus;
  let load: { stop(): Promise<void> };
  let secrets: Record<string, string>;
  let live: string;
  const release = (message: string, version: string, behaviour: object = LATENCY) => {
    const sha = stack.commit(message, version);
    stack.fleet.behave(sha, behaviour);
    return sha;
  };
  const upstream = () => readFileSync(stack.fleet.edge().config, 'utf8');
  const controlRequests = () => stack.gh.requestsFor('GET /repos/{owner}/{repo}/actions/variables/{name}');
  const slotCalls = (from = 0) =>
    stack.fleet
      .calls('deploy.sh')
      .slice(from)
      .map((c) => c.args.join(' '));

  beforeAll(async () => {
    const targetsFile = join(tmpdir(), `canary-yml-targets-${process.pid}.json`);
    prometheus = await startPrometheus({ targets: [], targetsFile, startTimeoutMs: 60_000 });
    stack = await startStack('workflows', {
      environments: ['production'],
      edge: 'production',
      sites: {},
      targetsFile,
      scripts: { 'scripts/deploy.sh': 'deploy.sh' },
      edit: (file, text, fleet) => (file === 'canary.yml' ? edgeCanary(text, fleet, prometheus.url) : text),
    });
    // A fine-grained token of a person: a workflow's GITHUB_TOKEN cannot read Actions variables (403).
    stack.gh.addToken('github_pat_canary_control', { login: 'octocat', permissions: { variables: 'read' } });
    secrets = { CANARY_CONTROL_TOKEN: 'github_pat_canary_control' };
    load = loadThrough(stack.fleet.site('production'));
  }, 90_000);
  afterAll(async () => {
    await load?.stop();
    await prometheus?.close();
    await stack?.close();
  });

  it('the copied canary.yml names the test machine and holds 15/30/30 s, looks every 3 s, gives up after 3 min', () => {
    const text = readFileSync(join(stack.repo.dir, '.github/workflows/canary.yml'), 'utf8');
    const edge = stack.fleet.edge();
    expect(text).toContain(
      '- {weight: 5, hold: 15000ms}\n            - {weight: 25, hold: 30000ms}\n            - {weight: 50, hold: 30000ms}',
    );
    expect(text).toContain('          interval: 3000ms\n          max-duration: 180000ms\n');
    expect(text).toContain(`nginx-config: ${edge.config}\n`);
    expect(text).toContain(`nginx-baseline: ${edge.baseline}\n          nginx-canary: ${edge.canary}\n`);
    expect(text).toContain(`server ${edge.baseline};`);
    // Comments still speak of :8081 and :8082; nothing the steps run or read does.
    const code = text.replace(/^\s*#.*$/gm, '');
    expect(code).not.toMatch(/\/etc\/|\/run\/|:808[12]\b|prometheus\.internal/);
  });

  it('the first release, with no previous version, skips the canary and is promoted to the baseline slot', async () => {
    const first = release('feat: first release', 'v1');
    const runs = await stack.run('canary.yml', first, { secrets });
    expect(runs.canary?.errors).toEqual([]);
    expect(runs.canary?.conclusion).toBe('success');
    expect(step(runs.canary, 'canary')?.outcome).toBe('skipped');
    expect(slotCalls()).toEqual([`canary ${first}`, `baseline ${first}`]);
    expect(stack.fleet.calls('sudo').map((c) => c.args.join(' '))).toEqual([
      'nginx -t',
      'systemctl reload nginx',
    ]);
    expect(upstream()).toMatch(
      new RegExp(`^upstream app \\{\\s+server ${stack.fleet.edge().baseline};\\s+\\}\\s*$`),
    );
    expect(await stack.fleet.served('production')).toBe(first);
    expect(stack.deployments('production').at(-1)?.statuses.at(-1)?.state).toBe('success');
    live = first;
  });

  /** A healthy release: canaried against the live version, promoted, then moved to the baseline slot. */
  const promotes = async (message: string, version: string) => {
    const next = release(message, version);
    const from = stack.fleet.calls('deploy.sh').length;
    const controlsBefore = controlRequests().length;
    const runs = await stack.run('canary.yml', next, { secrets });
    const canary = step(runs.canary, 'canary');
    const report = JSON.parse(canary?.outputs.report ?? '{}') as RolloutReport;
    expect(runs.canary?.errors, report.reason).toEqual([]);
    expect(canary?.outputs).toMatchObject({ promoted: 'true', verdict: 'pass', 'final-weight': '100' });
    // The live version served the baseline's side at every step: it was in the baseline slot, untouched.
    expect(report.baselineVersion).toBe(live);
    for (const judged of report.steps.filter((s) => s.verdict !== 'not-judged')) {
      const latency = judged.metrics.find((m) => m.metric === 'latency')!;
      expect(latency.samples.canary).toBeGreaterThanOrEqual(20);
      expect(latency.samples.baseline).toBeGreaterThanOrEqual(20);
    }
    expect(slotCalls(from)).toEqual([`canary ${next}`, `baseline ${next}`]);
    expect(upstream()).not.toContain(stack.fleet.edge().canary);
    expect(stack.fleet.slotVersion('baseline')).toBe(next);
    expect(await stack.fleet.served('production')).toBe(next);
    expect(runs.canary?.steps.at(-1)?.log).toContain(`canary promoted=true verdict=pass weight=100%`);
    expect(stack.deployments('production').at(-1)?.statuses.at(-1)?.state).toBe('success');
    // The control URL was asked before judgments, with the token (no variable set: carry on).
    const asked = controlRequests().slice(controlsBefore);
    expect(asked.length).toBeGreaterThan(0);
    for (const request of asked) {
      expect(request.status).toBe(404);
      expect(request.headers.authorization).toBe(`Bearer ${secrets.CANARY_CONTROL_TOKEN}`);
    }
    live = next;
  };

  it(
    'promotes a healthy canary through 5, 25 and 50% and moves it to the baseline slot',
    { timeout: 400_000 },
    () => promotes('feat: a new page', 'v2'),
  );

  it(
    'canaries the next release against the promoted one: the slots kept their roles',
    { timeout: 400_000 },
    () => promotes('feat: another page', 'v3'),
  );

  it('aborts a canary answering 10% of requests with 500: all traffic back on the baseline slot, rollback recorded', {
    timeout: 400_000,
  }, async () => {
    const bad = release('feat: a broken page', 'v4', { ...LATENCY, failRate: 0.1 });
    const from = stack.fleet.calls('deploy.sh').length;
    const runs = await stack.run('canary.yml', bad, { secrets });
    expect(runs.canary?.conclusion).toBe('failure');
    const canary = step(runs.canary, 'canary');
    const report = JSON.parse(canary?.outputs.report ?? '{}') as RolloutReport;
    expect(canary?.outputs, report.reason).toMatchObject({
      aborted: 'true',
      verdict: 'fail',
      'final-weight': '0',
    });
    const errors = report.steps.at(-1)!.metrics.find((m) => m.metric === 'error-rate')!;
    expect(errors.verdict).toBe('fail');
    expect(errors.canary!).toBeGreaterThan(0.03);
    // The rollback command makes sure the baseline slot runs the version production is recorded at again.
    expect(slotCalls(from)).toEqual([`canary ${bad}`, `baseline ${live}`]);
    expect(upstream()).not.toContain(stack.fleet.edge().canary);
    expect(await stack.fleet.served('production')).toBe(live);
    const promote = runs.canary?.steps.find((s) => s.name === 'Promote to the baseline slot');
    expect(promote?.outcome).toBe('skipped');
    expect(runs.canary?.steps.at(-1)?.log).toContain('canary promoted=false verdict=fail weight=0%');
    const last = stack.deployments('production').at(-1);
    expect(last?.task).toBe('deploy:rollback');
    expect(last?.statuses.at(-1)?.state).toBe('success');
  });
});
