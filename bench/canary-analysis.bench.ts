// Canary analysis on simulated traffic: our sequential judge (src/analysis) beside a fixed-threshold judge
// and Kayenta's rule, on the same seeded data in the same run. Latencies are lognormal with σ = 0.5 on the
// log scale (median 100 ms); errors are independent per request. Ours looks every 20 samples per side, as
// the rollout does at each interval; the reference judges look once, at the sample budget of the scenario.

import { hodgesLehmannSorted, mannWhitneySorted } from '../src/analysis/mann-whitney.js';
import { normalQuantile, normalSurvival } from '../src/analysis/normal.js';
import { twoProportionTest } from '../src/analysis/proportions.js';
import {
  obrienFlemingSpending,
  powerSpending,
  SequentialTest,
  type SpendingFunction,
} from '../src/analysis/sequential.js';
import { DEFAULT_ERROR_RATE_SHARE, DEFAULT_SPENDING, resolveSettings } from '../src/analysis/settings.js';
import { createStepAnalysis } from '../src/analysis/step-analysis.js';
import { quantileSorted } from '../src/analysis/thresholds.js';
import type { AnalysisSettings, Judgment, StepAnalysis } from '../src/analysis/types.js';
import { runRollout } from '../src/canary/rollout.js';
import type { RolloutState } from '../src/canary/state.js';
import type { Observation } from '../src/metrics/types.js';
import { ErrorRateEProcess, LatencyEProcess } from './anytime-valid.js';
import { type BenchResult, fixed, median, nowMs, percentile, progress, table } from './lib.js';
import { Random } from './random.js';
import { createFixedThresholdJudge, createKayentaJudge } from './reference-judges.js';

const SIGMA = 0.5;
const MEDIAN_MS = 100;
const LOOK_EVERY = 20;
const ANALYSES = Number(process.env.CANARY_BENCH_ANALYSES ?? 1000);
const CONFIDENCE = 0.99;
/**
 * What the judge must keep (issue 16): its power before the sample model and the pass rule changed, about
 * 0.70–0.72 of the computed limits. The first canary issue's 99% goals are past those limits (see the notes).
 */
const FLOOR = { slow30: 0.638, slow10: 0.352, errors: 0.617 };

/** The settings a user would give to catch any slowdown or error increase at 99%. */
export const SETTINGS: AnalysisSettings = {
  confidence: CONFIDENCE,
  allowedIncrease: { latency: 0, errorRate: 0 },
  thresholds: {},
  minSamples: 20,
  maxSamples: 300,
  maxRequests: 500,
};

interface Scenario {
  key: string;
  title: string;
  slowdown: number;
  baselineErrorRate: number;
  canaryErrorRate: number;
  /** Samples (and requests) per side within which a catch counts; the reference judges look here once. */
  budget: number;
  /** Where our judge stops looking. */
  horizon: number;
}

const SCENARIOS: Scenario[] = [
  {
    key: 'identical',
    title: 'identical versions',
    slowdown: 1,
    baselineErrorRate: 0.001,
    canaryErrorRate: 0.001,
    budget: 300,
    horizon: 500,
  },
  {
    key: 'slow30',
    title: 'canary 30% slower',
    slowdown: 1.3,
    baselineErrorRate: 0.001,
    canaryErrorRate: 0.001,
    budget: 100,
    horizon: 300,
  },
  {
    key: 'slow10',
    title: 'canary 10% slower',
    slowdown: 1.1,
    baselineErrorRate: 0.001,
    canaryErrorRate: 0.001,
    budget: 300,
    horizon: 300,
  },
  {
    key: 'errors',
    title: 'errors 0.1% → 2%',
    slowdown: 1,
    baselineErrorRate: 0.001,
    canaryErrorRate: 0.02,
    budget: 500,
    horizon: 500,
  },
];

interface Run {
  /** Samples per side at the first `fail`, if any. */
  failedAt?: number;
  failedMetric?: string;
  /** Samples per side at the first `pass`, if any (a pass may be followed by a fail: it does not stop ours). */
  passedAt?: number;
  /** Per metric, whether each reference judge failed it at its one look. */
  fixed: { latency: boolean; errors: boolean };
  kayenta: { latency: boolean; errors: boolean };
  fisherFailed: boolean;
  /** The pooled two-proportion z at one look, at 1%. */
  zFailed: boolean;
  /** The most powerful latency test there is (z of the mean log latency with σ known), one look at 1%. */
  oracleFailed: boolean;
  judgeMs: number[];
  /** With peers: per look (every 20 per side), each peer rule's statistic, the larger the worse (peerLook). */
  peers?: PeerLook[];
}

/**
 * What each peer rule makes of one look, as a number it fails above, so one pass over the data serves every
 * tolerance (the tuning below picks the tolerance; a run aborts at its first look above it):
 *   fixed latency   canary p95 / baseline p95
 *   fixed errors    canary error rate − baseline's
 *   kayenta         Mann-Whitney z of canary − 25%·|Hodges-Lehmann shift| over baseline: Kayenta's 98%
 *                   interval lies above 25% of the shift exactly when this z passes z(99%), so its
 *                   confidence is the tolerance tuned (latency on raw values; errors on the per-look rates,
 *                   as Kayenta compares the error-rate series).
 */
export interface PeerLook {
  n: number;
  fixedLatency: number;
  fixedErrors: number;
  kayentaLatency: number;
  kayentaErrors: number;
  /** ln of the anytime-valid e-values (src/analysis/anytime-valid.ts): at α they abort above ln(1/α). */
  anytimeLatency: number;
  anytimeErrors: number;
}

/** Where peers stop looking: latency at our max-samples, errors at our max-requests, as ours does. */
const PEER_HORIZON = { latency: 300, errors: 500 };

function kayentaZ(baseline: readonly number[], canary: readonly number[]): number {
  const b = Float64Array.from(baseline).sort();
  const c = Float64Array.from(canary).sort();
  const shift = hodgesLehmannSorted(b, c, 0.98).estimate;
  const z = mannWhitneySorted(b, c, { shift: 0.25 * Math.abs(shift) }).zGreater;
  // One constant value on both sides (no errors yet in the rates) has no spread: nothing to reject.
  return Number.isNaN(z) ? Number.NEGATIVE_INFINITY : z;
}

type PeerKey = Exclude<keyof PeerLook, 'n'>;

/** The samples per side at a peer's first look above `tolerance` within `within`; undefined if none. */
function peerAbortAt(run: Run, keys: PeerKey[], tolerances: number[], within: number): number | undefined {
  return run.peers?.find((look) => look.n <= within && keys.some((key, i) => look[key] > tolerances[i]!))?.n;
}

/**
 * The tolerance at which a peer rule falsely aborts `target` of the identical runs over the whole run (its
 * largest statistic over all looks above it): the k-th largest of those maxima, k = ⌊target·runs⌋.
 */
function tune(identical: Run[], key: PeerKey, target: number): number {
  const maxima = identical
    .map((run) => Math.max(...(run.peers ?? []).map((look) => look[key])))
    .sort((a, b) => b - a);
  return maxima[Math.min(maxima.length - 1, Math.floor(target * identical.length))]!;
}

/** Lognormal latencies and independent errors for both sides of one look, split by the canary's weight. */
function rolloutSource(random: Random, requestsPerLook: number) {
  return {
    kind: 'prometheus' as const,
    async collect(request: { weight: number }): Promise<Observation> {
      const canary = Math.round((requestsPerLook * request.weight) / 100);
      const side = (count: number) => ({
        latencyMs: Array.from({ length: count }, () => random.lognormal(MEDIAN_MS, SIGMA)),
        requests: count,
        errors: random.binomial(count, 0.001),
      });
      return { baseline: side(requestsPerLook - canary), canary: side(canary), notes: [] };
    },
    async close() {},
  };
}

/**
 * A healthy canary through the rollout engine itself (src/canary/rollout.ts) on a virtual clock, with the
 * action's defaults (99%, +10% latency and +50% error rate allowed, min-samples 20, max-samples 500):
 * steps 5, 25, 50, 100 with a hold of 5 looks each. Returns each run's time to promotion in holds
 * (its duration over the sum of its holds), how many were promoted, and which rule passed the steps.
 */
