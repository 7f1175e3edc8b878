import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHECKS_DEFAULTS, parseGatesConfig } from '../../src/gates/config.js';
import { configuredGates, evaluateGates, failedGates, GATES, gatesPassed } from '../../src/gates/evaluate.js';
import { GATE_ORDER, type GateName, type GateResult, type GatesConfig } from '../../src/gates/types.js';
import { assertConformance, type FakeGitHub, startFakeGitHub } from '../fakes/github/index.js';
import { fakeClient, gateContext, gateTarget, simulatedClock } from '../helpers/gates.js';

let gh: FakeGitHub;
let sha: string;
let workspace: string;

beforeEach(async () => {
  gh = await startFakeGitHub();
  gh.store.addRepo({ owner: 'octo', name: 'app' });
  sha = gh.store.addCommit('octo/app', { branch: 'main', message: 'feat: the change' });
  gh.store.addCheckRun('octo/app', { headSha: sha, name: 'test', conclusion: 'success', workflowName: 'CI' });
  gh.store.addCommitStatus('octo/app', { sha, context: 'ci/legacy', state: 'success' });
  gh.store.addPullRequest('octo/app', { number: 3, head: 'feature', headSha: sha });
  gh.store.addReview('octo/app', 3, { user: 'alice', state: 'APPROVED' });
  workspace = await mkdtemp(join(tmpdir(), 'gates-evaluate-'));
});
afterEach(async () => {
  await rm(workspace, { recursive: true, force: true });
  try {
    assertConformance(gh.requests);
  } finally {
    await gh.close();
  }
});

const SARIF_CLEAN = JSON.stringify({
  version: '2.1.0',
  runs: [{ tool: { driver: { name: 'Trivy', rules: [] } }, results: [] }],
});

function everyGate(): GatesConfig {
  return {
    branch: { rules: [{ environment: 'production', refs: ['main', 'v*'] }] },
    freeze: {
      windows: [
        {
          kind: 'weekly',
          name: 'weekend',
          timezone: 'Europe/Berlin',
          from: { day: 5, minutes: 16 * 60 },
          to: { day: 1, minutes: 8 * 60 },
          environments: ['production'],
        },
      ],
    },
    env: { variables: ['API_URL'], secrets: ['DEPLOY_TOKEN'] },
    reviews: { minApprovals: 1, noChangesRequested: true },
    vulnerabilities: { failOn: 'high', sarif: ['trivy.sarif'], npmAudit: [], dependabot: false, ignore: [] },
    migrations: { name: 'migrate', run: 'exit 0', timeoutMs: 10_000 },
    command: [{ name: 'smoke', run: 'echo fine', timeoutMs: 10_000 }],
    checks: { mode: 'all', names: [], ...CHECKS_DEFAULTS, graceMs: 0 },
  };
}

function context(overrides: Parameters<typeof gateContext>[0] = {}) {
  // Wednesday 2026-06-03 12:00 in Berlin: not frozen.
  const clock = simulatedClock(new Date('2026-06-03T10:00:00Z'));
  return gateContext({
    target: gateTarget({ sha, environment: 'production', eventName: 'push' }),
    github: fakeClient(gh),
    env: { PATH: process.env.PATH, API_URL: 'https://api.example', DEPLOY_TOKEN: 's3cr3t-value' },
    workspace,
    now: clock.now,
    sleep: clock.sleep,
    ...overrides,
  });
}

