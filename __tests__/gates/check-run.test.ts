// The `deploy-kit / preflight` check run's lifecycle on the fake GitHub (every request checked against
// GitHub's OpenAPI description): created in progress with its own external_id, completed with the gates'
// verdict, completed by the post step, and never duplicated by a create GitHub applied late.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CheckRun,
  type CheckRunMemo,
  type CheckRunTarget,
  completeLeftOpen,
  duplicateTitle,
  leftOpen,
} from '../../src/gates/check-run.js';
import { createGitHubClient, type GitHubClient } from '../../src/github/client.js';
import { assertConformance, type FakeGitHub, startFakeGitHub } from '../fakes/github/index.js';

const REPO = 'octo/app';
const NAME = 'deploy-kit / preflight';
const CREATE = 'POST /repos/{owner}/{repo}/check-runs';
const COMPLETE = 'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}';
const LOOKUP = 'GET /repos/{owner}/{repo}/commits/{ref}/check-runs';
const RUN_URL = 'https://github.example/octo/app/actions/runs/42';

let gh: FakeGitHub;
let sha: string;

beforeEach(async () => {
  gh = await startFakeGitHub();
  gh.store.addRepo({ owner: 'octo', name: 'app' });
  sha = gh.store.addCommit(REPO, { branch: 'main', message: 'feat: pay by card' });
});
afterEach(async () => {
  try {
    assertConformance(gh.requests);
  } finally {
    await gh.close();
  }
});

/** 150 ms per attempt, 2 retries 10 ms apart; a write that got no answer is taken to land within 1 s. */
function client(token = gh.token): GitHubClient {
  return createGitHubClient({
    token,
    apiUrl: gh.url,
    graphqlUrl: gh.graphqlUrl,
    retries: 2,
    retryBaseMs: 10,
    timeoutMs: 150,
    lateWriteWindowMs: 1000,
    log: { debug: () => {}, warning: () => {} },
    env: {},
  });
}

interface Harness {
  target: CheckRunTarget;
  state: Map<string, string>;
  warnings: string[];
  infos: string[];
}

function harness(c: GitHubClient = client(), state = new Map<string, string>()): Harness {
  const warnings: string[] = [];
  const infos: string[] = [];
  const memo: CheckRunMemo = {
    save: (name, value) => void state.set(name, value),
    read: (name) => state.get(name) ?? '',
  };
  return {
    state,
    warnings,
    infos,
    target: {
      client: c,
      owner: 'octo',
      repo: 'app',
      sha,
      name: NAME,
      detailsUrl: RUN_URL,
      now: () => new Date('2026-03-27T15:00:00Z'),
      log: { info: (m) => infos.push(m), warning: (m) => warnings.push(m), debug: () => {} },
      memo,
    },
  };
}

/** Every create attempt, faulted or not (a faulted request is never routed). */
const posts = () => gh.requests.filter((r) => r.method === 'POST' && r.path === '/repos/octo/app/check-runs');
const runs = () => gh.store.repo(REPO).checkRuns.filter((r) => r.name === NAME);
const VERDICT = { title: 'All 2 gates passed', summary: '| Gate | Verdict |', text: 'details' };

