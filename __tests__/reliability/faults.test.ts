// The fault matrix: every action × every fault kind, through the built bundles. A burst within the client's
// budget must be ridden out; an outage that outlasts it must end in a clean failure that says what happened,
// with the records right (nothing left in_progress, nothing made twice), and a re-run once it clears must
// finish the job.
import { afterEach, describe, expect, it } from 'vitest';
import type { ActionRun } from '../../src/runner/runner.js';
import type { Faults } from '../fakes/github/faults.js';
import { side } from '../fakes/metrics-service.js';
import { FAKE_ACCOUNT, FAKE_NEW_RELIC_KEY, startFakeNewRelic } from '../fakes/newrelic/index.js';
import type { TestApp } from '../fakes/test-app.js';
import {
  ACTIONS,
  type ActionCase,
  BUDGETS,
  everythingShown,
  GITHUB_ACTIONS,
  STACK_LINE,
  type World,
} from './actions.js';
import { measure } from './record.js';

interface GitHubFault {
  name: string;
  /** Within the budget. Undefined for a fault that must never be retried. */
  burst?: (faults: Faults, route: string) => void;
  /** Outlasts the budget on this route. */
  outage: (faults: Faults, route: string) => void;
  /** What the failure must say. */
  says: RegExp;
}

const slowMs = BUDGETS.timeoutMs + 400;
/** How the client words its timeout: `no answer within 700 ms`, or in seconds from 1 s up. */
const timeoutWords = BUDGETS.timeoutMs >= 1000 ? `${BUDGETS.timeoutMs / 1000} s` : `${BUDGETS.timeoutMs} ms`;

const GITHUB_FAULTS: GitHubFault[] = [
  {
    name: '5xx bursts',
    burst: (f, route) => f.serverError(route, { status: 502, times: BUDGETS.retries }),
    outage: (f, route) => f.serverError(route, { status: 503, times: BUDGETS.retries + 1 }),
    says: /\b503\b|Service Unavailable|Server Error/i,
  },
  {
    name: '403 secondary rate limit',
    burst: (f, route) => f.secondaryRateLimit(route, { retryAfter: 1, times: 1 }),
    // GitHub asks for longer than the longest wait allowed: fail at once, saying so.
    outage: (f, route) => f.secondaryRateLimit(route, { retryAfter: 120, times: 1 }),
    says: /secondary rate limit/i,
  },
  {
    name: '429 with retry-after',
    burst: (f, route) => f.tooManyRequests(route, { retryAfter: 1, times: 1 }),
    outage: (f, route) => f.tooManyRequests(route, { retryAfter: 120, times: 1 }),
    says: /rate limit/i,
  },
  {
    name: '401 bad token',
    outage: (f, route) => f.badCredentials(route, { times: 1 }),
    says: /Bad credentials/,
  },
  {
    name: 'slow answers past the timeout',
    burst: (f, route) => f.slow(route, { ms: slowMs, times: BUDGETS.retries }),
    outage: (f, route) => f.slow(route, { ms: slowMs, times: BUDGETS.retries + 1 }),
    says: new RegExp(`no answer within ${timeoutWords}`),
  },
  {
    name: 'connection resets',
    burst: (f, route) => f.drop(route, { times: BUDGETS.retries }),
    outage: (f, route) => f.drop(route, { times: BUDGETS.retries + 1 }),
    says: /socket|closed|reset|fetch failed|terminated/i,
  },
  {
    name: 'malformed JSON',
    burst: (f, route) => f.malformedJson(route, { times: BUDGETS.retries }),
    outage: (f, route) => f.malformedJson(route, { times: BUDGETS.retries + 1 }),
    says: /malformed JSON/,
  },
];

const worlds: World[] = [];
async function freshWorld(action: ActionCase): Promise<World> {
  const world = await action.world();
  worlds.push(world);
  return world;
}
afterEach(async () => {
  for (const world of worlds.splice(0)) await world.close();
});

/**
 * A clean failure: failed, the last error names the action, the errors say what happened, no stack trace.
 * For an action whose record is a report (recordFaults 'warn'), a clean warning: the step goes on and
 * succeeds, and a warning names the action and says what happened.
 */