async function timeToPromote(
  requestsPerLook: number,
  runs: number,
): Promise<{ holds: number[]; promoted: number; rules: Map<string, number> }> {
  const look = 60_000;
  const hold = 5 * look;
  const steps = [5, 25, 50].map((weight) => ({ weight, holdMs: hold })).concat([{ weight: 100, holdMs: 0 }]);
  const holds: number[] = [];
  const rules = new Map<string, number>();
  let promoted = 0;
  for (let i = 0; i < runs; i++) {
    const random = new Random(5_000_011 * (i + 1) + requestsPerLook);
    let now = 0;
    const saved = new Map<string, RolloutState>();
    const report = await runRollout(
      {
        environment: 'production',
        baselineVersion: 'v1',
        canaryVersion: 'v2',
        steps,
        intervalMs: look,
        maxDurationMs: 20 * hold,
        policies: { onNoData: 'hold', onInconclusive: 'extend', onError: 'hold' },
        minSamples: 20,
        dryRun: false,
      },
      {
        router: { kind: 'command', async setWeight() {} },
        source: rolloutSource(random, requestsPerLook),
        createAnalysis: () =>
          createStepAnalysis({
            confidence: CONFIDENCE,
            allowedIncrease: { latency: 0.1, errorRate: 0.5 },
            thresholds: {},
            minSamples: 20,
            maxSamples: 500,
          }),
        store: {
          describe: 'memory',
          async load(key) {
            return saved.get(key);
          },
          async save(key, state) {
            saved.set(key, structuredClone(state));
          },
        },
        key: 'bench',
        clock: {
          now: () => now,
          async sleep(ms) {
            now += ms;
          },
        },
      },
    );
    if (report.status === 'promoted') {
      promoted++;
      holds.push(report.durationMs / (3 * hold));
    }
    for (const step of report.steps)
      if (step.passedBy) rules.set(step.passedBy, (rules.get(step.passedBy) ?? 0) + 1);
  }
  return { holds, promoted, rules };
}

function window(random: Random, scenario: Scenario): Observation {
  const side = (slowdown: number, rate: number) => {
    const latencyMs: number[] = [];
    for (let i = 0; i < LOOK_EVERY; i++) latencyMs.push(random.lognormal(MEDIAN_MS * slowdown, SIGMA));
    return { latencyMs, requests: LOOK_EVERY, errors: random.binomial(LOOK_EVERY, rate) };
  };
  return {
    baseline: side(1, scenario.baselineErrorRate),
    canary: side(scenario.slowdown, scenario.canaryErrorRate),
    notes: [],
  };
}

/** ln P(X = k) for the hypergeometric of k canary errors among `total` errors, n per side. */
function logChoose(n: number, k: number): number {
  let sum = 0;
  for (let i = 1; i <= k; i++) sum += Math.log((n - k + i) / i);
  return sum;
}

/** Fisher's exact one-sided p-value that the canary (second) fails more often, equal sides of n. */
export function fisherOneSided(baselineErrors: number, canaryErrors: number, n: number): number {
  const total = baselineErrors + canaryErrors;
  const denominator = logChoose(2 * n, total);
  let p = 0;
  for (let k = canaryErrors; k <= Math.min(total, n); k++)
    p += Math.exp(logChoose(n, k) + logChoose(n, total - k) - denominator);
  return p;
}

/** The pooled two-proportion z of the canary's errors over the baseline's, n requests per side. */
function oneLookZ(baselineErrors: number, canaryErrors: number, n: number): number {
  return twoProportionTest({ events: baselineErrors, trials: n }, { events: canaryErrors, trials: n }).z;
}

function binomialPmf(n: number, p: number, upTo: number): Float64Array {
  const pmf = new Float64Array(upTo + 1);
  let log = n * Math.log1p(-p);
  for (let k = 0; k <= upTo; k++) {
    pmf[k] = Math.exp(log);
    log += Math.log((n - k) / (k + 1)) + Math.log(p / (1 - p));
  }
  return pmf;
}

/**
 * The one-look pooled z-test at level α on n requests per side, computed exactly (no simulation): its power
 * for the given rates and its false-abort rate at the worst common rate from 0.01% to 20%. Counts above
 * `upTo` carry less than 1e-12 of the probability for these rates and are left out.
 */
function oneLookZExact(
  n: number,
  alpha: number,
  baselineRate: number,
  canaryRate: number,
): { power: number; worstSize: number; worstRate: number } {
  const upTo = 200;
  const boundary = normalQuantile(1 - alpha);
  const rejects: boolean[][] = Array.from({ length: upTo + 1 }, (_, x1) =>
    Array.from({ length: upTo + 1 }, (_, x2) => oneLookZ(x1, x2, n) >= boundary),
  );
  const probability = (p1: number, p2: number) => {
    const a = binomialPmf(n, p1, upTo);
    const b = binomialPmf(n, p2, upTo);
    let sum = 0;
    for (let x1 = 0; x1 <= upTo; x1++)
      for (let x2 = 0; x2 <= upTo; x2++) if (rejects[x1]![x2]) sum += a[x1]! * b[x2]!;
    return sum;
  };
  let worstSize = 0;
  let worstRate = 0;
  for (let i = 0; i <= 120; i++) {
    const rate = 1e-4 * 2000 ** (i / 120);
    const size = probability(rate, rate);
    if (size > worstSize) [worstSize, worstRate] = [size, rate];
  }
  return { power: probability(baselineRate, canaryRate), worstSize, worstRate };
}

/**
 * The information limit for the error test, computed exactly: for each common error rate p both sides might
 * share, the Neyman-Pearson test of "both fail at p" against the scenario's rates is the most powerful test
 * with a false-abort rate α at p (randomised at its boundary). Any judge whose false-abort rate is at most α
 * whatever the common rate, sequential or not, on n requests per side, catches at most the least of these
 * powers. Counts above `upTo` carry less than 1e-12 of the probability at these rates.
 */
export function errorRateLimit(
  n: number,
  alpha: number,
  baselineRate: number,
  canaryRate: number,
): { power: number; rate: number } {
  const upTo = Math.ceil(0.06 * n + 10 * Math.sqrt(0.06 * n) + 10);
  const alternative = [binomialPmf(n, baselineRate, upTo), binomialPmf(n, canaryRate, upTo)] as const;
  let least = { power: 1, rate: 0 };
  for (let i = 0; i <= 120; i++) {
    const rate = 2e-4 * 300 ** (i / 120);
    const common = binomialPmf(n, rate, upTo);
    const cells: { ratio: number; alt: number; nul: number }[] = [];
    for (let x1 = 0; x1 <= upTo; x1++)
      for (let x2 = 0; x2 <= upTo; x2++) {
        const alt = alternative[0][x1]! * alternative[1][x2]!;
        const nul = common[x1]! * common[x2]!;
        if (nul > 0) cells.push({ ratio: alt / nul, alt, nul });
      }
    cells.sort((a, b) => b.ratio - a.ratio);
    let size = 0;
    let power = 0;
    for (const cell of cells) {
      if (size + cell.nul > alpha) {
        power += (cell.alt * (alpha - size)) / cell.nul;
        break;
      }
      size += cell.nul;
      power += cell.alt;
    }
    if (power < least.power) least = { power, rate };
  }
  return least;
}

/** Welch's z of the mean log latency, canary over baseline. */
function welchZ(baseline: readonly number[], canary: readonly number[]): number {
  const moments = (values: readonly number[]) => {
    const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
    const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (values.length - 1);
    return { mean, variance };
  };
  const b = moments(baseline);
  const c = moments(canary);
  return (c.mean - b.mean) / Math.sqrt(b.variance / baseline.length + c.variance / canary.length);
}

/**
 * Mann-Whitney (ours) against the t-type z on mean log latencies, through the same sequential boundary: the
 * latter is the best test for exactly lognormal latencies, the former keeps its power when a few requests
 * are far slower than the rest (cache misses, retries, timeouts). `outliers` of the requests on both sides
 * are 20 times slower.
 */