describe('the check run', () => {
  it('is created in progress with its own external_id, then completed with the verdict in one write each', async () => {
    const h = harness();
    const checkRun = await CheckRun.start(h.target);
    expect(checkRun).toBeDefined();
    const [created] = runs();
    expect(created).toMatchObject({
      id: checkRun!.id,
      headSha: sha,
      status: 'in_progress',
      detailsUrl: RUN_URL,
      startedAt: '2026-03-27T15:00:00.000Z',
      output: { title: 'Evaluating the gates' },
    });
    expect(created!.externalId).toMatch(/^[0-9a-f-]{36}$/);
    // What post needs, saved before the gates run.
    expect(h.state.get('check-run-id')).toBe(String(checkRun!.id));
    expect(h.state.get('check-run-key')).toBe(created!.externalId);
    expect(leftOpen(h.target.memo)).toBe(true);

    await checkRun!.complete('success', VERDICT);
    expect(runs()).toHaveLength(1);
    expect(runs()[0]).toMatchObject({ status: 'completed', conclusion: 'success', output: VERDICT });
    expect(gh.requestsFor(CREATE)).toHaveLength(1);
    expect(gh.requestsFor(COMPLETE)).toHaveLength(1);
    // Nothing went unanswered: no look-up, and nothing left for post.
    expect(gh.requestsFor(LOOKUP)).toHaveLength(0);
    expect(leftOpen(h.target.memo)).toBe(false);
    expect(h.warnings).toEqual([]);
  });

  it('gives every create its own key', async () => {
    await CheckRun.start(harness().target);
    await CheckRun.start(harness().target);
    const [a, b] = runs().map((r) => r.externalId);
    expect(a).not.toBe(b);
  });

  it('abandoned: completed as failed, saying why the gates could not be evaluated', async () => {
    const checkRun = await CheckRun.start(harness().target);
    await checkRun!.abandon(new Error('gates.yml: unreadable'));
    expect(runs()[0]).toMatchObject({
      conclusion: 'failure',
      output: {
        title: 'The gates could not be evaluated',
        summary: 'preflight-gates stopped: gates.yml: unreadable',
      },
    });
  });

  it('a token that may not create check runs costs the check run with a warning naming checks: write', async () => {
    gh.addToken('ghs_read_only_checks', { permissions: { checks: 'read' } });
    const h = harness(client('ghs_read_only_checks'));
    expect(await CheckRun.start(h.target)).toBeUndefined();
    expect(runs()).toEqual([]);
    expect(h.warnings).toHaveLength(1);
    expect(h.warnings[0]).toMatch(/^preflight-gates: no deploy-kit \/ preflight check run \(.*checks: write/);
    expect(h.warnings[0]).toContain('the gates are still evaluated and reported here');
    expect(leftOpen(h.target.memo)).toBe(false);
  });

  it('a refusal (422) is not retried', async () => {
    const h = harness();
    const checkRun = await CheckRun.start({ ...h.target, sha: 'f'.repeat(40) });
    expect(checkRun).toBeUndefined();
    expect(gh.requestsFor(CREATE)).toHaveLength(1);
    expect(h.warnings[0]).toContain('no deploy-kit / preflight check run');
  });

  it('5xx on every attempt: as many attempts as the budget allows, each after a look-up, then a warning', async () => {
    gh.faults.serverError(CREATE, { status: 503, times: 3 });
    const h = harness();
    expect(await CheckRun.start(h.target)).toBeUndefined();
    expect(posts()).toHaveLength(3);
    expect(gh.requestsFor(LOOKUP)).toHaveLength(2);
    expect(runs()).toEqual([]);
    expect(h.warnings[0]).toMatch(/503|Service Unavailable|server/i);
  });
});

describe('creates GitHub applies without answering', () => {
  it('a retried create finds the attempt that landed instead of sending again', async () => {
    // Two attempts time out (150 ms); GitHub applies the first 230 ms after it came: after the first look-up
    // (~160 ms), before the second (~350 ms), which finds it instead of sending a third.
    gh.faults.slow(CREATE, { ms: 230, times: 2 });
    const h = harness();
    const checkRun = await CheckRun.start(h.target);
    expect(checkRun).toBeDefined();
    expect(posts()).toHaveLength(2);
    expect(gh.requestsFor(LOOKUP)).toHaveLength(2);
    const first = runs()[0]!;
    expect(checkRun!.id).toBe(first.id);
    await checkRun!.complete('failure', VERDICT);
    // The second attempt landed too: the newest carries the verdict, the other is a completed duplicate of it.
    expect(runs()).toHaveLength(2);
    const newest = runs()[1]!;
    expect(newest).toMatchObject({ conclusion: 'failure', output: VERDICT });
    expect(first).toMatchObject({
      status: 'completed',
      conclusion: 'skipped',
      output: { title: duplicateTitle(newest.id) },
    });
  });

  it('copies that land late are completed as duplicates, and the newest carries the verdict', async () => {
    // Two attempts time out and GitHub applies each 600 ms after it came: after the third answered.
    const slow = gh.faults.slow(CREATE, { ms: 600, times: 2 });
    const h = harness();
    const checkRun = await CheckRun.start(h.target);
    expect(slow.hits).toBe(2);
    const keys = posts().map((r) => (r.body as { external_id?: string }).external_id);
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1);
    const created = checkRun!.id;
    // Post learns until when they may land.
    expect(Number(h.state.get('check-run-late-until'))).toBeGreaterThan(Date.now());

    await checkRun!.complete('success', VERDICT);
    expect(runs()).toHaveLength(3);
    const newest = Math.max(...runs().map((r) => r.id));
    expect(checkRun!.id).toBe(newest);
    expect(h.state.get('check-run-id')).toBe(String(newest));
    // GitHub (and branch protection) reads the newest check run of a name: it has the verdict.
    expect(gh.store.latestCheckRuns(gh.store.repo(REPO), sha)[0]).toMatchObject({
      id: newest,
      conclusion: 'success',
      output: VERDICT,
    });
    const copies = runs().filter((r) => r.id !== newest);
    expect(copies.map((r) => r.id)).toContain(created);
    for (const copy of copies) {
      expect(copy).toMatchObject({
        status: 'completed',
        conclusion: 'skipped',
        output: {
          title: `duplicate of check run ${newest}, created by a retried request GitHub applied late`,
        },
      });
    }
    expect(h.warnings).toEqual([
      `preflight-gates: GitHub applied a retried create late; completed ${copies.map((c) => c.id).join(', ')} as duplicate(s) of check run ${newest}`,
    ]);
    // Every copy completed: nothing left for post.
    expect(leftOpen(h.target.memo)).toBe(false);
  });

  it('when every attempt goes unanswered, waits for them to land and takes one', async () => {
    gh.faults.slow(CREATE, { ms: 600, times: 3 });
    const h = harness();
    const checkRun = await CheckRun.start(h.target);
    expect(checkRun).toBeDefined();
    expect(runs()).toHaveLength(3);
    await checkRun!.complete('failure', VERDICT);
    expect(runs().filter((r) => r.status !== 'completed')).toEqual([]);
    expect(
      runs()
        .filter((r) => r.conclusion === 'failure')
        .map((r) => r.id),
    ).toEqual([checkRun!.id]);
    expect(runs().filter((r) => r.output.title === duplicateTitle(checkRun!.id))).toHaveLength(2);
  });
});

