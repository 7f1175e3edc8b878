// The rollout engine on a fake clock, with a scripted metric source and step analysis and a router that
// records every weight: every path (promotion, abort, policies, max-duration, cancellation, resume, dry
// run, router and store faults) runs in milliseconds.
import { describe, expect, it } from 'vitest';
import type { Judgment, OutcomePolicies, Policy, StepAnalysis, Verdict } from '../../src/analysis/types.js';
import { ControlError, type ControlReading, type RolloutControl } from '../../src/canary/control.js';
import type { RolloutReport } from '../../src/canary/report.js';
import {
  type Clock,
  checkTraffic,
  type RolloutDeps,
  type RolloutSettings,
  returnTrafficAfterCancel,
  runRollout,
  storeKey,
} from '../../src/canary/rollout.js';
import { MemoryStateStore, type RolloutState } from '../../src/canary/state.js';
import type { CanaryStep } from '../../src/canary/steps.js';
import {
  type CollectRequest,
  type MetricSource,
  MetricSourceError,
  type Observation,
} from '../../src/metrics/types.js';
import { type Router, RouterError, type WeightChange } from '../../src/traffic/types.js';

const START = Date.parse('2026-03-01T10:00:00Z');
const HOLD = 60_000;
const INTERVAL = 20_000;
const KEY = 'canary-production-v2';

/** Time moves only when the rollout sleeps; `onSleep` sees each new time (to cancel at a moment). */
class FakeClock implements Clock {
  t = START;
  onSleep?: (now: number) => void;
  now(): number {
    return this.t;
  }
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return;
    this.t += Math.max(0, ms);
    this.onSleep?.(this.t);
    await Promise.resolve();
  }
}

/** Everything that happened, in order, across router, source, analysis and store. */
type Events = string[];

class RecordingRouter implements Router {
  readonly kind = 'command' as const;
  readonly changes: WeightChange[] = [];
  /** Throws for the weights this returns true for. */
  failWhen: (change: WeightChange, attempt: number) => boolean = () => false;
  onChange?: (change: WeightChange) => void;
  constructor(private readonly events: Events) {}

  get weights(): number[] {
    return this.changes.map((c) => c.weight);
  }

  async setWeight(change: WeightChange): Promise<void> {
    this.changes.push(change);
    this.events.push(`weight ${change.weight}`);
    this.onChange?.(change);
    if (change.signal?.aborted) throw new RouterError('command router: cancelled', 'command');
    const attempt = this.changes.filter((c) => c.weight === change.weight).length;
    if (this.failWhen(change, attempt))
      throw new RouterError(
        `command router: the command failed with exit code 1 setting weight ${change.weight}%`,
        'command',
      );
  }
}

function observation(canaryShare?: number): Observation {
  return {
    baseline: { latencyMs: [100, 110], requests: 2, errors: 0 },
    canary: { latencyMs: [105, 115], requests: 2, errors: 0 },
    notes: [],
    ...(canaryShare === undefined ? {} : { canaryShare }),
  };
}

/** Answers each look from a script: an observation, or throws a MetricSourceError. */
class ScriptedSource implements MetricSource {
  readonly kind = 'prometheus' as const;
  readonly requests: CollectRequest[] = [];
  script: (request: CollectRequest, look: number) => Observation = () => observation();
  constructor(private readonly events: Events) {}

  async collect(request: CollectRequest): Promise<Observation> {
    this.requests.push(request);
    const look = this.requests.filter((r) => r.step === request.step).length;
    this.events.push(`collect step ${request.step} look ${look}`);
    return this.script(request, look);
  }
  async close(): Promise<void> {}
}

function judgment(verdict: Verdict, samples = 50): Judgment {
  return {
    verdict,
    reason: `scripted ${verdict}`,
    metrics: [
      {
        metric: 'latency',
        verdict,
        reason: `latency ${verdict}`,
        samples: { baseline: samples, canary: samples },
        baseline: samples > 0 ? 100 : null,
        canary: samples > 0 ? (verdict === 'fail' ? 180 : 102) : null,
        statistic: {
          test: 'mann-whitney',
          value: 1.2,
          boundary: 2.8,
          pValue: 0.23,
          estimate: 1.02,
          interval: [0.97, 1.08],
        },
        threshold: '≤ 1.10× baseline at 99%',
      },
    ],
  };
}

/** A scripted StepAnalysis per step: judge() answers script(step index, look, observations added). */
class ScriptedAnalyses {
  created: number[] = [];
  added: Observation[][] = [];
  script: (index: number, look: number) => Judgment = () => judgment('pass');
  constructor(private readonly events: Events) {}

  create = (_step: CanaryStep, index: number): StepAnalysis => {
    this.created.push(index);
    const observations: Observation[] = [];
    this.added[index] = observations;
    let looks = 0;
    return {
      add: (o) => {
        observations.push(o);
      },
      judge: () => {
        looks += 1;
        const j = this.script(index, looks);
        this.events.push(`judge step ${index + 1} look ${looks}: ${j.verdict}`);
        return j;
      },
    };
  };
}

class RecordingStore extends MemoryStateStore {
  constructor(private readonly events: Events) {
    super();
  }
  /** Save number n (1-based) and later ones throw, when set. */
  failFrom?: number;
  override async save(key: string, state: RolloutState): Promise<void> {
    if (this.failFrom !== undefined && this.saves.length + 1 >= this.failFrom) throw new Error('disk full');
    this.events.push(`save ${state.status} step ${state.step} weight ${state.weight}`);
    await super.save(key, state);
  }
}