describe('evaluateGates', () => {
  it('runs every configured gate in GATE_ORDER and passes when all pass', async () => {
    await writeFile(join(workspace, 'trivy.sarif'), SARIF_CLEAN);
    const ctx = context();
    const report = await evaluateGates(everyGate(), ctx);
    expect(report.gates.map((g) => [g.gate, g.verdict])).toEqual(GATE_ORDER.map((g) => [g, 'pass']));
    expect(report.passed).toBe(true);
    expect(report.target).toEqual({
      sha,
      ref: 'refs/heads/main',
      environment: 'production',
      eventName: 'push',
    });
    expect(report.startedAt).toBe('2026-06-03T10:00:00.000Z');
    // One GraphQL request for the reviews, one poll of the checks.
    expect(report.apiCalls).toBe(2);
    expect(gh.requests.length).toBe(2);
    for (const gate of report.gates) expect(gate.durationMs).toBeGreaterThanOrEqual(0);
    expect(JSON.stringify(report)).not.toContain('s3cr3t-value');
  });

  it('goes on after failures and says which gates failed', async () => {
    gh.store.addCheckRun('octo/app', {
      headSha: sha,
      name: 'lint',
      conclusion: 'failure',
      workflowName: 'CI',
    });
    const config = everyGate();
    const ctx = context({
      target: gateTarget({ sha, ref: 'refs/heads/feature', environment: 'production', eventName: 'push' }),
      env: { PATH: process.env.PATH, API_URL: 'https://api.example' },
    });
    const report = await evaluateGates(config, ctx);
    expect(report.gates.map((g) => [g.gate, g.verdict])).toEqual([
      ['branch', 'fail'],
      ['freeze', 'pass'],
      ['env', 'fail'],
      ['reviews', 'pass'],
      ['vulnerabilities', 'error'],
      ['migrations', 'pass'],
      ['command', 'pass'],
      ['checks', 'fail'],
    ]);
    expect(report.passed).toBe(false);
    expect(failedGates(report)).toEqual(['branch', 'env', 'vulnerabilities', 'checks']);
    expect(report.gates.find((g) => g.gate === 'checks')?.detail).toBe(
      '1 of 3 checks failed: CI / lint (failure)',
    );
  });

  it('turns a gate that throws into an error naming it, and runs the rest', async () => {
    const config: GatesConfig = {
      // A zone Intl does not know makes the freeze gate throw (config.ts would have refused it).
      freeze: {
        windows: [
          {
            kind: 'dates',
            timezone: 'Mars/Olympus',
            from: '2026-01-01T00:00',
            to: '2026-01-02T00:00',
            environments: [],
          },
        ],
      },
      env: { variables: ['API_URL'], secrets: [] },
    };
    const report = await evaluateGates(config, context());
    expect(report.gates.map((g) => [g.gate, g.verdict])).toEqual([
      ['freeze', 'error'],
      ['env', 'pass'],
    ]);
    expect(report.gates[0]?.detail).toMatch(/^freeze could not be evaluated: .*Mars\/Olympus/);
    expect(report.passed).toBe(false);
  });

  it('names the gate that could not reach GitHub, after the client retried', async () => {
    gh.faults.serverError('graphql', { times: Infinity, status: 502 });
    const config: GatesConfig = {
      reviews: { minApprovals: 1, noChangesRequested: true },
      env: { variables: ['API_URL'], secrets: [] },
    };
    const report = await evaluateGates(config, context());
    expect(report.gates.map((g) => [g.gate, g.verdict])).toEqual([
      ['env', 'pass'],
      ['reviews', 'error'],
    ]);
    expect(report.gates[1]?.detail).toMatch(
      /^reviews could not be evaluated: GitHub refused to read the pull requests of .* GitHub answered 502/,
    );
    expect(report.apiCalls).toBe(4);
  });

  it('records the gates not started as errors once the run is cancelled', async () => {
    const controller = new AbortController();
    const config: GatesConfig = {
      env: { variables: ['API_URL'], secrets: [] },
      command: [{ name: 'long', run: 'sleep 30', timeoutMs: 60_000 }],
      checks: { mode: 'all', names: [], ...CHECKS_DEFAULTS },
    };
    setTimeout(() => controller.abort(), 200);
    const started = Date.now();
    const report = await evaluateGates(config, context({ signal: controller.signal }));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(report.gates.map((g) => [g.gate, g.verdict, g.detail])).toEqual([
      ['env', 'pass', expect.any(String)],
      ['command', 'error', expect.stringContaining('long: was cancelled')],
      ['checks', 'error', 'checks was not evaluated: the run was cancelled'],
    ]);
    expect(report.passed).toBe(false);
    expect(gh.requests).toEqual([]);
  });

  it('tells the caller as each gate starts and ends, with the time each took', async () => {
    const events: string[] = [];
    let tick = 0;
    const report = await evaluateGates(
      { branch: { rules: [] }, env: { variables: ['API_URL'], secrets: [] } },
      context(),
      {
        onGateStart: (gate) => {
          events.push(`start ${gate}`);
        },
        onGateResult: (result: GateResult) => {
          events.push(`${result.gate} ${result.verdict} ${result.durationMs}`);
        },
        clock: () => {
          tick += 5;
          return tick;
        },
      },
    );
    expect(events).toEqual(['start branch', 'branch pass 5', 'start env', 'env pass 5']);
    expect(report.durationMs).toBe(25);
  });

  it('works without a GitHub client: API gates report an error naming the token, local ones run', async () => {
    const report = await evaluateGates(
      {
        env: { variables: ['API_URL'], secrets: [] },
        reviews: { minApprovals: 1, noChangesRequested: true },
      },
      context({ github: undefined }),
    );
    expect(report.gates.map((g) => [g.gate, g.verdict, g.detail])).toEqual([
      ['env', 'pass', 'the one name is present and non-empty: API_URL'],
      ['reviews', 'error', 'reviews: reading pull request reviews needs a GitHub token, and none was given'],
    ]);
    expect(report.apiCalls).toBeUndefined();
  });

  it('evaluates what parseGatesConfig gives; skipped counts as passing', async () => {
    const config = await parseGatesConfig('branch:\n  production: [main]\nenv: [API_URL]\n');
    expect(configuredGates(config)).toEqual(['branch', 'env']);
    const report = await evaluateGates(config, context({ target: gateTarget({ sha }) }));
    expect(report.gates.map((g) => g.verdict)).toEqual(['skipped', 'pass']);
    expect(report.passed).toBe(true);
    expect(gatesPassed([{ verdict: 'pass' }, { verdict: 'error' }])).toBe(false);
  });

  it('has a gate for every name in GATE_ORDER', () => {
    expect(Object.keys(GATES).sort()).toEqual([...GATE_ORDER].sort());
    for (const name of GATE_ORDER) expect(GATES[name as GateName].name).toBe(name);
  });
});
