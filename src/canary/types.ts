// What a rollout runs with: its settings (from the action's inputs or the CLI) and the parts it drives, as
// small interfaces (router, metric source, analysis, state store, clock, log, control), so every path runs
// in milliseconds under test and the CLI reuses the engine.
import type { OutcomePolicies, StepAnalysis } from '../analysis/types.js';
import type { MetricSource } from '../metrics/types.js';
import type { Router } from '../traffic/types.js';
import type { Clock } from './clock.js';
import type { RolloutControl } from './control.js';
import type { RolloutLog } from './log.js';
import type { RolloutStateStore } from './state.js';
import type { CanaryStep } from './steps.js';

export interface RolloutSettings {
  environment: string;
  baselineVersion: string;
  canaryVersion: string;
  steps: CanaryStep[];
  intervalMs: number;
  maxDurationMs: number;
  policies: OutcomePolicies;
  /** How many times `extend` may lengthen one step (default 1). */
  maxExtensions?: number;
  /** Below this many samples on a side, a step still undecided when its hold ends is inconclusive. */
  minSamples: number;
  dryRun: boolean;
}

export interface RolloutDeps {
  router: Router;
  source: MetricSource;
  /** A fresh sequential analysis for each step judged. */
  createAnalysis(step: CanaryStep, index: number): StepAnalysis;
  store: RolloutStateStore;
  /** stateKey(environment, canary version). */
  key: string;
  clock?: Clock;
  /** Cancellation: traffic goes back to the baseline and the state records `cancelled`. */
  signal?: AbortSignal;
  log?: RolloutLog;
  /** Who is running, recorded in the state and each step (`<run id>.<attempt>`). */
  run?: string;
  /** Called after every weight the router applied, before anything else is done. */
  onWeight?(weight: number): void;
  /** Commands at run time (pause, resume, abort, promote), read before every judgment. */
  control?: RolloutControl;
}