const STEPS: CanaryStep[] = [
  { weight: 5, holdMs: HOLD },
  { weight: 25, holdMs: HOLD },
  { weight: 50, holdMs: HOLD },
  { weight: 100, holdMs: 0 },
];

function settings(extra: Partial<RolloutSettings> = {}): RolloutSettings {
  return {
    environment: 'production',
    baselineVersion: 'v1',
    canaryVersion: 'v2',
    steps: STEPS,
    intervalMs: INTERVAL,
    maxDurationMs: 3_600_000,
    policies: { onNoData: 'abort', onInconclusive: 'abort', onError: 'abort' },
    minSamples: 20,
    dryRun: false,
    ...extra,
  };
}

function harness(store?: RecordingStore) {
  const events: Events = [];
  const clock = new FakeClock();
  const router = new RecordingRouter(events);
  const source = new ScriptedSource(events);
  const analyses = new ScriptedAnalyses(events);
  const logs: string[] = [];
  const groups: string[] = [];
  const controller = new AbortController();
  const weightsSeen: number[] = [];
  const theStore = store ?? new RecordingStore(events);
  // A store carried over from another run records into this run's events.
  (theStore as unknown as { events: Events }).events = events;
  const deps: RolloutDeps = {
    router,
    source,
    createAnalysis: analyses.create,
    store: theStore,
    key: KEY,
    clock,
    signal: controller.signal,
    run: 'run-1',
    onWeight: (w) => weightsSeen.push(w),
    log: {
      info: (m) => logs.push(m),
      warning: (m) => logs.push(`warning: ${m}`),
      group: async (name, fn) => {
        groups.push(name);
        return fn();
      },
    },
  };
  return {
    events,
    clock,
    router,
    source,
    analyses,
    logs,
    groups,
    controller,
    weightsSeen,
    store: theStore,
    deps,
  };
}

const policies = (onNoData: Policy, onInconclusive: Policy, onError: Policy): OutcomePolicies => ({
  onNoData,
  onInconclusive,
  onError,
});