function latencyStatistics(
  slowdown: number,
  within: number,
  outliers: number,
  analyses: number,
): { mannWhitney: number; welch: number } {
  const alpha = resolveSettings(SETTINGS).alpha.latency;
  let mannWhitney = 0;
  let welch = 0;
  for (let i = 0; i < analyses; i++) {
    const random = new Random(9_000_011 * (i + 1) + Math.round(slowdown * 100) + Math.round(outliers * 1000));
    const draw = (median: number) =>
      Math.log((random.next() < outliers ? 20 : 1) * random.lognormal(median, SIGMA));
    const baseline: number[] = [];
    const canary: number[] = [];
    const tests = [
      new SequentialTest(alpha, DEFAULT_SPENDING.latency),
      new SequentialTest(alpha, DEFAULT_SPENDING.latency),
    ] as const;
    for (let n = LOOK_EVERY; n <= within; n += LOOK_EVERY) {
      for (let k = 0; k < LOOK_EVERY; k++) {
        baseline.push(draw(MEDIAN_MS));
        canary.push(draw(MEDIAN_MS * slowdown));
      }
      const t = n / SETTINGS.maxSamples;
      const rank = mannWhitneySorted(Float64Array.from(baseline).sort(), Float64Array.from(canary).sort());
      if (tests[0].canLook(t)) tests[0].look(t, rank.zGreater);
      if (tests[1].canLook(t)) tests[1].look(t, welchZ(baseline, canary));
    }
    if (tests[0].decided?.crossed) mannWhitney++;
    if (tests[1].decided?.crossed) welch++;
  }
  return { mannWhitney, welch };
}

function failedMetrics(judgment: Judgment): { latency: boolean; errors: boolean } {
  const failed = (name: string) => judgment.metrics.some((m) => m.metric === name && m.verdict === 'fail');
  return { latency: failed('latency'), errors: failed('error-rate') };
}

function simulate(
  scenario: Scenario,
  seed: number,
  spending?: { latency?: SpendingFunction; errorRate?: SpendingFunction },
  settings: AnalysisSettings = SETTINGS,
  peers = false,
): Run {
  const random = new Random(seed);
  const all = { baseline: [] as number[], canary: [] as number[] };
  const windowRates = { baseline: [] as number[], canary: [] as number[] };
  const ours = createStepAnalysis(settings, spending ? { spending } : {});
  const references: [StepAnalysis, StepAnalysis] = [
    createFixedThresholdJudge({ minSamples: SETTINGS.minSamples }),
    createKayentaJudge({ minSamples: SETTINGS.minSamples }),
  ];
  const none = { latency: false, errors: false };
  const run: Run = {
    fixed: none,
    kayenta: none,
    fisherFailed: false,
    zFailed: false,
    oracleFailed: false,
    judgeMs: [],
  };
  const logSums = { baseline: 0, canary: 0 };
  let errors = { baseline: 0, canary: 0 };
  let oursDone = false;
  const anytime = {
    latency: new LatencyEProcess({ allowedIncrease: settings.allowedIncrease.latency }),
    errors: new ErrorRateEProcess({ allowedIncrease: settings.allowedIncrease.errorRate }),
  };
  const last = Math.max(scenario.horizon, scenario.budget, peers ? PEER_HORIZON.errors : 0);
  for (let n = LOOK_EVERY; n <= last; n += LOOK_EVERY) {
    const observation = window(random, scenario);
    errors = {
      baseline: errors.baseline + observation.baseline.errors,
      canary: errors.canary + observation.canary.errors,
    };
    for (const side of ['baseline', 'canary'] as const)
      for (const ms of observation[side].latencyMs) logSums[side] += Math.log(ms);
    if (peers) {
      run.peers ??= [];
      for (const side of ['baseline', 'canary'] as const) {
        if (n <= PEER_HORIZON.latency) all[side].push(...observation[side].latencyMs);
        windowRates[side].push(observation[side].errors / observation[side].requests);
      }
      const p95 = (values: number[]) => quantileSorted(Float64Array.from(values).sort(), 0.95);
      const latencyOpen = n <= PEER_HORIZON.latency;
      if (latencyOpen) anytime.latency.add(observation.baseline.latencyMs, observation.canary.latencyMs);
      anytime.errors.add(observation);
      run.peers.push({
        n,
        fixedLatency: latencyOpen ? p95(all.canary) / p95(all.baseline) : Number.NEGATIVE_INFINITY,
        fixedErrors: (errors.canary - errors.baseline) / n,
        kayentaLatency: latencyOpen ? kayentaZ(all.baseline, all.canary) : Number.NEGATIVE_INFINITY,
        kayentaErrors: kayentaZ(windowRates.baseline, windowRates.canary),
        anytimeLatency: latencyOpen ? Math.log(anytime.latency.eValue) : Number.NEGATIVE_INFINITY,
        anytimeErrors: Math.log(anytime.errors.eValue),
      });
    }
    if (n <= scenario.budget) for (const judge of references) judge.add(observation);
    if (!oursDone && n <= scenario.horizon) {
      ours.add(observation);
      const started = nowMs();
      const judgment: Judgment = ours.judge();
      run.judgeMs.push(nowMs() - started);
      if (judgment.verdict === 'pass' && run.passedAt === undefined) run.passedAt = n;
      if (judgment.verdict === 'fail') {
        run.failedAt = n;
        run.failedMetric = judgment.metrics.find((m) => m.verdict === 'fail')?.metric;
        oursDone = true;
      }
    }
    if (n === scenario.budget) {
      run.fixed = failedMetrics(references[0].judge());
      run.kayenta = failedMetrics(references[1].judge());
      run.fisherFailed = fisherOneSided(errors.baseline, errors.canary, n) <= 1 - CONFIDENCE;
      run.zFailed = oneLookZ(errors.baseline, errors.canary, n) >= normalQuantile(CONFIDENCE);
      const shift = (logSums.canary - logSums.baseline) / n;
      run.oracleFailed = shift / (SIGMA * Math.sqrt(2 / n)) >= normalQuantile(CONFIDENCE);
    }
  }
  return run;
}

/**
 * One judgment at its most expensive: late looks with up to 1000 samples per side and 50 looks behind them.
 * Both wall time and the process's CPU time per judgment: on a shared machine the wall time also counts the
 * moments the process was not scheduled at all.
 */
function worstCaseJudge(seed: number): { wallMs: number[]; cpuMs: number[] } {
  const random = new Random(seed);
  const analysis = createStepAnalysis({ ...SETTINGS, maxSamples: 1000, maxRequests: 1000 });
  const scenario = SCENARIOS[0]!;
  const wallMs: number[] = [];
  const cpuMs: number[] = [];
  for (let n = LOOK_EVERY; n <= 1000; n += LOOK_EVERY) {
    analysis.add(window(random, scenario));
    const cpu = process.cpuUsage();
    const started = nowMs();
    analysis.judge();
    wallMs.push(nowMs() - started);
    const used = process.cpuUsage(cpu);
    cpuMs.push((used.user + used.system) / 1000);
  }
  return { wallMs, cpuMs };
}

function share(count: number, total: number): string {
  return `${fixed((100 * count) / total, 1)}%`;
}

/** The best a fixed-size one-sided test at level α can do on n log-normal samples per side (known σ). */
function bestFixedPower(ratio: number, n: number, alpha: number): number {
  return normalSurvival(normalQuantile(1 - alpha) - Math.log(ratio) / (SIGMA * Math.sqrt(2 / n)));
}

/**
 * Looks at any moment, as a metrics provider answers: each look brings what was served since the last one.
 * `size` draws a look's requests per side; the canary's slowdown and error rate may change after `onset`
 * canary requests (a regression that appears late in the hold).
 */
interface MomentScenario {
  key: string;
  size: (random: Random) => { baseline: number; canary: number };
  /** Looks go on until both sides have this many requests. */
  until: number;
  slowdown: number;
  errorRate: number;
  /** From this many canary requests on, the canary is 2× slower with 10% errors. */
  onset?: number;
}

