// What the tests of the hosted metric sources share: the traffic of a healthy and of a bad canary, a look,
// a fake clock that moves a minute per look, a sleep that records instead of waiting, and the analysis the
// rollout would run on what a source returns.
import { expect } from 'vitest';
import { createStepAnalysis } from '../../src/analysis/index.js';
import type { AnalysisSettings, Judgment } from '../../src/analysis/types.js';
import type { MetricSource } from '../../src/metrics/index.js';
import { type CollectRequest, MetricSourceError, type Observation } from '../../src/metrics/types.js';
import { side, type Traffic } from '../fakes/metrics-service.js';

export const ANALYSIS: AnalysisSettings = {
  confidence: 0.99,
  allowedIncrease: { latency: 0.1, errorRate: 0.5 },
  thresholds: {},
  minSamples: 20,
  maxSamples: 400,
};

/** Per look: the same latencies on both sides, 0.5% errors. */
export const HEALTHY: Traffic = {
  baseline: side(300, 1, 20, 400),
  canary: side(300, 2, 20, 400),
};
/** Per look: the canary fails 20% of its requests. */
export const FAILING: Traffic = {
  baseline: side(300, 1, 20, 400),
  canary: side(300, 60, 20, 400),
};
/** Per look: the canary is about twice as slow. */
export const SLOW: Traffic = {
  baseline: side(300, 1, 20, 400),
  canary: side(300, 1, 60, 900),
};

export function look(extra: Partial<CollectRequest> = {}): CollectRequest {
  return {
    step: 2,
    weight: 50,
    baselineVersion: 'v1.4.0',
    canaryVersion: 'v1.5.0',
    windowMs: 60_000,
    signal: new AbortController().signal,
    ...extra,
  };
}

/** A clock at a minute boundary that moves one minute each time it is read. */
export function minuteClock(start = Date.UTC(2026, 11, 6, 12, 0, 0)): () => number {
  let at = start;
  return () => {
    at += 60_000;
    return at;
  };
}

/** A sleep that records each delay and returns at once. */
export function recordingSleep(): { sleep: (ms: number) => Promise<void>; delays: number[] } {
  const delays: number[] = [];
  return {
    delays,
    sleep: async (ms: number) => {
      delays.push(ms);
    },
  };
}

/** Collects `looks` looks and judges them as one step of the rollout. */
export async function judgeLooks(
  source: MetricSource,
  looks: number,
): Promise<{ judgment: Judgment; observations: Observation[] }> {
  const analysis = createStepAnalysis(ANALYSIS);
  const observations: Observation[] = [];
  for (let i = 0; i < looks; i++) {
    const observation = await source.collect(look());
    observations.push(observation);
    analysis.add(observation);
  }
  return { judgment: analysis.judge(), observations };
}

export function metric(judgment: Judgment, name: 'latency' | 'error-rate') {
  const found = judgment.metrics.find((m) => m.metric === name);
  expect(found, `${name} in ${JSON.stringify(judgment)}`).toBeDefined();
  return found!;
}

export async function sourceError(promise: Promise<unknown>): Promise<MetricSourceError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(MetricSourceError);
    return error as MetricSourceError;
  }
  throw new Error('expected a MetricSourceError');
}

export function thrown(run: () => unknown): MetricSourceError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(MetricSourceError);
    return error as MetricSourceError;
  }
  throw new Error('expected a MetricSourceError');
}
