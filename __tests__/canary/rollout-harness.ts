// The rollout engine's test harness: a fake clock, a scripted metric source and step analysis, a router that
// records every weight and a store that records every save, so every path of a rollout runs in milliseconds.

import type { Judgment, OutcomePolicies, Policy, StepAnalysis, Verdict } from '../../src/analysis/types.js';
import type { Clock } from '../../src/canary/clock.js';
import type { ControlReading, RolloutControl } from '../../src/canary/control.js';
import { MemoryStateStore, type RolloutState } from '../../src/canary/state.js';
import type { CanaryStep } from '../../src/canary/steps.js';
import type { RolloutDeps, RolloutSettings } from '../../src/canary/types.js';
import type { CollectRequest, MetricSource, Observation } from '../../src/metrics/types.js';
import { type Router, RouterError, type WeightChange } from '../../src/traffic/types.js';

export const START = Date.parse('2026-03-01T10:00:00Z');
export const HOLD = 60_000;
export const INTERVAL = 20_000;
export const KEY = 'canary-production-v2';

/** Time moves only when the rollout sleeps; `onSleep` sees each new time (to cancel at a moment). */
export class FakeClock implements Clock {
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
export type Events = string[];

export class RecordingRouter implements Router {
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

export function observation(canaryShare?: number): Observation {
  return {
    baseline: { latencyMs: [100, 110], requests: 2, errors: 0 },
    canary: { latencyMs: [105, 115], requests: 2, errors: 0 },
    notes: [],
    ...(canaryShare === undefined ? {} : { canaryShare }),
  };
}

/** Answers each look from a script: an observation, or throws a MetricSourceError. */
export class ScriptedSource implements MetricSource {
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

export function judgment(verdict: Verdict, samples = 50): Judgment {
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
export class ScriptedAnalyses {
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

export class RecordingStore extends MemoryStateStore {
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

export const STEPS: CanaryStep[] = [
  { weight: 5, holdMs: HOLD },
  { weight: 25, holdMs: HOLD },
  { weight: 50, holdMs: HOLD },
  { weight: 100, holdMs: 0 },
];

export function settings(extra: Partial<RolloutSettings> = {}): RolloutSettings {
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

export function harness(store?: RecordingStore) {
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

export const policies = (onNoData: Policy, onInconclusive: Policy, onError: Policy): OutcomePolicies => ({
  onNoData,
  onInconclusive,
  onError,
});

/** A control answering each read from a script keyed by the time of the read (ms since the start). */
export function scriptedControl(
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