type MomentJudge = 'spending' | 'replanned' | 'anytime';

interface MomentRun {
  /** Requests per side (the smaller side) at the abort. */
  failedAt?: number;
  /** Canary requests served from the onset of a late regression to the abort; undefined if none. */
  afterOnset?: number;
  judgeMs: number[];
}

function momentRun(scenario: MomentScenario, seed: number, judge: MomentJudge): MomentRun {
  const random = new Random(seed);
  const settings =
    judge === 'replanned'
      ? { ...SETTINGS, maxSamples: scenario.until, maxRequests: scenario.until }
      : SETTINGS;
  const ours = createStepAnalysis(settings);
  const alpha = resolveSettings(SETTINGS).alpha;
  const latency = new LatencyEProcess();
  const errors = new ErrorRateEProcess();
  const seen = { baseline: 0, canary: 0 };
  const run: MomentRun = { judgeMs: [] };
  let onsetAt: number | undefined;
  while (Math.min(seen.baseline, seen.canary) < scenario.until) {
    const size = scenario.size(random);
    const bad = scenario.onset !== undefined && seen.canary >= scenario.onset;
    if (bad) onsetAt ??= seen.canary;
    const side = (count: number, slowdown: number, rate: number) => ({
      latencyMs: Array.from({ length: count }, () => random.lognormal(MEDIAN_MS * slowdown, SIGMA)),
      requests: count,
      errors: random.binomial(count, rate),
    });
    const observation: Observation = {
      baseline: side(size.baseline, 1, 0.001),
      canary: side(size.canary, bad ? 2 : scenario.slowdown, bad ? 0.1 : scenario.errorRate),
      notes: [],
    };
    seen.baseline += size.baseline;
    seen.canary += size.canary;
    const started = nowMs();
    let failed: boolean;
    if (judge === 'anytime') {
      latency.add(observation.baseline.latencyMs, observation.canary.latencyMs);
      errors.add(observation);
      failed = latency.eValue >= 1 / alpha.latency || errors.eValue >= 1 / alpha.errorRate;
    } else {
      ours.add(observation);
      failed = ours.judge().verdict === 'fail';
    }
    run.judgeMs.push(nowMs() - started);
    if (failed) {
      run.failedAt = Math.min(seen.baseline, seen.canary);
      if (onsetAt !== undefined) run.afterOnset = seen.canary - onsetAt;
      break;
    }
  }
  return run;
}

/** The looks-at-any-moment table: ours as planned, ours re-planned to the hold, and the e-processes. */
interface MomentFigures {
  identical: number;
  slow30: number;
  /** Caught after the onset of the late regression. */
  late: number;
}

function anyMomentRows(runs: number): { rows: string[][]; figures: Record<MomentJudge, MomentFigures> } {
  const irregular = (random: Random) => ({
    baseline: 1 + Math.floor(random.next() * 40),
    canary: 1 + Math.floor(random.next() * 40),
  });
  const every5 = () => ({ baseline: 5, canary: 5 });
  const scenarios = {
    identical: { key: 'identical', size: irregular, until: 1000, slowdown: 1, errorRate: 0.001 },
    slow30: { key: 'slow30', size: irregular, until: 100, slowdown: 1.3, errorRate: 0.001 },
    late: { key: 'late', size: irregular, until: 1000, slowdown: 1, errorRate: 0.001, onset: 400 },
    identical5: { key: 'identical5', size: every5, until: 300, slowdown: 1, errorRate: 0.001 },
    slow30by5: { key: 'slow30by5', size: every5, until: 100, slowdown: 1.3, errorRate: 0.001 },
  } satisfies Record<string, MomentScenario>;
  const judges: [MomentJudge, string][] = [
    ['spending', 'ours: spending, as planned (max-samples 300, max-requests 500)'],
    ['replanned', 'ours: spending re-planned to the hold (max-samples and max-requests 1000)'],
    ['anytime', 'anytime-valid e-processes at α (no plan)'],
  ];
  const figures = {} as Record<MomentJudge, MomentFigures>;
  const rows = judges.map(([judge, label]) => {
    const all = (scenario: MomentScenario) =>
      Array.from({ length: runs }, (_, i) =>
        momentRun(scenario, 11_000_003 * (i + 1) + scenario.key.length, judge),
      );
    const caught = (list: MomentRun[], within = Number.POSITIVE_INFINITY) =>
      list.filter((r) => r.failedAt !== undefined && r.failedAt <= within).length;
    const identical = all(scenarios.identical);
    const late = all(scenarios.late);
    const after = late.map((r) => r.afterOnset ?? Number.POSITIVE_INFINITY).sort((a, b) => a - b);
    const q = (p: number) => {
      const value = after[Math.min(after.length - 1, Math.ceil(p * after.length) - 1)]!;
      return Number.isFinite(value) ? String(value) : 'not caught';
    };
    const times = [...identical, ...late].flatMap((r) => r.judgeMs);
    const lateCaught = late.filter((r) => r.afterOnset !== undefined).length;
    const slow30 = caught(all(scenarios.slow30), 100);
    figures[judge] = { identical: caught(identical), slow30, late: lateCaught };
    return [
      label,
      share(caught(identical), runs),
      share(slow30, runs),
      `${share(lateCaught, runs)} (${share(late.filter((r) => r.failedAt !== undefined && r.afterOnset === undefined).length, runs)} before it); ${q(0.5)} / ${q(0.95)}`,
      share(caught(all(scenarios.identical5)), runs),
      share(caught(all(scenarios.slow30by5), 100), runs),
      `${fixed(median(times), 2)} / ${fixed(Math.max(...times), 1)}`,
    ];
  });
  return { rows, figures };
}