describe('rollout', () => {
  it('walks a good canary through every step to 100%, holding each step and judging every interval', async () => {
    const h = harness();
    const report = await runRollout(settings(), h.deps);
    expect(report.status).toBe('promoted');
    expect(report.verdict).toBe('pass');
    expect(report.reason).toBe('the canary passed every step and stands at 100%');
    expect(h.router.weights).toEqual([5, 25, 50, 100]);
    expect(h.weightsSeen).toEqual([5, 25, 50, 100]);
    expect(h.router.changes.map((c) => c.step)).toEqual([1, 2, 3, 4]);
    expect(h.router.changes.every((c) => c.baselineVersion === 'v1' && c.canaryVersion === 'v2')).toBe(true);
    expect(report.finalWeight).toBe(100);
    expect(report.trafficRestored).toBe(true);
    expect(report.steps.map((s) => [s.weight, s.looks, s.durationMs, s.outcome, s.verdict])).toEqual([
      [5, 3, HOLD, 'passed', 'pass'],
      [25, 3, HOLD, 'passed', 'pass'],
      [50, 3, HOLD, 'passed', 'pass'],
      [100, 0, 0, 'passed', 'not-judged'],
    ]);
    expect(report.steps[0]!.metrics[0]!.statistic?.test).toBe('mann-whitney');
    expect(report.durationMs).toBe(3 * HOLD);
    // Each look asks for the window since the previous one, at the step's weight.
    expect(h.source.requests).toHaveLength(9);
    expect(h.source.requests.every((r) => r.windowMs === INTERVAL)).toBe(true);
    expect(h.source.requests.map((r) => r.weight)).toEqual([5, 5, 5, 25, 25, 25, 50, 50, 50]);
    // A fresh analysis for each judged step, fed every observation of its step; none for the promotion.
    expect(h.analyses.created).toEqual([0, 1, 2]);
    expect(h.analyses.added.map((o) => o.length)).toEqual([3, 3, 3]);
    expect(h.groups).toEqual([
      'Step 1 of 4: 5% for at least 1 m',
      'Step 2 of 4: 25% for at least 1 m',
      'Step 3 of 4: 50% for at least 1 m',
      'Step 4 of 4: 100% (promotion)',
    ]);
    const saved = (await h.store.load(KEY))!;
    expect(saved).toMatchObject({ status: 'promoted', weight: 100, step: 3, run: 'run-1', verdict: 'pass' });
    expect(saved.steps).toHaveLength(4);
    // The decision report ends the log.
    expect(h.logs).toContain(
      'canary v2 against v1 in production: promoted (pass): the canary passed every step and stands at 100%',
    );
  });

  it('aborts at once on a failing judgment, setting the weight to 0 before anything else', async () => {
    const h = harness();
    h.analyses.script = (index, look) => (index === 1 && look === 2 ? judgment('fail') : judgment('pass'));
    const report = await runRollout(settings(), h.deps);
    expect(report).toMatchObject({
      status: 'aborted',
      verdict: 'fail',
      reason: 'scripted fail',
      finalWeight: 0,
    });
    expect(h.router.weights).toEqual([5, 25, 0]);
    const failedAt = h.events.indexOf('judge step 2 look 2: fail');
    expect(h.events.slice(failedAt + 1)).toEqual(['weight 0', 'save aborted step 1 weight 0']);
    // Weight 0 is not cut short by a signal.
    expect(h.router.changes.at(-1)!.signal).toBeUndefined();
    expect(report.steps.map((s) => s.outcome)).toEqual(['passed', 'failed']);
    expect(report.steps[1]).toMatchObject({ looks: 2, verdict: 'fail', durationMs: 2 * INTERVAL });
    expect((await h.store.load(KEY))!).toMatchObject({
      status: 'aborted',
      verdict: 'fail',
      reason: 'scripted fail',
    });
  });

  describe('outcome policies', () => {
    type Case = {
      outcome: 'no-data' | 'inconclusive' | 'error';
      policy: Policy;
      status: RolloutReport['status'];
      verdict: RolloutReport['verdict'];
      weights: number[];
      effects: string[];
      firstStepMs: number;
    };
    const cases: Case[] = [
      {
        outcome: 'no-data',
        policy: 'abort',
        status: 'aborted',
        verdict: 'no-data',
        weights: [5, 0],
        effects: ['abort'],
        firstStepMs: HOLD,
      },
      {
        outcome: 'no-data',
        policy: 'promote',
        status: 'promoted',
        verdict: 'pass',
        weights: [5, 25, 50, 100],
        effects: ['pass'],
        firstStepMs: HOLD,
      },
      {
        outcome: 'no-data',
        policy: 'extend',
        status: 'aborted',
        verdict: 'no-data',
        weights: [5, 0],
        effects: ['extend', 'abort'],
        firstStepMs: 2 * HOLD,
      },
      {
        outcome: 'no-data',
        policy: 'hold',
        status: 'aborted',
        verdict: 'timeout',
        weights: [5, 0],
        effects: ['keep-judging'],
        firstStepMs: 300_000,
      },
      {
        outcome: 'inconclusive',
        policy: 'abort',
        status: 'aborted',
        verdict: 'inconclusive',
        weights: [5, 0],
        effects: ['abort'],
        firstStepMs: HOLD,
      },
      {
        outcome: 'inconclusive',
        policy: 'promote',
        status: 'promoted',
        verdict: 'pass',
        weights: [5, 25, 50, 100],
        effects: ['pass'],
        firstStepMs: HOLD,
      },
      {
        outcome: 'inconclusive',
        policy: 'extend',
        status: 'aborted',
        verdict: 'inconclusive',
        weights: [5, 0],
        effects: ['extend', 'abort'],
        firstStepMs: 2 * HOLD,
      },
      {
        outcome: 'inconclusive',
        policy: 'hold',
        status: 'aborted',
        verdict: 'timeout',
        weights: [5, 0],
        effects: ['keep-judging'],
        firstStepMs: 300_000,
      },
      // Errors are decided at the look that failed: abort at the first, extend at once (and abort at the next).
      {
        outcome: 'error',
        policy: 'abort',
        status: 'aborted',
        verdict: 'error',
        weights: [5, 0],
        effects: ['abort'],
        firstStepMs: INTERVAL,
      },
      {
        outcome: 'error',
        policy: 'promote',
        status: 'promoted',
        verdict: 'pass',
        weights: [5, 25, 50, 100],
        effects: ['pass'],
        firstStepMs: HOLD,
      },
      {
        outcome: 'error',
        policy: 'extend',
        status: 'aborted',
        verdict: 'error',
        weights: [5, 0],
        effects: ['extend', 'abort'],
        firstStepMs: 2 * INTERVAL,
      },
      {
        outcome: 'error',
        policy: 'hold',
        status: 'aborted',
        verdict: 'timeout',
        weights: [5, 0],
        effects: ['keep-judging'],
        firstStepMs: 300_000,
      },
    ];

    it.each(cases)('$outcome with $policy: $status ($verdict)', async (c) => {
      const h = harness();
      if (c.outcome === 'error')
        h.source.script = () => {
          throw new MetricSourceError(
            'prometheus: http://prom:9090/api/v1/query could not be reached',
            'prometheus',
          );
        };
      else h.analyses.script = () => judgment(c.outcome as Verdict, c.outcome === 'no-data' ? 0 : 5);
      const other: Policy = 'abort';
      const report = await runRollout(
        settings({
          maxDurationMs: 300_000,
          policies: policies(
            c.outcome === 'no-data' ? c.policy : other,
            c.outcome === 'inconclusive' ? c.policy : other,
            c.outcome === 'error' ? c.policy : other,
          ),
        }),
        h.deps,
      );
      expect(report.status).toBe(c.status);
      expect(report.verdict).toBe(c.verdict);
      expect(h.router.weights).toEqual(c.weights);
      const first = report.steps[0]!;
      expect(first.durationMs).toBe(c.firstStepMs);
      const input = { 'no-data': 'on-no-data', inconclusive: 'on-inconclusive', error: 'on-error' }[
        c.outcome
      ];
      expect(first.policies.map((p) => p.effect)).toEqual(c.effects);
      expect(first.policies.every((p) => p.input === input && p.policy === c.policy)).toBe(true);
      if (c.status === 'aborted') expect(report.finalWeight).toBe(0);
      if (c.verdict === 'timeout')
        expect(report.reason).toMatch(/^max-duration 5 m reached at step 1 \(5%\); /);
      if (c.outcome === 'error') {
        expect(first.errors).toBeGreaterThan(0);
        expect(first.notes).toEqual([
          'prometheus source: prometheus: http://prom:9090/api/v1/query could not be reached',
        ]);
      }
      if (c.policy === 'extend') expect(first.extensions).toBe(1);
    });

    it('hold keeps judging, and the step passes once the analysis does', async () => {
      const h = harness();
      h.analyses.script = (index, look) =>
        index === 0 && look <= 4 ? judgment('no-data', 0) : judgment('pass');
      const report = await runRollout(settings({ policies: policies('hold', 'abort', 'abort') }), h.deps);
      expect(report.status).toBe('promoted');
      expect(report.steps[0]).toMatchObject({ looks: 5, durationMs: 5 * INTERVAL, verdict: 'pass' });
      expect(report.steps[0]!.policies).toHaveLength(1);
    });

    it('a look that failed is skipped under hold, and the next window covers it', async () => {
      const h = harness();
      h.source.script = (request, look) => {
        if (request.step === 1 && look === 1)
          throw new MetricSourceError('prometheus: timeout', 'prometheus');
        return observation();
      };
      const report = await runRollout(settings({ policies: policies('abort', 'abort', 'hold') }), h.deps);
      expect(report.status).toBe('promoted');
      expect(report.steps[0]).toMatchObject({ looks: 2, errors: 1, verdict: 'pass' });
      expect(h.source.requests.slice(0, 3).map((r) => r.windowMs)).toEqual([
        INTERVAL,
        2 * INTERVAL,
        INTERVAL,
      ]);
    });

    it('continue with min-samples passes at the hold (rule hold); with too few it is inconclusive', async () => {
      const h = harness();
      // Undecided all along with 50 samples a side: no harm found, so each step passes when its hold ends.
      h.analyses.script = () => judgment('continue', 50);
      const report = await runRollout(settings(), h.deps);
      expect(report.status).toBe('promoted');
      const judged = report.steps.filter((step) => step.verdict !== 'not-judged');
      expect(judged.map((step) => step.passedBy)).toEqual(['hold', 'hold', 'hold']);
      expect(judged.map((step) => step.durationMs)).toEqual(judged.map((step) => step.holdMs));
      expect(judged[0]!.reason).toMatch(/^hold elapsed, min-samples seen, no harm found \(hold /);
      // An aggregate's samples are looks: they are not held to min-samples (its own rule says when it has
      // enough); the error rate's requests are.
      const aggregate = harness();
      aggregate.analyses.script = () => {
        const scripted = judgment('continue', 50);
        scripted.metrics = [
          { ...scripted.metrics[0]!, verdict: 'pass', samples: { baseline: 3, canary: 3 }, aggregate: true },
          { ...scripted.metrics[0]!, metric: 'error-rate', samples: { baseline: 900, canary: 60 } },
        ];
        return scripted;
      };
      const byHold = await runRollout(settings(), aggregate.deps);
      expect(byHold.status).toBe('promoted');
      expect(byHold.steps[0]!.passedBy).toBe('hold');
      // A comparison leaning toward harm (z ≥ 1.645, short of its boundary) is not "no harm found": the
      // step keeps judging past its hold, and passes at the first look where it no longer leans.
      const leaning = harness();
      leaning.analyses.script = (index, look) => {
        const scripted = judgment('continue', 50);
        if (index === 0 && look < 4) scripted.metrics[0]!.statistic!.value = 2.4;
        return scripted;
      };
      const later = await runRollout(settings(), leaning.deps);
      expect(later.status).toBe('promoted');
      expect(later.steps[0]).toMatchObject({ looks: 4, passedBy: 'hold' });
      expect(later.steps[0]!.durationMs).toBeGreaterThan(later.steps[0]!.holdMs);
      expect(later.steps[1]!.durationMs).toBe(later.steps[1]!.holdMs);
      // A pass on the evidence says so.
      const evidence = harness();
      evidence.analyses.script = () => judgment('pass');
      const passed = await runRollout(settings(), evidence.deps);
      expect(passed.steps[0]!.passedBy).toBe('evidence');

      const few = harness();
      few.analyses.script = () => judgment('continue', 8);
      const aborted = await runRollout(settings({ policies: policies('abort', 'abort', 'abort') }), few.deps);
      expect(aborted).toMatchObject({ status: 'aborted', verdict: 'inconclusive' });
      expect(aborted.reason).toBe(
        'inconclusive (8 samples on a side when the hold ended, 20 needed); on-inconclusive: abort → abort',
      );
    });
  });

  it('aborts when max-duration is reached mid-step, and before a step it cannot start', async () => {
    const h = harness();
    const report = await runRollout(settings({ maxDurationMs: 150_000 }), h.deps);
    expect(report).toMatchObject({ status: 'aborted', verdict: 'timeout', finalWeight: 0 });
    expect(report.reason).toBe(
      'max-duration 2 m 30 s reached at step 3 (50%); the last judgment was pass: scripted pass',
    );
    expect(h.router.weights).toEqual([5, 25, 50, 0]);
    expect(report.durationMs).toBe(150_000);

    const before = harness();
    const early = await runRollout(settings({ maxDurationMs: 2 * HOLD }), before.deps);
    expect(early.reason).toBe('max-duration 2 m reached before step 3 (50%)');
    expect(before.router.weights).toEqual([5, 25, 0]);
    expect(early.steps.at(-1)).toMatchObject({ weight: 50, verdict: 'not-judged', outcome: 'failed' });
  });

  describe('cancellation', () => {
    it('while waiting between looks: weight 0 at once, recorded as cancelled', async () => {
      const h = harness();
      h.clock.onSleep = (now) => {
        if (now >= START + HOLD + 30_000) h.controller.abort();
      };
      const report = await runRollout(settings(), h.deps);
      expect(report).toMatchObject({
        status: 'cancelled',
        verdict: 'cancelled',
        finalWeight: 0,
        trafficRestored: true,
      });
      expect(report.reason).toBe('cancelled at step 2 (25%)');
      expect(h.router.weights).toEqual([5, 25, 0]);
      expect(h.router.changes.at(-1)!.signal).toBeUndefined();
      expect(h.events.slice(-2)).toEqual(['weight 0', 'save cancelled step 1 weight 0']);
      expect(report.steps.map((s) => s.outcome)).toEqual(['passed', 'cancelled']);
      expect((await h.store.load(KEY))!).toMatchObject({
        status: 'cancelled',
        verdict: 'cancelled',
        weight: 0,
      });
    });

    it('while the router moves traffic: cancelled, not a router failure', async () => {
      const h = harness();
      h.router.onChange = (change) => {
        if (change.weight === 25) h.controller.abort();
      };
      const report = await runRollout(settings(), h.deps);
      expect(report).toMatchObject({ status: 'cancelled', verdict: 'cancelled' });
      expect(h.router.weights).toEqual([5, 25, 0]);
    });

    it('during a look: what the look brought is not judged', async () => {
      const h = harness();
      h.source.script = (request, look) => {
        if (request.step === 1 && look === 2) {
          h.controller.abort();
          // A cut-short look of a failing canary: it must not turn the cancel into an abort.
          h.analyses.script = () => judgment('fail');
        }
        return observation();
      };
      const report = await runRollout(settings(), h.deps);
      expect(report).toMatchObject({ status: 'cancelled', verdict: 'cancelled' });
      expect(h.analyses.added[0]).toHaveLength(1);
      expect(h.router.weights).toEqual([5, 0]);
    });
  });

  describe('resume', () => {
    /** The states a good rollout saved, to resume from. */
    async function savedStates() {
      const h = harness();
      await runRollout(settings(), h.deps);
      return h.store.saves.map((s) => s.state);
    }

    function storeWith(state: RolloutState, key = KEY): RecordingStore {
      const store = new RecordingStore([]);
      store.states.set(key, structuredClone(state));
      return store;
    }

    it('running: the steps passed stand and the step being judged starts over', async () => {
      const states = await savedStates();
      // Step 3 had just been set to 50% when the runner was lost.
      const lost = states.findLast((s) => s.status === 'running' && s.steps.length === 2)!;
      expect(lost).toMatchObject({ step: 2, weight: 50 });
      const h = harness(storeWith(lost));
      const report = await runRollout(settings(), { ...h.deps, run: 'run-2' });
      expect(report.status).toBe('promoted');
      expect(h.router.weights).toEqual([50, 100]);
      expect(report.steps.map((s) => [s.weight, s.run])).toEqual([
        [5, 'run-1'],
        [25, 'run-1'],
        [50, 'run-2'],
        [100, 'run-2'],
      ]);
      expect(report.resumed).toMatchObject({ previousStatus: 'running', fromStep: 2, previousRun: 'run-1' });
      expect(report.resumed!.note).toBe(
        'resuming the rollout of v2 left running by run run-1: 2 steps passed; step 3 (50%) is judged again from the start',
      );
      expect(h.analyses.created).toEqual([2]);
    });

    it('running with every step passed: promoted without moving traffic or judging again', async () => {
      const states = await savedStates();
      const lost = states.findLast((s) => s.status === 'running' && s.steps.length === 4)!;
      const h = harness(storeWith(lost));
      const report = await runRollout(settings(), { ...h.deps, run: 'run-2' });
      expect(report.status).toBe('promoted');
      expect(report.steps).toHaveLength(4);
      expect(h.router.weights).toEqual([]);
      expect(h.analyses.created).toEqual([]);
    });

    it('running, with different steps this time: only the matching passed steps stand', async () => {
      const states = await savedStates();
      const lost = states.findLast((s) => s.status === 'running' && s.steps.length === 2)!;
      const h = harness(storeWith(lost));
      const changed = [
        { weight: 5, holdMs: HOLD },
        { weight: 10, holdMs: HOLD },
        { weight: 100, holdMs: 0 },
      ];
      const report = await runRollout(settings({ steps: changed }), h.deps);
      expect(h.router.weights).toEqual([10, 100]);
      expect(report.steps.map((s) => s.weight)).toEqual([5, 10, 100]);
    });

    it('cancelled: weight 0 again, then a new ramp from the first step', async () => {
      const first = harness();
      first.clock.onSleep = (now) => now >= START + HOLD + 30_000 && first.controller.abort();
      await runRollout(settings(), first.deps);
      const cancelled = (await first.store.load(KEY))!;
      const h = harness(storeWith(cancelled));
      const report = await runRollout(settings(), { ...h.deps, run: 'run-2' });
      expect(h.router.weights).toEqual([0, 5, 25, 50, 100]);
      expect(h.events[0]).toBe('weight 0');
      expect(report.status).toBe('promoted');
      expect(report.steps).toHaveLength(4);
      expect(report.resumed).toMatchObject({
        previousStatus: 'cancelled',
        fromStep: 0,
        previousRun: 'run-1',
      });
    });

    it('aborted: weight 0 again and the saved verdict, without judging again', async () => {
      const first = harness();
      first.analyses.script = (index) => (index === 1 ? judgment('fail') : judgment('pass'));
      await runRollout(settings(), first.deps);
      const h = harness(storeWith((await first.store.load(KEY))!));
      const report = await runRollout(settings(), { ...h.deps, run: 'run-2' });
      expect(report).toMatchObject({ status: 'aborted', verdict: 'fail', finalWeight: 0 });
      expect(report.reason).toBe('aborted in an earlier run: scripted fail');
      expect(h.router.weights).toEqual([0]);
      expect(h.source.requests).toEqual([]);
      expect(h.analyses.created).toEqual([]);
      expect((await h.store.load(KEY))!).toMatchObject({ status: 'aborted', run: 'run-2' });
    });

    it('promoted: nothing moves and the promotion is reported', async () => {
      const first = harness();
      await runRollout(settings(), first.deps);
      const h = harness(storeWith((await first.store.load(KEY))!));
      const report = await runRollout(settings(), { ...h.deps, run: 'run-2' });
      expect(report).toMatchObject({ status: 'promoted', verdict: 'pass', finalWeight: 100 });
      expect(report.resumed?.previousStatus).toBe('promoted');
      expect(h.router.weights).toEqual([]);
      expect(h.source.requests).toEqual([]);
    });

    it('a saved rollout against another baseline is set aside', async () => {
      const states = await savedStates();
      const other = { ...states.at(-1)!, baselineVersion: 'v0' };
      const h = harness(storeWith(other));
      const report = await runRollout(settings(), h.deps);
      expect(h.router.weights).toEqual([5, 25, 50, 100]);
      expect(report.resumed?.note).toMatch(/^a saved rollout of v2 against baseline v0 is set aside/);
    });
  });

  describe('dry run', () => {
    it('judges every step without ever calling the router, under its own state key', async () => {
      const h = harness();
      const report = await runRollout(settings({ dryRun: true }), h.deps);
      expect(report.status).toBe('promoted');
      expect(report.reason).toBe('dry run: the canary passed every step (4); traffic was not moved');
      expect(h.router.changes).toEqual([]);
      expect(h.source.requests.map((r) => r.weight)).toEqual([5, 5, 5, 25, 25, 25, 50, 50, 50]);
      expect([...h.store.states.keys()]).toEqual([storeKey(KEY, true)]);
      expect(report.finalWeight).toBe(0);
    });

    it('an abort in a dry run moves no traffic either, and leaves a real rollout state alone', async () => {
      const real = harness();
      await runRollout(settings(), real.deps);
      const promoted = (await real.store.load(KEY))!;
      const h = harness(real.store);
      h.analyses.script = () => judgment('fail');
      const report = await runRollout(settings({ dryRun: true }), h.deps);
      expect(report).toMatchObject({ status: 'aborted', verdict: 'fail', dryRun: true });
      expect(h.router.changes).toEqual([]);
      expect(report.resumed).toBeUndefined();
      expect(await h.store.load(KEY)).toEqual(promoted);
    });
  });

  describe('faults', () => {
    it('a router that cannot set a step weight aborts, and traffic goes back to 0', async () => {
      const h = harness();
      h.router.failWhen = (change) => change.weight === 25;
      const report = await runRollout(settings(), h.deps);
      expect(report).toMatchObject({
        status: 'aborted',
        verdict: 'router',
        finalWeight: 0,
        trafficRestored: true,
      });
      expect(report.reason).toBe(
        "the command router could not set the canary's weight to 25%: command router: the command failed with exit code 1 setting weight 25%",
      );
      expect(h.router.weights).toEqual([5, 25, 0]);
      expect(report.steps.at(-1)).toMatchObject({ verdict: 'error', looks: 0 });
    });

    it('weight 0 is retried, and a canary still holding traffic is said so', async () => {
      const h = harness();
      h.router.failWhen = (change) => change.weight !== 5;
      h.analyses.script = () => judgment('fail');
      const report = await runRollout(settings(), h.deps);
      expect(h.router.weights).toEqual([5, 0, 0, 0]);
      expect(report).toMatchObject({
        status: 'aborted',
        verdict: 'fail',
        trafficRestored: false,
        finalWeight: 5,
      });
      expect(report.reason).toBe("scripted fail; the canary's weight could not be set back to 0");
      expect(h.logs).toContain(
        "  the canary's weight could NOT be set back to 0: it may still serve 5% of traffic",
      );
      // Back-off on the clock between attempts: 1 s, then 2 s.
      expect(h.clock.now() - START).toBe(INTERVAL + 3000);
    });

    it('a weight 0 that fails once is retried and succeeds', async () => {
      const h = harness();
      h.router.failWhen = (change, attempt) => change.weight === 0 && attempt === 1;
      h.analyses.script = () => judgment('fail');
      const report = await runRollout(settings(), h.deps);
      expect(h.router.weights).toEqual([5, 0, 0]);
      expect(report).toMatchObject({ trafficRestored: true, finalWeight: 0 });
    });

    it('a state store that fails mid-rollout: traffic back to the baseline, then the error', async () => {
      const h = harness();
      (h.store as RecordingStore).failFrom = 4;
      await expect(runRollout(settings(), h.deps)).rejects.toThrow('disk full');
      expect(h.router.weights.at(-1)).toBe(0);
      expect(h.logs).toContain('warning: the rollout failed (disk full); returning traffic to the baseline');
    });

    it('warns once per step when the canary serves a share far from its weight', async () => {
      const h = harness();
      h.source.script = (request) => observation(request.weight === 5 ? 0.5 : request.weight / 100);
      const report = await runRollout(settings(), h.deps);
      expect(report.steps[0]!.traffic).toEqual({ asked: 0.05, observed: 0.5, far: true });
      expect(report.steps[1]!.traffic).toEqual({ asked: 0.25, observed: 0.25, far: false });
      expect(report.steps[0]!.notes).toEqual([
        'the canary served 50% of traffic while 5% was asked for: the router may not be applying the weight',
      ]);
      expect(h.logs.filter((l) => l.includes('may not be applying')).length).toBe(1);
    });

    it('refuses settings it cannot run with', async () => {
      const h = harness();
      await expect(runRollout(settings({ intervalMs: 0 }), h.deps)).rejects.toThrow(
        'canary rollout: interval must be positive, got 0 ms',
      );
      await expect(runRollout(settings({ steps: [] }), h.deps)).rejects.toThrow('canary rollout: no steps');
      expect(h.router.changes).toEqual([]);
    });
  });

  it('judges traffic far when off by more than 2 points plus a quarter of the weight', () => {
    expect(checkTraffic(5, 0.08).far).toBe(false);
    expect(checkTraffic(5, 0.02).far).toBe(false);
    expect(checkTraffic(5, 0.09).far).toBe(true);
    expect(checkTraffic(50, 0.36).far).toBe(false);
    expect(checkTraffic(50, 0.3).far).toBe(true);
    expect(checkTraffic(5, 0).far).toBe(true);
  });
});

/** A control answering each read from a script keyed by the time of the read (ms since the start). */
function scriptedControl(
  events: Events,
  clock: FakeClock,
  script: (elapsed: number) => ControlReading | Error | undefined,
): RolloutControl {
  return {
    describe: 'control-file ops/canary.txt',
    async read() {
      const answer = script(clock.now() - START);
      events.push(`control ${answer instanceof Error ? 'error' : (answer?.command ?? 'none')}`);
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
}

describe('control at run time', () => {
  it('pauses at the weight it has: still judged, no step passes and the weight does not rise until continue', async () => {
    const h = harness();
    // Paused from the first look of step 2 (at 80 s) until 200 s.
    h.deps.control = scriptedControl(h.events, h.clock, (t) =>
      t >= HOLD + INTERVAL && t < 200_000 ? { command: 'pause', reason: 'DB migration running' } : undefined,
    );
    const report = await runRollout(settings(), h.deps);
    expect(report.status).toBe('promoted');
    expect(report.verdict).toBe('pass');
    expect(h.router.weights).toEqual([5, 25, 50, 100]);
    const second = report.steps[1]!;
    // Held from 60 s: looks at 80..200 s, passing at the first look after the pause ended.
    expect(second.looks).toBe(7);
    expect(second.durationMs).toBe(140_000);
    expect(second.controls?.map((c) => [c.command, c.reason, c.from])).toEqual([
      ['pause', 'DB migration running', 'control-file ops/canary.txt'],
      ['continue', undefined, 'control-file ops/canary.txt'],
    ]);
    expect(
      h.logs.some((l) =>
        l.startsWith(
          'warning: control-file ops/canary.txt says pause (DB migration running): the canary stays at 25%',
        ),
      ),
    ).toBe(true);
    // The control is read before each judgment.
    const [first, then] = [h.events.indexOf('control none'), h.events.indexOf('collect step 1 look 1')];
    expect(first).toBeGreaterThanOrEqual(0);
    expect(first).toBeLessThan(then);
  });

  it('still aborts a paused canary that fails its judgment, and a pause holds back policies too', async () => {
    const h = harness();
    h.deps.control = scriptedControl(h.events, h.clock, () => ({ command: 'pause' }));
    h.analyses.script = (_index, look) => judgment(look < 5 ? 'inconclusive' : 'fail');
    const report = await runRollout(settings(), h.deps);
    // on-inconclusive: abort would have fired when the hold ended at look 3; paused, it waits.
    expect(report.steps[0]!.policies).toEqual([]);
    expect(report.status).toBe('aborted');
    expect(report.verdict).toBe('fail');
    expect(report.steps[0]!.looks).toBe(5);
    expect(h.router.weights).toEqual([5, 0]);
  });

  it('aborts by hand: weight 0 at once, verdict manual, the reason in the report', async () => {
    const h = harness();
    h.deps.control = scriptedControl(h.events, h.clock, (t) =>
      t >= HOLD + 2 * INTERVAL ? { command: 'abort', reason: 'error budget burning' } : undefined,
    );
    const report = await runRollout(settings(), h.deps);
    expect(report.status).toBe('aborted');
    expect(report.verdict).toBe('manual');
    expect(report.reason).toBe(
      'aborted by hand through control-file ops/canary.txt at step 2 (25%): error budget burning',
    );
    expect(h.router.weights).toEqual([5, 25, 0]);
    expect(report.finalWeight).toBe(0);
    // Nothing is collected once the abort is read.
    expect(h.events.filter((e) => e.startsWith('collect step 2'))).toHaveLength(1);
    expect(h.store.states.get(KEY)?.status).toBe('aborted');
    expect(h.store.states.get(KEY)?.verdict).toBe('manual');
  });

  it('promotes by hand: the steps left are skipped, the last weight set and not judged', async () => {
    const h = harness();
    h.deps.control = scriptedControl(h.events, h.clock, (t) =>
      t >= 2 * INTERVAL ? { command: 'promote', reason: 'hotfix, judged in staging' } : undefined,
    );
    const report = await runRollout(settings(), h.deps);
    expect(report.status).toBe('promoted');
    expect(report.verdict).toBe('manual');
    expect(h.router.weights).toEqual([5, 100]);
    expect(report.steps.map((s) => [s.weight, s.outcome, s.verdict])).toEqual([
      [5, 'passed', 'pass'],
      [100, 'passed', 'not-judged'],
    ]);
    expect(report.reason).toBe(
      'promoted by hand through control-file ops/canary.txt at step 1 (5%): hotfix, judged in staging; the canary stands at 100%',
    );
    expect(h.store.states.get(KEY)?.status).toBe('promoted');
  });

  it('aborts when the router cannot set the weight a promotion by hand asks for', async () => {
    const h = harness();
    h.deps.control = scriptedControl(h.events, h.clock, () => ({ command: 'promote' }));
    h.router.failWhen = (change) => change.weight === 100;
    const report = await runRollout(settings(), h.deps);
    expect(report.status).toBe('aborted');
    expect(report.verdict).toBe('router');
    expect(h.router.weights).toEqual([5, 100, 0]);
  });

  it('logs a control it cannot read once and carries on as if it said nothing', async () => {
    const h = harness();
    h.deps.control = scriptedControl(h.events, h.clock, () => new ControlError("'paws' is not a command"));
    const report = await runRollout(settings(), h.deps);
    expect(report.status).toBe('promoted');
    expect(report.verdict).toBe('pass');
    const warned = h.logs.filter((l) => l.includes("'paws' is not a command"));
    expect(warned).toEqual(["warning: control-file ops/canary.txt: 'paws' is not a command; ignored"]);
    expect(report.steps[0]!.notes).toContain("control-file ops/canary.txt: 'paws' is not a command; ignored");
  });

  it('ends a rollout paused past max-duration as a timeout', async () => {
    const h = harness();
    h.deps.control = scriptedControl(h.events, h.clock, () => ({ command: 'pause' }));
    const report = await runRollout(settings({ maxDurationMs: 5 * 60_000 }), h.deps);
    expect(report.status).toBe('aborted');
    expect(report.verdict).toBe('timeout');
    expect(h.router.weights).toEqual([5, 0]);
  });
});

describe('returning traffic after a cancelled job (post)', () => {
  const base = { environment: 'production', baselineVersion: 'v1', canaryVersion: 'v2', dryRun: false };

  async function runningState(): Promise<RecordingStore> {
    const h = harness();
    h.clock.onSleep = (now) => now >= START + 30_000 && h.controller.abort();
    // A run that never got to save its end: take the last running state.
    await runRollout(settings(), h.deps);
    const running = h.store.saves.map((s) => s.state).findLast((s) => s.status === 'running')!;
    const store = new RecordingStore([]);
    store.states.set(KEY, running);
    return store;
  }

  it('sets a running rollout to 0 and records it cancelled', async () => {
    const store = await runningState();
    const events: Events = [];
    const router = new RecordingRouter(events);
    const result = await returnTrafficAfterCancel(
      base,
      { router, store, key: KEY, run: 'run-1' },
      'the job was cancelled',
    );
    expect(router.weights).toEqual([0]);
    expect(result).toMatchObject({ returned: true, restored: true });
    expect(result.found?.status).toBe('running');
    expect((await store.load(KEY))!).toMatchObject({
      status: 'cancelled',
      verdict: 'cancelled',
      weight: 0,
      reason: 'the job was cancelled',
    });
  });

  it('asks for weight 0 even when nothing was saved', async () => {
    const store = new RecordingStore([]);
    const router = new RecordingRouter([]);
    const result = await returnTrafficAfterCancel(
      base,
      { router, store, key: KEY },
      'cancelled before saving',
    );
    expect(router.weights).toEqual([0]);
    expect(result.found).toBeUndefined();
    expect((await store.load(KEY))!).toMatchObject({ status: 'cancelled', weight: 0 });
  });

  it('leaves a promoted canary its traffic, and does nothing in a dry run', async () => {
    const h = harness();
    await runRollout(settings(), h.deps);
    const router = new RecordingRouter([]);
    const result = await returnTrafficAfterCancel(base, { router, store: h.store, key: KEY }, 'late post');
    expect(result).toMatchObject({ returned: false, restored: true });
    expect(router.weights).toEqual([]);
    expect((await h.store.load(KEY))!.status).toBe('promoted');
    const dry = await returnTrafficAfterCancel(
      { ...base, dryRun: true },
      { router, store: h.store, key: KEY },
      'x',
    );
    expect(dry).toEqual({ returned: false, restored: true });
    expect(router.weights).toEqual([]);
  });

  it('says when traffic could not be returned', async () => {
    const store = await runningState();
    const router = new RecordingRouter([]);
    router.failWhen = () => true;
    const clock = new FakeClock();
    const result = await returnTrafficAfterCancel(base, { router, store, key: KEY, clock }, 'cancelled');
    expect(router.weights).toEqual([0, 0, 0]);
    expect(result.restored).toBe(false);
    expect((await store.load(KEY))!.reason).toBe("cancelled; the canary's weight could not be set back to 0");
  });
});