function expectCleanFailure(action: ActionCase, run: ActionRun, says: RegExp): void {
  if (action.recordFaults === 'warn') {
    expect(run.conclusion, everythingShown(run)).toBe('success');
    const warnings = run.annotations.filter((a) => a.level === 'warning').map((a) => a.message);
    const told = warnings.filter((w) => w.startsWith(`${action.name}: `) && says.test(w));
    expect(told, warnings.join('\n')).not.toEqual([]);
    expect(everythingShown(run)).not.toMatch(STACK_LINE);
    return;
  }
  expect(run.conclusion, everythingShown(run)).toBe('failure');
  const errors = run.annotations.filter((a) => a.level === 'error').map((a) => a.message);
  const last = errors.at(-1) ?? '';
  expect(last.startsWith(`${action.name}: `), last).toBe(true);
  expect(errors.join('\n')).toMatch(says);
  expect(everythingShown(run)).not.toMatch(STACK_LINE);
}

/** Every fault added was met, as often as it was meant to be. */
function expectAllMet(faults: Faults): void {
  expect(faults.rules.map((r) => r.remaining)).toEqual(faults.rules.map(() => 0));
}

/** Waits for slow answers the fake still owes (it applies a request after its delay, as GitHub may). */
async function settle(world: World): Promise<void> {
  const gh = world.gh!;
  for (let i = 0; i < 50 && gh.requests.some((r) => r.status === 0 && r.fault === undefined); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function hits(faults: Faults): number {
  return faults.rules.reduce((sum, rule) => sum + rule.hits, 0);
}

describe.each(GITHUB_ACTIONS.map((a) => [a.name, a] as const))('%s on a faulty GitHub', (_name, action) => {
  const routes = action.routes!;

  const cell = async (kind: string, fault: GitHubFault) => {
    let injected = 0;
    const known = action.knownFaultBugs?.[kind];

    // 1. On the write that creates the record: a burst is ridden out; an unretriable fault fails at once.
    const first = await freshWorld(action);
    const gh = first.gh!;
    const before = first.records();
    if (fault.burst) {
      fault.burst(gh.faults, routes.create);
      const run = await first.run();
      await settle(first);
      const problems = action.problems(before, first.records(), 1);
      if (known) {
        measure({
          concern: 'faults',
          action: action.name,
          what: kind,
          count: hits(gh.faults),
          survived: problems.length ? 0 : hits(gh.faults),
          runs: 1,
          note: problems.join('; '),
        });
      }
      expect(run.conclusion, everythingShown(run)).toBe('success');
      expect(problems).toEqual([]);
      expectAllMet(gh.faults);
    } else {
      fault.outage(gh.faults, routes.create);
      const run = await first.run();
      expectCleanFailure(action, run, fault.says);
      // Never retried: one attempt at that write, none after it.
      const faulted = gh.requests.filter((r) => r.fault !== undefined);
      expect(faulted).toHaveLength(1);
      expect(
        gh.requests.filter((r) => r.method === faulted[0]!.method && r.path === faulted[0]!.path),
      ).toHaveLength(1);
      expect(action.problems(before, first.records(), 1)).toEqual([]);
    }
    injected += hits(gh.faults);

    // 2. After the record exists, on the write that finishes it: the budget runs out, the failure is clean,
    // and post leaves nothing open.
    const second = await freshWorld(action);
    const beforeOutage = second.records();
    fault.outage(second.gh!.faults, routes.finish);
    const failed = await second.run();
    await settle(second);
    expectCleanFailure(action, failed, fault.says);
    expectAllMet(second.gh!.faults);
    expect(action.problems(beforeOutage, second.records(), 1)).toEqual([]);
    injected += hits(second.gh!.faults);

    // 3. Once GitHub answers again, a re-run finishes the job without making anything twice.
    second.gh!.faults.clear();
    const again = await second.run();
    expect(again.conclusion, everythingShown(again)).toBe('success');
    expect(action.problems(beforeOutage, second.records(), 2)).toEqual([]);

    measure({
      concern: 'faults',
      action: action.name,
      what: kind,
      count: injected,
      survived: injected,
      runs: 3,
    });
  };
  const cells = GITHUB_FAULTS.map((f) => [f.name, f] as const);
  const knownBugs = cells.filter(([kind]) => action.knownFaultBugs?.[kind]);
  it.each(cells.filter(([kind]) => !action.knownFaultBugs?.[kind]))('%s', cell);
  if (knownBugs.length > 0) it.fails.each(knownBugs)('%s (known bug, see knownFaultBugs)', cell);
});

interface TargetFault {
  name: string;
  /** Turns the fault on; returns a function that turns it off. `path` is the URL path probed. */
  on: (app: TestApp) => { path?: string; off: () => void };
  says: RegExp;
}

const TARGET_FAULTS: TargetFault[] = [
  {
    name: '5xx bursts',
    on: (app) => {
      app.set({ status: 503 });
      return { off: () => app.set({ status: undefined }) };
    },
    says: /\b503\b/,
  },
  {
    name: '429 with retry-after',
    on: (app) => {
      app.set({ status: 429 });
      return { off: () => app.set({ status: undefined }) };
    },
    says: /\b429\b/,
  },
  {
    name: 'connection resets',
    on: (app) => {
      app.set({ resetRate: 1 });
      return { off: () => app.set({ resetRate: 0 }) };
    },
    says: /reset|socket|closed|ECONNRESET/i,
  },
  {
    name: 'slow answers past the timeout',
    on: (app) => {
      app.set({ delayMs: 1000 });
      return { off: () => app.set({ delayMs: 0 }) };
    },
    says: /no complete answer within 300 ms/,
  },
];

const targetActions = ACTIONS.filter((a) => a.talksTo === 'target');

describe.each(targetActions.map((a) => [a.name, a] as const))(
  '%s against a faulty target',
  (_name, action) => {
    it.each(TARGET_FAULTS.map((f) => [f.name, f] as const))('%s', async (kind, fault) => {
      const world = await freshWorld(action);
      const app = world.app!;

      // A burst while the service comes up: waited out within wait-timeout.
      const start = app.requests;
      const burst = fault.on(app);
      let during = 0;
      const timer = setTimeout(() => {
        during = app.requests - start;
        burst.off();
      }, 700);
      const rode = await world.run();
      clearTimeout(timer);
      if (during === 0) {
        during = app.requests - start;
        burst.off();
      }
      expect(rode.conclusion, everythingShown(rode)).toBe('success');
      expect(during).toBeGreaterThan(0);
      expect(action.runProblems?.(rode) ?? []).toEqual([]);

      // An outage past wait-timeout: a clean failure that says what the target did.
      const outageStart = app.requests;
      const outage = fault.on(app);
      const failed = await world.run({ 'wait-timeout': '1s' });
      const injectedOutage = app.requests - outageStart;
      outage.off();
      expectCleanFailure(action, failed, fault.says);
      expect(failed.outputs.passed).toBe('false');
      expect(action.runProblems?.(failed) ?? []).toEqual([]);

      const injected = during + injectedOutage;
      measure({
        concern: 'faults',
        action: action.name,
        what: kind,
        count: injected,
        survived: injected,
        runs: 2,
      });
    });
  },
);

const rolloutActions = ACTIONS.filter((a) => a.talksTo === 'rollout');

describe.each(rolloutActions.map((a) => [a.name, a] as const))('%s with a faulty canary', (_name, action) => {
  it.each(TARGET_FAULTS.map((f) => [f.name, f] as const))('%s', async (kind, fault) => {
    // The canary fails in this way through the whole rollout: it must be aborted, its weight back to 0
    // (or, had it been judged fine, promoted to 100), never left in between.
    const world = await freshWorld(action);
    const app = world.app!;
    const before = world.records();
    const start = app.requests;
    const outage = fault.on(app);
    const faulted = await world.run();
    const injected = app.requests - start;
    outage.off();
    expect(injected).toBeGreaterThan(0);
    expect(everythingShown(faulted)).not.toMatch(STACK_LINE);
    expect(action.problems(before, world.records(), 1)).toEqual([]);
    expect(action.runProblems?.(faulted) ?? []).toEqual([]);
    if (faulted.conclusion !== 'success') {
      expect(faulted.conclusion, everythingShown(faulted)).toBe('failure');
      const last = faulted.annotations.filter((a) => a.level === 'error').at(-1)?.message ?? '';
      expect(last.startsWith(`${action.name}: `), last).toBe(true);
    }

    // Once the canary is healthy again, a re-run ends consistent too (an aborted rollout stays aborted).
    const again = await world.run();
    expect(everythingShown(again)).not.toMatch(STACK_LINE);
    expect(action.problems(before, world.records(), 2)).toEqual([]);
    expect(action.runProblems?.(again) ?? []).toEqual([]);
    measure({
      concern: 'faults',
      action: action.name,
      what: kind,
      count: injected,
      survived: injected,
      runs: 2,
    });
  });
});

// A hosted metric source that throttles (New Relic's NerdGraph answering 429, through the same back-off every
// hosted source uses: src/metrics/api-call.ts) while the watch judges a breaching release: a burst within the
// back-off is ridden out and the release rolled back once; throttling past it fails the look cleanly,
// rolling back nothing on metrics it could not read; once the service answers again, the next look rolls back.
const NRQL_WHERE = "FROM Transaction WHERE appName = 'shop' AND tags.version = '{{version}}'";

describe('watch with a throttled hosted metric source (New Relic)', () => {
  const watch = ACTIONS.find((a) => a.name === 'watch')!;

  it('rides out a burst, fails cleanly past the back-off, and rolls back once when it answers again', async () => {
    const fake = await startFakeNewRelic();
    try {
      fake.versions = { v1: 'baseline', v2: 'canary' };
      // v2 fails 8% of its requests, v1 0.25%.
      fake.traffic = { baseline: side(4000, 10, 20, 200), canary: side(4000, 320, 20, 200) };
      const inputs = {
        metrics: 'newrelic',
        'newrelic-config': [
          `account: ${FAKE_ACCOUNT}`,
          `endpoint: ${fake.url}/graphql`,
          'delay: 0s',
          `requests: SELECT count(*) ${NRQL_WHERE}`,
          `errors: SELECT count(*) ${NRQL_WHERE} AND error IS true`,
        ].join('\n'),
      };
      const env = { env: { NEW_RELIC_API_KEY: FAKE_NEW_RELIC_KEY } };
      const rollbacks = (world: World) => world.records().deployments.filter((d) => d.rolledBackFrom);

      // A burst within the back-off (two 429s): ridden out, the release rolled back once.
      const first = await freshWorld(watch);
      const before = first.records();
      fake.throttle(2);
      const rode = await first.run(inputs, env);
      expect(rode.conclusion, everythingShown(rode)).toBe('success');
      expect(rode.outputs.status).toBe('rolled-back');
      expect(rode.annotations.some((a) => a.level === 'warning' && /429|throttl/i.test(a.message))).toBe(
        true,
      );
      expect(watch.problems(before, first.records(), 1)).toEqual([]);
      expect(rollbacks(first)).toHaveLength(1);
      expect(rode.masks).toContain(FAKE_NEW_RELIC_KEY);

      // Throttled past the back-off: a clean failure naming the throttling, nothing rolled back.
      const second = await freshWorld(watch);
      const beforeOutage = second.records();
      const callsBefore = fake.calls.length;
      fake.throttle(1000);
      const failed = await second.run(inputs, env);
      const injected = fake.calls.length - callsBefore;
      fake.throttle(0);
      expectCleanFailure(watch, failed, /429|throttl/i);
      expect(failed.outputs['rolled-back'] ?? 'false').not.toBe('true');
      expect(rollbacks(second)).toEqual([]);
      expect(watch.problems(beforeOutage, second.records(), 1)).toEqual([]);

      // Answering again: the next look rolls the release back, once.
      const again = await second.run(inputs, env);
      expect(again.conclusion, everythingShown(again)).toBe('success');
      expect(again.outputs.status).toBe('rolled-back');
      expect(rollbacks(second)).toHaveLength(1);
      expect(watch.problems(beforeOutage, second.records(), 2)).toEqual([]);
      expect(fake.mismatches).toEqual([]);
      measure({
        concern: 'faults',
        action: 'watch',
        what: 'hosted metric source throttled (New Relic 429)',
        count: 2 + injected,
        survived: 2 + injected,
        runs: 3,
      });
    } finally {
      await fake.close();
    }
  }, 90_000);
});