export async function run(): Promise<BenchResult> {
  const results = new Map<string, Run[]>();
  const started = nowMs();
  for (const scenario of SCENARIOS) {
    const runs: Run[] = [];
    for (let i = 0; i < ANALYSES; i++)
      runs.push(
        simulate(scenario, 1_000_003 * (SCENARIOS.indexOf(scenario) + 1) + i, undefined, SETTINGS, true),
      );
    results.set(scenario.key, runs);
    progress(`${scenario.title}: ${ANALYSES} analyses, ${fixed((nowMs() - started) / 1000)} s so far`);
  }
  const get = (key: string) => results.get(key)!;
  const count = (key: string, test: (run: Run) => boolean) => get(key).filter(test).length;

  const identicalFalse = count('identical', (r) => r.failedAt !== undefined);
  const latencyCaught = (r: Run, within: number) =>
    r.failedAt !== undefined && r.failedAt <= within && r.failedMetric === 'latency';
  const slow30Within = count('slow30', (r) => latencyCaught(r, 100));
  const slow30Caught = get('slow30').filter((r) => latencyCaught(r, 300));
  const slow30Median = median(slow30Caught.map((r) => r.failedAt!));
  const slow10Within = count('slow10', (r) => latencyCaught(r, 300));
  const slow10BeforePass = count(
    'slow10',
    (r) => latencyCaught(r, 300) && (r.passedAt === undefined || r.passedAt > r.failedAt!),
  );
  const errorsWithin = count(
    'errors',
    (r) => r.failedAt !== undefined && r.failedAt <= 500 && r.failedMetric === 'error-rate',
  );
  const errorsMedian = median(
    get('errors')
      .filter((r) => r.failedMetric === 'error-rate')
      .map((r) => r.failedAt!),
  );

  const times = [...results.values()].flatMap((runs) => runs.flatMap((r) => r.judgeMs));
  const worst = worstCaseJudge(7);
  const worstWall = Math.max(...worst.wallMs);
  const worstMax = Math.max(...worst.cpuMs);
  const p99 = percentile(times, 99);

  const n = ANALYSES;
  const errorLimit = errorRateLimit(500, 1 - CONFIDENCE, 0.001, 0.02);
  // The sizes at which even the limit reaches the 99% goals.
  let errorsNeed = 500;
  while (errorRateLimit(errorsNeed, 1 - CONFIDENCE, 0.001, 0.02).power < 0.99) errorsNeed += 50;
  const slow30Need = Math.ceil(2 * ((2 * normalQuantile(CONFIDENCE) * SIGMA) / Math.log(1.3)) ** 2);
  const reference = (pick: (r: Run) => { latency: boolean; errors: boolean }) => [
    `${share(
      count('identical', (r) => pick(r).latency),
      n,
    )} latency, ${share(
      count('identical', (r) => pick(r).errors),
      n,
    )} errors`,
    share(
      count('slow30', (r) => pick(r).latency),
      n,
    ),
    share(
      count('slow10', (r) => pick(r).latency),
      n,
    ),
    share(
      count('errors', (r) => pick(r).errors),
      n,
    ),
  ];
  const rows: (string | number)[][] = [
    [
      'ours: sequential Mann-Whitney + two-proportion, 99%, a look every 20 per side, stops when it fails',
      `${share(identicalFalse, n)} (either metric, all looks to 500)`,
      `${share(slow30Within, n)} (${share(slow30Caught.length, n)} by 300, median ${slow30Median})`,
      share(slow10Within, n),
      `${share(errorsWithin, n)} (median ${Number.isFinite(errorsMedian) ? errorsMedian : '–'})`,
    ],
    [
      'fixed threshold: canary p95 ≤ 1.2× baseline p95 (error rate ≤ 1.2× baseline), one look at the budget, not tuned',
      ...reference((r) => r.fixed),
    ],
    [
      "Kayenta's rule: Mann-Whitney 98%, 25% tolerance on the Hodges-Lehmann shift, one look at the budget, not tuned",
      ...reference((r) => r.kayenta),
    ],
    [
      'best one-look 1% tests on the same data: latency, z of the mean log latency with σ known; errors, the pooled z (Fisher exact beside it)',
      `${share(
        count('identical', (r) => r.oracleFailed),
        n,
      )} latency, ${share(
        count('identical', (r) => r.zFailed),
        n,
      )} errors`,
      share(
        count('slow30', (r) => r.oracleFailed),
        n,
      ),
      share(
        count('slow10', (r) => r.oracleFailed),
        n,
      ),
      `${share(
        count('errors', (r) => r.zFailed),
        n,
      )} (Fisher exact: ${share(
        count('errors', (r) => r.fisherFailed),
        n,
      )})`,
    ],
    [
      'information limit, computed: the most any judge can catch with ≤ 1% false aborts (Neyman-Pearson)',
      '≤ 1%',
      share(bestFixedPower(1.3, 100, 0.01) * n, n),
      share(bestFixedPower(1.1, 300, 0.01) * n, n),
      `${share(errorLimit.power * n, n)} (least at a common rate of ${fixed(100 * errorLimit.rate, 2)}%)`,
    ],
    [
      'fraction of the limit that ours reaches (issue 16: today 0.70–0.72 is the floor, 0.8 the stretch)',
      '–',
      fixed(slow30Within / n / bestFixedPower(1.3, 100, 0.01), 2),
      fixed(slow10Within / n / bestFixedPower(1.1, 300, 0.01), 2),
      fixed(errorsWithin / n / errorLimit.power, 2),
    ],
  ];
  const zExact = oneLookZExact(500, 1 - CONFIDENCE, 0.001, 0.02);

  // Peers at our looks (every 20 per side), each tuned to our whole-run false-abort rate, split between the
  // metrics as ours is.
  const target = identicalFalse / n;
  const latencyTarget = target * (1 - DEFAULT_ERROR_RATE_SHARE);
  const errorTarget = target * DEFAULT_ERROR_RATE_SHARE;
  const peerRules = [
    {
      name: 'fixed rule',
      keys: ['fixedLatency', 'fixedErrors'] as PeerKey[],
      describe: (t: number[]) =>
        `canary p95 > ${fixed(t[0]!, 2)}× baseline p95, or error rate > baseline's + ${fixed(100 * t[1]!, 2)} pts`,
    },
    {
      name: "Kayenta's rule",
      keys: ['kayentaLatency', 'kayentaErrors'] as PeerKey[],
      describe: (t: number[]) =>
        `Mann-Whitney, 25% tolerance on the Hodges-Lehmann shift, at ${fixed(100 * (1 - 2 * normalSurvival(t[0]!)), 2)}% (latency) and ${fixed(100 * (1 - 2 * normalSurvival(t[1]!)), 2)}% (error-rate series)`,
    },
  ].map((rule) => ({
    ...rule,
    tuned: true,
    tolerances: [
      tune(get('identical'), rule.keys[0]!, latencyTarget),
      tune(get('identical'), rule.keys[1]!, errorTarget),
    ],
  }));
  // The anytime-valid e-processes on the same looks: at their own α (the guarantee, whatever the looks), and
  // with their thresholds tuned like the peers' to ours' whole-run false-abort rate (power at equal realised
  // false aborts, which gives the guarantee up).
  const oursAlpha = resolveSettings(SETTINGS).alpha;
  const anytimeKeys = ['anytimeLatency', 'anytimeErrors'] as PeerKey[];
  const anytimeDescribe = (t: number[]) =>
    `e ≥ ${fixed(Math.exp(t[0]!), 0)} (latency), ≥ ${fixed(Math.exp(t[1]!), 0)} (errors)`;
  const anytimeRules = [
    {
      name: 'anytime-valid at α',
      keys: anytimeKeys,
      describe: anytimeDescribe,
      tuned: false,
      tolerances: [Math.log(1 / oursAlpha.latency), Math.log(1 / oursAlpha.errorRate)],
    },
    {
      name: 'anytime-valid, tuned',
      keys: anytimeKeys,
      describe: anytimeDescribe,
      tuned: true,
      tolerances: [
        tune(get('identical'), anytimeKeys[0]!, latencyTarget),
        tune(get('identical'), anytimeKeys[1]!, errorTarget),
      ],
    },
  ];
  const limits = {
    slow30: bestFixedPower(1.3, 100, 0.01),
    slow10: bestFixedPower(1.1, 300, 0.01),
    errors: errorLimit.power,
  };
  const ofLimit = (caught: number, limit: number) =>
    `${share(caught, n)} (${fixed(caught / n / limit, 2)} of the limit)`;
  const allRules = [...peerRules, ...anytimeRules];
  const [anytimeAtAlpha, anytimeTuned] = anytimeRules as [(typeof anytimeRules)[0], (typeof anytimeRules)[0]];
  const peerCaught = (
    rule: (typeof allRules)[number],
    key: string,
    within: number,
    metric: 0 | 1 | 'either',
  ) =>
    count(key, (r) => {
      const keys = metric === 'either' ? rule.keys : [rule.keys[metric]!];
      const tolerances = metric === 'either' ? rule.tolerances : [rule.tolerances[metric]!];
      return peerAbortAt(r, keys, tolerances, within) !== undefined;
    });
  const peerRows = peerRules.map((rule) => [
    `${rule.name}, every 20 per side, tuned: ${rule.describe(rule.tolerances)}`,
    `${share(peerCaught(rule, 'identical', PEER_HORIZON.errors, 'either'), n)} (either metric, all looks to 500)`,
    share(peerCaught(rule, 'slow30', 100, 0), n),
    share(peerCaught(rule, 'slow10', 300, 0), n),
    share(peerCaught(rule, 'errors', 500, 1), n),
  ]);
  const anytimeRows = anytimeRules.map((rule) => [
    `${rule.name === 'anytime-valid at α' ? `anytime-valid e-processes (Lindon et al. 2022; bench/anytime-valid.ts), every 20 per side, at α ${fixed(100 * oursAlpha.latency, 2)}% / ${fixed(100 * oursAlpha.errorRate, 2)}%, valid at any looks` : 'anytime-valid, every 20 per side, thresholds tuned like the peers'}: ${rule.describe(rule.tolerances)}`,
    `${share(peerCaught(rule, 'identical', PEER_HORIZON.errors, 'either'), n)} (either metric, all looks to 500)`,
    ofLimit(peerCaught(rule, 'slow30', 100, 0), limits.slow30),
    ofLimit(peerCaught(rule, 'slow10', 300, 0), limits.slow10),
    ofLimit(peerCaught(rule, 'errors', 500, 1), limits.errors),
  ]);
  const anytimeFalse = peerCaught(anytimeAtAlpha, 'identical', PEER_HORIZON.errors, 'either');
  const powerCells = (rule: (typeof allRules)[number]) => [
    share(peerCaught(rule, 'slow30', 100, 0), n),
    share(peerCaught(rule, 'slow10', 300, 0), n),
    share(peerCaught(rule, 'errors', 500, 1), n),
  ];
  const anytimeCells = powerCells(anytimeAtAlpha);
  const anytimeTunedCells = powerCells(anytimeTuned);
  progress(`peers tuned: ${fixed((nowMs() - started) / 1000)} s so far`);

  // The error tolerances were tuned at a 0.1% common rate: what each judge's error test does at others.
  const validityRuns = Math.max(200, Math.round(ANALYSES / 2));
  const validityRows = [0.005, 0.02, 0.05].map((rate) => {
    const scenario: Scenario = {
      key: `common${rate}`,
      title: `identical, ${rate * 100}% errors`,
      slowdown: 1,
      baselineErrorRate: rate,
      canaryErrorRate: rate,
      budget: 500,
      horizon: 500,
    };
    const runs = Array.from({ length: validityRuns }, (_, i) =>
      simulate(scenario, 4_000_037 * (i + 1) + Math.round(rate * 1000), undefined, SETTINGS, true),
    );
    const falseShare = (test: (r: Run) => boolean) => share(runs.filter(test).length, validityRuns);
    return [
      `${rate * 100}%`,
      falseShare((r) => r.failedMetric === 'error-rate'),
      ...allRules.map((rule) =>
        falseShare((r) => peerAbortAt(r, [rule.keys[1]!], [rule.tolerances[1]!], 500) !== undefined),
      ),
    ];
  });
  progress(`error tests at other common rates: ${fixed((nowMs() - started) / 1000)} s so far`);

  // Gross regressions: samples per side to the abort.
  const grossScenarios: Scenario[] = [
    {
      key: 'slow2x',
      title: '2× slower',
      slowdown: 2,
      baselineErrorRate: 0.001,
      canaryErrorRate: 0.001,
      budget: 300,
      horizon: 300,
    },
    {
      key: 'errors10',
      title: 'errors 0.1% → 10%',
      slowdown: 1,
      baselineErrorRate: 0.001,
      canaryErrorRate: 0.1,
      budget: 500,
      horizon: 500,
    },
  ];
  for (const scenario of grossScenarios) {
    const runs: Run[] = [];
    for (let i = 0; i < ANALYSES; i++)
      runs.push(
        simulate(scenario, 3_000_017 * (grossScenarios.indexOf(scenario) + 1) + i, undefined, SETTINGS, true),
      );
    results.set(scenario.key, runs);
  }
  progress(`gross regressions: ${fixed((nowMs() - started) / 1000)} s so far`);
  const abortSamples = (key: string, at: (r: Run) => number | undefined) =>
    get(key).map((r) => at(r) ?? Number.POSITIVE_INFINITY);
  const grossCells = (latency: number[], errorsAt: number[]) => {
    const q = (values: number[], p: number) => {
      const sorted = [...values].sort((a, b) => a - b);
      const value = sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
      return Number.isFinite(value) ? String(value) : 'not caught';
    };
    const within = (values: number[], limit: number) => values.filter((v) => v <= limit).length;
    return [
      share(within(latency, LOOK_EVERY), n),
      share(within(latency, 40), n),
      `${q(latency, 0.5)} / ${q(latency, 0.95)}`,
      share(within(errorsAt, 250), n),
      `${q(errorsAt, 0.5)} / ${q(errorsAt, 0.95)}`,
    ];
  };
  const oursAt = (metric: string) => (r: Run) => (r.failedMetric === metric ? r.failedAt : undefined);
  const grossOurs = {
    latency: abortSamples('slow2x', oursAt('latency')),
    errors: abortSamples('errors10', oursAt('error-rate')),
  };
  const grossRows = [
    ['ours', ...grossCells(grossOurs.latency, grossOurs.errors)],
    ...allRules.map((rule) => [
      `${rule.name}${rule.name.startsWith('anytime') ? '' : ', tuned'} as above`,
      ...grossCells(
        abortSamples('slow2x', (r) => peerAbortAt(r, [rule.keys[0]!], [rule.tolerances[0]!], 300)),
        abortSamples('errors10', (r) => peerAbortAt(r, [rule.keys[1]!], [rule.tolerances[1]!], 500)),
      ),
    ]),
  ];
  const anytimeFirstLook = share(
    abortSamples('slow2x', (r) =>
      peerAbortAt(r, [anytimeAtAlpha.keys[0]!], [anytimeAtAlpha.tolerances[0]!], 300),
    ).filter((v) => v <= LOOK_EVERY).length,
    n,
  );
  const grossGoals = {
    firstLook: grossOurs.latency.filter((v) => v <= LOOK_EVERY).length / n >= 0.5,
    by40: grossOurs.latency.filter((v) => v <= 40).length / n >= 0.95,
    errors250: grossOurs.errors.filter((v) => v <= 250).length / n >= 0.95,
  };

  // Looks at any moment: irregular look sizes, looks every 5 per side, and a regression after max-samples.
  const momentRuns = Math.max(100, Math.round(ANALYSES / 5));
  const { rows: momentRows, figures: moment } = anyMomentRows(momentRuns);
  progress(`looks at any moment: ${momentRuns} runs per cell, ${fixed((nowMs() - started) / 1000)} s so far`);

  // Time to promote a healthy canary, through the rollout engine.
  const promoteRuns = Math.max(100, Math.round(ANALYSES / 5));
  const promoteRows: string[][] = [];
  for (const perLook of [400, 100, 40]) {
    const result = await timeToPromote(perLook, promoteRuns);
    const sorted = [...result.holds].sort((a, b) => a - b);
    const at = (p: number) =>
      sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
    promoteRows.push([
      `${perLook} requests a look (${Math.round(perLook * 0.05)} to the canary at 5%)`,
      share(result.promoted, promoteRuns),
      `${fixed(at(0.5), 2)} / ${fixed(at(0.95), 2)} / ${fixed(sorted.at(-1) ?? Number.NaN, 2)}`,
      [...result.rules].map(([rule, times]) => `${rule} ${times}`).join(', '),
    ]);
  }
  progress(`time to promote: ${promoteRuns} rollouts per row, ${fixed((nowMs() - started) / 1000)} s so far`);

  // The spending shapes, measured on the same judge: why α·t^1.5 with a linear start for latency and α·t^3.5
  // for error rates.
  const shapes: [string, SpendingFunction][] = [
    ["O'Brien-Fleming-type", obrienFlemingSpending],
    ['α·t (Pocock-like)', powerSpending(1)],
    ['α·t^1.5', powerSpending(1.5)],
    ['α·t^1.5, at least 0.35·α·t (ours for latency)', DEFAULT_SPENDING.latency],
    ['α·t²', powerSpending(2)],
    ['α·t³', powerSpending(3)],
    ['α·t^3.5 (ours for error rate)', powerSpending(3.5)],
    ['α·t⁴', powerSpending(4)],
  ];
  const shapeAnalyses = Math.max(200, Math.round(ANALYSES / 2));
  const errors10: Scenario = {
    ...SCENARIOS.find((s) => s.key === 'errors')!,
    key: 'errors10',
    canaryErrorRate: 0.1,
  };
  const shapeRows = shapes.map(([name, shape]) => {
    const runs = (scenario: Scenario, within: number, metric: 'latency' | 'errorRate') =>
      Array.from({ length: shapeAnalyses }, (_, i) =>
        simulate(
          { ...scenario, horizon: within, budget: within },
          7_000_001 * (i + 1) + scenario.key.length,
          {
            [metric]: shape,
          },
        ),
      );
    const rate = (key: string, within: number, metric: 'latency' | 'errorRate') => {
      const scenario = key === 'errors10' ? errors10 : SCENARIOS.find((s) => s.key === key)!;
      const name = metric === 'latency' ? 'latency' : 'error-rate';
      return runs(scenario, within, metric).filter((r) => r.failedMetric === name);
    };
    const gross = rate('errors10', 500, 'errorRate');
    return [
      name,
      share(rate('identical', 300, 'latency').length, shapeAnalyses),
      share(rate('slow30', 100, 'latency').length, shapeAnalyses),
      share(rate('slow10', 300, 'latency').length, shapeAnalyses),
      share(rate('identical', 500, 'errorRate').length, shapeAnalyses),
      share(rate('errors', 500, 'errorRate').length, shapeAnalyses),
      `${share(gross.length, shapeAnalyses)}, median ${median(gross.map((r) => r.failedAt!))}`,
    ];
  });
  progress(`spending shapes: ${shapeAnalyses} analyses each, ${fixed((nowMs() - started) / 1000)} s so far`);

  // The split of the budget between the metrics, each share with the rest of ours unchanged.
  const splitRows = [0.5, DEFAULT_ERROR_RATE_SHARE, 0.3, 0.2, 0.1].map((errorRateShare) => {
    const settings = { ...SETTINGS, errorRateShare };
    const runs = (key: string) =>
      Array.from({ length: shapeAnalyses }, (_, i) =>
        // The seeds of the first table: the row of our share repeats its figures on its first analyses.
        simulate(
          SCENARIOS.find((s) => s.key === key)!,
          1_000_003 * (SCENARIOS.findIndex((s) => s.key === key) + 1) + i,
          undefined,
          settings,
        ),
      );
    const caught = (key: string, within: number, metric: string) =>
      runs(key).filter((r) => r.failedAt !== undefined && r.failedAt <= within && r.failedMetric === metric)
        .length;
    const alpha = resolveSettings(settings).alpha;
    return [
      `${errorRateShare}${errorRateShare === DEFAULT_ERROR_RATE_SHARE ? ' (ours)' : ''}: latency ${fixed(100 * alpha.latency, 2)}%, errors ${fixed(100 * alpha.errorRate, 2)}%`,
      share(runs('identical').filter((r) => r.failedAt !== undefined).length, shapeAnalyses),
      share(caught('slow30', 100, 'latency'), shapeAnalyses),
      share(caught('slow10', 300, 'latency'), shapeAnalyses),
      share(caught('errors', 500, 'error-rate'), shapeAnalyses),
    ];
  });
  progress(`budget splits: ${shapeAnalyses} analyses each, ${fixed((nowMs() - started) / 1000)} s so far`);

  const statisticAnalyses = Math.max(1000, ANALYSES);
  const statisticRows = [0, 0.03].map((outliers) => {
    const identical = latencyStatistics(1, 300, outliers, statisticAnalyses);
    const slow30 = latencyStatistics(1.3, 100, outliers, statisticAnalyses);
    const slow10 = latencyStatistics(1.1, 300, outliers, statisticAnalyses);
    const both = (pick: 'mannWhitney' | 'welch') =>
      [identical, slow30, slow10].map((r) => share(r[pick], statisticAnalyses));
    const label = outliers === 0 ? 'lognormal' : `lognormal, ${outliers * 100}% of requests 20× slower`;
    return [
      [`${label}: Mann-Whitney (ours)`, ...both('mannWhitney')],
      [`${label}: z of the mean log latency (Welch)`, ...both('welch')],
    ];
  });
  progress(
    `latency statistics: ${statisticAnalyses} analyses each, ${fixed((nowMs() - started) / 1000)} s so far`,
  );

  const header = [
    'Judge',
    'identical: false aborts',
    '30% slower: caught ≤ 100/side',
    '10% slower: caught ≤ 300/side',
    'errors 0.1% → 2%: caught ≤ 500/side',
  ];
  const goals = {
    falseAborts: identicalFalse / n <= 0.01,
    // The floors: the figures the canary judge reached before issue 16 changed its sample model and pass rule.
    slow30: slow30Within / n >= FLOOR.slow30,
    slow10: slow10Within / n >= FLOOR.slow10,
    errors: errorsWithin / n >= FLOOR.errors,
    time: worstMax < 50,
    ...grossGoals,
  };
  const met = Object.values(goals).every(Boolean);
  const timing = table(
    ['Judgment time', 'ms'],
    [
      ['p50 over all simulated looks', fixed(median(times), 2)],
      ['p99 over all simulated looks', fixed(p99, 2)],
      ['worst look up to 1000 samples per side, 50 looks: wall time (max)', fixed(worstWall, 2)],
      ['the same looks: CPU time of the process (max)', fixed(worstMax, 2)],
    ],
  );
  const mark = (ok: boolean) => (ok ? 'met' : 'not met');
  return {
    title: 'Canary analysis: false aborts and power',
    table: `${table(header, [rows[0]!, ...peerRows, ...anytimeRows, ...rows.slice(1)])}\n\n${table(
      [
        'Gross regressions (same tuned peers)',
        '2× slower: aborted at the first look (20/side)',
        '2× slower: by 40/side',
        '2× slower: samples/side to abort, median / p95',
        'errors 0.1% → 10%: aborted within 250',
        'errors 0.1% → 10%: requests/side to abort, median / p95',
      ],
      grossRows,
    )}\n\n${table(
      [
        `Looks at any moment (${momentRuns} runs per cell, α as ours)`,
        'identical, irregular looks (1–40 requests per side each) to 1000/side: false aborts',
        '30% slower, irregular looks: caught ≤ 100/side',
        'fine for 400 canary requests, then 2× slower and 10% errors (irregular, to 1000/side): caught after the onset (aborted before it); canary requests from the onset to the abort, median / p95',
        'identical, a look every 5/side to 300: false aborts',
        '30% slower, a look every 5/side: caught ≤ 100/side',
        'judgment ms at irregular looks, median / max',
      ],
      momentRows,
    )}\n\n${table(
      [
        'Both versions fail at this common rate: error-test false aborts over the whole run (tuned at 0.1%)',
        `ours (share ${fixed(100 * resolveSettings(SETTINGS).alpha.errorRate, 2)}%)`,
        ...allRules.map((rule) =>
          rule.tuned ? `${rule.name}${rule.name.startsWith('anytime') ? '' : ', tuned'}` : rule.name,
        ),
      ],
      validityRows,
    )}\n\n${table(
      [
        'Healthy canary through the rollout engine: steps 5, 25, 50, 100, a hold of 5 looks each, action defaults',
        'promoted',
        'time to promote in holds (sum of holds = 1): median / p95 / max',
        'steps passed by rule',
      ],
      promoteRows,
    )}\n\n${timing}\n\n${table(
      [
        'Spending shape (one test at a time, the rest of ours unchanged)',
        'latency, identical: false aborts',
        'latency, 30% slower ≤ 100',
        'latency, 10% slower ≤ 300',
        'errors, identical: false aborts',
        'errors 0.1% → 2% ≤ 500',
        'errors 0.1% → 10% ≤ 500, requests to catch',
      ],
      shapeRows,
    )}\n\n${table(
      [
        'Error-rate share of the 1% (Bonferroni)',
        'identical: false aborts',
        '30% slower ≤ 100',
        '10% slower ≤ 300',
        'errors 0.1% → 2% ≤ 500',
      ],
      splitRows,
    )}\n\n${table(
      [
        `Latency statistic, same sequential boundary (α ${fixed(100 * resolveSettings(SETTINGS).alpha.latency, 2)}%, ${DEFAULT_SPENDING.latency.name})`,
        'identical: false aborts',
        '30% slower ≤ 100',
        '10% slower ≤ 300',
      ],
      statisticRows.flat(),
    )}`,
    goal: 'identical versions falsely aborted ≤ 1%; 30% slower caught ≥ 63.8% within 100 samples per side; 10% slower ≥ 35.2% within 300; errors 0.1% → 2% ≥ 61.7% within 500 requests (the floors); 2× slower aborted at the first look in ≥ 50% and by 40 per side in ≥ 95%; errors 0.1% → 10% aborted within 250 requests in ≥ 95%; one judgment < 50 ms',
    met,
    method: `${n} seeded analyses per scenario (sfc32; lognormal latencies, median ${MEDIAN_MS} ms, σ ${SIGMA}; 20 samples and 20 requests per side per look), all judges fed the same data; ours with confidence 0.99, allowed increase 0, min-samples 20, max-samples 300, max-requests 500, α split ${fixed(100 * (1 - DEFAULT_ERROR_RATE_SHARE), 0)}/${fixed(100 * DEFAULT_ERROR_RATE_SHARE, 0)} between latency and error rate, spending ${DEFAULT_SPENDING.latency.name} (latency) and ${DEFAULT_SPENDING.errorRate.name} (error rate); the shape, split and statistic tables use ${shapeAnalyses}, ${shapeAnalyses} and ${statisticAnalyses} analyses`,
    notes: [
      `Gross regressions: 2× slower aborted at the first look ${mark(grossGoals.firstLook)} (goal ≥ 50%), by 40 per side ${mark(grossGoals.by40)} (≥ 95%); errors 0.1% → 10% within 250 requests ${mark(grossGoals.errors250)} (≥ 95%). The peers are judged at our looks (every 20 per side, as Spinnaker judges every interval) and their tolerances are tuned on the identical runs to our whole-run false-abort rate (${share(identicalFalse, n)}, split ${fixed(100 * (1 - DEFAULT_ERROR_RATE_SHARE), 0)}/${fixed(100 * DEFAULT_ERROR_RATE_SHARE, 0)} between latency and errors as ours is), so each cell compares like with like: the same data, the same looks, the same false aborts.`,
      "Where a peer wins a cell, why: Kayenta's rule tests at one flat level every look (Pocock-like), so it spends more of its false aborts early than ours (α·t^1.5 with a linear start) and stops a 2× regression at the first look more often, and pays for it at 10% slower, where ours keeps the late looks' power. Its error test wins the 0.1% → 2% cell because its tolerance holds only at the common rate it was tuned on (0.1%): the table of other common rates shows its false aborts there, while ours keeps its share at every rate; the limit row (computed for a test valid at every common rate) is below the peer's figure, which a valid test cannot exceed.",
      `Anytime-valid e-processes (bench/anytime-valid.ts, after Lindon, Sanden & Shirikian, KDD 2022, and Lindon & Malek, NeurIPS 2022: where each error lands given that one happened, mixed over rate ratios; normal scores of pooled ranks, which take Prometheus buckets as ties, mixed over shifts; false aborts ≤ α at any looks by Ville's inequality), measured to decide whether to offer them: at ours' α they falsely abort ${share(anytimeFalse, n)} and catch ${anytimeCells.join(' / ')} of 30% slower ≤ 100 / 10% slower ≤ 300 / errors 0.1% → 2% ≤ 500, against ours' ${share(slow30Within, n)} / ${share(slow10Within, n)} / ${share(errorsWithin, n)}: a guarantee at every look up to any horizon costs power by max-samples (sequential.ts's header), and their 2× latency abort at the first look falls to ${anytimeFirstLook}. With thresholds tuned like the peers' to ours' realised false aborts they catch ${anytimeTunedCells.join(' / ')}: most of the loss at 30% slower is the price of Ville's bound, which they keep whatever the looks; at 10% slower the mixture also has too little weight on small shifts, and their error figure holds only at the common rate it was tuned on, like Kayenta's (the table of common rates). The looks-at-any-moment table shows ours needs no re-planning for irregular or frequent looks (Lan-DeMets spends on the information actually reached; irregular looks: ${share(moment.spending.identical, momentRuns)} false aborts, 30% slower ${share(moment.spending.slow30, momentRuns)} against the e-processes' ${share(moment.anytime.slow30, momentRuns)}). What it needs is a max-samples near what a hold brings: as planned (300/500) it catches a regression that starts after 400 canary requests in ${share(moment.spending.late, momentRuns)} (only the error test is still open), re-planned to the hold (1000) in ${share(moment.replanned.late, momentRuns)}, about as many as the e-processes (${share(moment.anytime.late, momentRuns)}), keeping 30% slower at ${share(moment.replanned.slow30, momentRuns)}. So ours stays; the e-processes stay a measured row (bench/, not src/), and README says to set max-samples to about a hold's traffic.`,
      `Goals: false aborts ${mark(goals.falseAborts)} (${share(identicalFalse, n)}), 30% slower ${mark(goals.slow30)} (${share(slow30Within, n)}), 10% slower ${mark(goals.slow10)} (${share(slow10Within, n)}; ${share(slow10BeforePass, n)} before any pass), errors ${mark(goals.errors)} (${share(errorsWithin, n)}), time ${mark(goals.time)} (max ${fixed(worstMax, 1)} ms of CPU, ${fixed(worstWall, 1)} ms wall, for a judgment with up to 1000 samples per side).`,
      `The best-test row measures, on the same data, the two most powerful one-look 1% tests: for latency the z of the mean log latency with σ known (possible only because the simulation knows σ), for errors the pooled two-proportion z (computed exactly: power ${fixed(100 * zExact.power, 1)}%, its false-abort rate ${fixed(100 * zExact.worstSize, 2)}% at the worst common error rate, ${fixed(100 * zExact.worstRate, 1)}%), with Fisher's exact test beside it, which conditions on the total number of errors and so spends far less than 1% on counts this small.`,
      `The limit row is computed, not simulated. Latency: the Neyman-Pearson test of a known shift with σ known, the most powerful test there is; with σ unknown, with Mann-Whitney's efficiency (0.955 of it on normal data) and with looks every 20 samples a judge can only do worse. Errors: for every common rate from 0.02% to 6% both versions might share, the Neyman-Pearson test against 0.1% and 2%, at 1% false aborts at that rate; a judge whose false-abort rate is at most 1% whatever the common rate can catch no more than the least of them, ${fixed(100 * errorLimit.power, 1)}% (at ${fixed(100 * errorLimit.rate, 2)}%). With 0.5 expected baseline errors and 10 canary ones there is not more to be had.`,
      `The first canary issue's goals cannot be met by any judge, which is why the floors above are the goal: 30% slower caught in 99% within 100 samples per side (limit ${share(bestFixedPower(1.3, 100, 0.01) * n, n)}; 99% needs ${slow30Need} per side even there), errors 0.1% → 2% in 99% within 500 requests (limit ${fixed(100 * errorLimit.power, 1)}%; 99% needs about ${errorsNeed} per side even there), and 10% slower in 50% within 300, whose limit ${share(bestFixedPower(1.1, 300, 0.01) * n, n)} is for one look at the full 1% by one metric: nothing is left for looking every 20 samples, for Mann-Whitney or for the error test's share.`,
      `Ours keeps the false-abort rate at 1% for the whole judgment (Bonferroni: ${fixed(100 * resolveSettings(SETTINGS).alpha.latency, 2)}% latency, ${fixed(100 * resolveSettings(SETTINGS).alpha.errorRate, 2)}% error rate) at every look; the reference judges look once and have no such guarantee (Kayenta and the fixed rule are tuned by their tolerance, not by a false-abort rate).`,
      'The split table: at a 0.1% baseline the error test spends almost none of its share, but at 5% it spends all of it (step-analysis.test.ts measures both), so the share is fixed in advance; giving latency more buys less than it costs the error test, whose power falls in steps as its boundary passes the z of 7, 8, 9… errors against none. The split where every goal sits at about the same fraction of its one-look limit is ours.',
      'The statistic table: on exactly lognormal latencies the z of the mean log latency is the best test and catches a few points more; with 3% of requests 20 times slower on both sides it loses about half its power while Mann-Whitney loses a tenth, so ours stays Mann-Whitney.',
    ],
  };
}