describe('the post step', () => {
  it('completes the check run whose completing write GitHub failed, with the conclusion main meant', async () => {
    const main = harness();
    const checkRun = await CheckRun.start(main.target);
    gh.faults.serverError(COMPLETE, { status: 503, times: 3 });
    await checkRun!.complete('failure', VERDICT);
    expect(main.warnings[0]).toMatch(/^preflight-gates: no deploy-kit \/ preflight check run \(.*503/);
    expect(runs()[0]!.status).toBe('in_progress');
    expect(leftOpen(main.target.memo)).toBe(true);

    // Another process: a fresh client, the saved state.
    const post = harness(client(), main.state);
    await completeLeftOpen(post.target);
    expect(runs()[0]).toMatchObject({
      status: 'completed',
      conclusion: 'failure',
      detailsUrl: RUN_URL,
      output: {
        title: VERDICT.title,
        summary:
          'Completed by the post step: GitHub failed the first attempt. The table of the gates is in the job summary.',
      },
    });
    expect(post.infos).toEqual([
      'preflight-gates: the deploy-kit / preflight check run was completed by the post step (failure)',
    ]);
  });

  it('completes a check run main left in progress (killed) as cancelled', async () => {
    const main = harness();
    await CheckRun.start(main.target);
    const post = harness(client(), main.state);
    await completeLeftOpen(post.target);
    expect(runs()[0]).toMatchObject({
      conclusion: 'cancelled',
      output: { title: 'preflight-gates ended before the gates were evaluated' },
    });
  });

  it('main killed while a create went unanswered: finds the copies by key, even past the first page', async () => {
    const main = harness();
    const key = 'b7e1c1f2-0000-4000-8000-000000000001';
    // 120 other runs of the name on the commit (earlier workflow runs), then the two copies main's create left.
    for (let i = 0; i < 120; i++) {
      gh.store.addCheckRun(REPO, { headSha: sha, name: NAME, conclusion: 'success', externalId: `run-${i}` });
    }
    const first = gh.store.addCheckRun(REPO, {
      headSha: sha,
      name: NAME,
      status: 'in_progress',
      externalId: key,
    });
    const second = gh.store.addCheckRun(REPO, {
      headSha: sha,
      name: NAME,
      status: 'in_progress',
      externalId: key,
    });
    // Newest first, 100 a page: the first copy is on page 1 only if it is among the newest 100.
    for (let i = 0; i < 20; i++) {
      gh.store.addCheckRun(REPO, {
        headSha: sha,
        name: NAME,
        conclusion: 'success',
        externalId: `later-${i}`,
      });
    }
    main.state.set('check-run-key', key);
    main.state.set('check-run-sha', sha);
    main.state.set('check-run-late-until', String(Date.now() + 50));
    expect(leftOpen(main.target.memo)).toBe(true);

    const post = harness(client(), main.state);
    await completeLeftOpen(post.target);
    expect(gh.requestsFor(LOOKUP).map((r) => r.query.page)).toEqual(['1', '2']);
    const byId = (id: number) => runs().find((r) => r.id === id)!;
    expect(byId(second.id)).toMatchObject({ status: 'completed', conclusion: 'cancelled' });
    expect(byId(first.id)).toMatchObject({
      status: 'completed',
      conclusion: 'skipped',
      output: { title: duplicateTitle(second.id) },
    });
  });

  it('main completed the check run, but a copy landed after: post marks it a duplicate and leaves the verdict', async () => {
    const main = harness();
    const checkRun = await CheckRun.start(main.target);
    await checkRun!.complete('success', VERDICT);
    const key = main.state.get('check-run-key')!;
    const copy = gh.store.addCheckRun(REPO, {
      headSha: sha,
      name: NAME,
      status: 'in_progress',
      externalId: key,
    });
    main.state.set('check-run-late-until', String(Date.now()));

    const post = harness(client(), main.state);
    await completeLeftOpen(post.target);
    const byId = (id: number) => runs().find((r) => r.id === id)!;
    expect(byId(checkRun!.id)).toMatchObject({ conclusion: 'success', output: VERDICT });
    expect(byId(copy.id)).toMatchObject({
      conclusion: 'skipped',
      output: { title: duplicateTitle(checkRun!.id) },
    });
    // Main's verdict was not rewritten.
    expect(gh.requestsFor(COMPLETE).filter((r) => r.path.endsWith(`/${checkRun!.id}`))).toHaveLength(1);
  });

  it('has nothing to do when main completed it and nothing went unanswered', async () => {
    const main = harness();
    const checkRun = await CheckRun.start(main.target);
    await checkRun!.complete('success', VERDICT);
    expect(leftOpen(main.target.memo)).toBe(false);
    expect(leftOpen(harness().target.memo)).toBe(false);
  });

  it('a failed completing write warns, never throws', async () => {
    const main = harness();
    await CheckRun.start(main.target);
    gh.faults.serverError(COMPLETE, { status: 503, times: 3 });
    const post = harness(client(), main.state);
    await completeLeftOpen(post.target);
    expect(post.warnings[0]).toMatch(/^preflight-gates: no deploy-kit \/ preflight check run \(.*503/);
  });
});
