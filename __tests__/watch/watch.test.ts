// One look of the watch, over a hand-built history and a metric source that answers what each test needs.
import { describe, expect, it, vi } from 'vitest';
import type { AnalysisSettings } from '../../src/analysis/types.js';
import type { DeploymentEntry } from '../../src/ledger/types.js';
import type { CollectRequest, MetricSource, Observation } from '../../src/metrics/types.js';
import {
  type WatchDeps,
  type WatchRollbackResult,
  type WatchSettings,
  watch,
} from '../../src/watch/watch.js';
import { at, HOUR, history, observation, side, T0 } from '../helpers/watch-history.js';

const analysis: AnalysisSettings = {
  confidence: 0.99,
  allowedIncrease: { latency: 0.1, errorRate: 0.5 },
  thresholds: {},
  minSamples: 20,
  maxSamples: 500,
};
const settings: WatchSettings = {
  environment: 'production',
  windowMs: 24 * HOUR,
  everyMs: 15 * 60_000,
  compare: 'previous',
  analysis,
  rollback: true,
};
const released = history(
  {
    id: '1',
    version: 'v1',
    statuses: [
      ['success', at(-10 * HOUR)],
      ['inactive', at(-HOUR)],
    ],
  },
  {
    id: '2',
    version: 'v2',
    statuses: [
      ['success', at(-HOUR)],
      ['inactive', at(0)],
    ],
  },
  {
    id: '3',
    version: 'v3',
    statuses: [
      ['in_progress', at(-60_000)],
      ['success', at(0)],
    ],
  },
);

function source(answer: Observation | Error): MetricSource & { requests: CollectRequest[] } {
  const requests: CollectRequest[] = [];
  return {
    kind: 'prometheus',
    requests,
    async collect(request) {
      requests.push(request);
      if (answer instanceof Error) throw answer;
      return answer;
    },
    async close() {},
  };
}

function deps(
  history: DeploymentEntry[],
  answer: Observation | Error,
  nowMs: number,
  rollback: WatchRollbackResult = { result: 'rolled-back', deploymentId: '4', toVersion: 'v2' },
) {
  const metrics = source(answer);
  const rollBack = vi.fn(async () => rollback);
  const given: WatchDeps = {
    ledger: { history: async () => history },
    source: metrics,
    rollBack,
    now: () => nowMs,
    signal: new AbortController().signal,
  };
  return { given, metrics, rollBack };
}

const bad = observation(side(5000, 10), side(5000, 300));
const good = observation(side(5000, 10), side(5000, 11));

describe('watch', () => {
  it('rolls back a release that breaches inside its window, from that release, saying why', async () => {
    const { given, metrics, rollBack } = deps(released, bad, T0 + 30 * 60_000);
    const report = await watch(settings, given);
    expect(report.status).toBe('rolled-back');
    expect(rollBack).toHaveBeenCalledTimes(1);
    const [request] = rollBack.mock.calls[0] as unknown as [{ from: DeploymentEntry; reason: string }];
    expect(request.from.id).toBe('3');
    expect(request.reason).toMatch(/^watch: v3 breached inside its window: error rate fails/);
    expect(report.message).toMatch(
      /^production rolled back from v3 to v2 \(deployment 4\): error rate fails/,
    );
    // Both releases over as long a time live: 30 minutes each.
    expect(metrics.requests[0]).toMatchObject({
      baselineVersion: 'v2',
      canaryVersion: 'v3',
      windowMs: HOUR,
      weight: 100,
    });
    expect(report.window).toMatchObject({
      startMs: T0,
      endMs: T0 + 24 * HOUR,
      elapsedMs: 30 * 60_000,
      inside: true,
    });
  });

  it('leaves a healthy release alone, and says so', async () => {
    const { given, rollBack } = deps(released, good, T0 + 30 * 60_000);
    const report = await watch(settings, given);
    expect(report.status).toBe('healthy');
    expect(report.message).toMatch(/^v3 is healthy so far: error rate passes/);
    expect(rollBack).not.toHaveBeenCalled();
  });

  it('does nothing once the window has closed, without asking the source', async () => {
    const { given, metrics, rollBack } = deps(released, bad, T0 + 24 * HOUR);
    const report = await watch(settings, given);
    expect(report.status).toBe('outside-window');
    expect(report.message).toContain(`its window closed at ${at(24 * HOUR)}: nothing to do`);
    expect(metrics.requests).toHaveLength(0);
    expect(rollBack).not.toHaveBeenCalled();
  });

  it('watches nothing once a rollback is live', async () => {
    const after = [
      ...history({
        id: '4',
        version: 'v2',
        statuses: [['success', at(HOUR)]],
        rollbackFrom: { id: '3', version: 'v3', reason: 'watch: v3 breached' },
      }),
      ...released,
    ];
    const { given, rollBack } = deps(after, bad, T0 + 2 * HOUR);
    const report = await watch(settings, given);
    expect(report.status).toBe('nothing-to-watch');
    expect(report.message).toContain('is a rollback from v3 (deployment 3): watch: v3 breached');
    expect(rollBack).not.toHaveBeenCalled();
  });

  it('reports another run’s rollback of the same release as this one’s answer', async () => {
    const { given } = deps(released, bad, T0 + HOUR, {
      result: 'answered',
      deploymentId: '4',
      toVersion: 'v2',
      message: 'production was already rolled back from v3',
    });
    const report = await watch(settings, given);
    expect(report.status).toBe('rolled-back');
    expect(report.message).toBe('production was already rolled back from v3');
  });

  it('reports a breach and changes nothing with rollback: false', async () => {
    const { given, rollBack } = deps(released, bad, T0 + HOUR);
    const report = await watch({ ...settings, rollback: false }, given);
    expect(report.status).toBe('breached');
    expect(report.message).toContain('(rollback: false, nothing changed)');
    expect(rollBack).not.toHaveBeenCalled();
  });

  it('says when the rollback did not go live', async () => {
    const { given } = deps(released, bad, T0 + HOUR, { result: 'failed', reason: 'the command exited 1' });
    const report = await watch(settings, given);
    expect(report.status).toBe('rollback-failed');
    expect(report.message).toContain('its rollback did not go live: the command exited 1');
  });

  it('keeps watching while undecided, and reports a source that cannot answer without rolling back', async () => {
    const few = await watch(settings, deps(released, observation(side(3, 0), side(2, 2)), T0 + HOUR).given);
    expect(few.status).toBe('watching');
    const down = deps(released, new Error('connection refused'), T0 + HOUR);
    const report = await watch(settings, down.given);
    expect(report.status).toBe('source-error');
    expect(report.message).toBe('the prometheus metric source could not answer: connection refused');
    expect(down.rollBack).not.toHaveBeenCalled();
  });

  it('needs an earlier release to compare with, and judges the first one against limits alone', async () => {
    const first = history({ id: '1', version: 'v1', statuses: [['success', at(0)]] });
    const compared = await watch(settings, deps(first, bad, T0 + HOUR).given);
    expect(compared.status).toBe('nothing-to-watch');
    expect(compared.message).toContain('has no earlier release of production to be compared with');
    const limits = {
      ...settings,
      compare: 'limits' as const,
      analysis: { ...analysis, thresholds: { maxErrorRate: 0.01 } },
    };
    const limited = deps(first, bad, T0 + HOUR);
    const report = await watch(limits, limited.given);
    expect(report.status).toBe('rolled-back');
    expect(report.judgment?.reason).toBe('canary error rate 6.0% (300/5000) > 1.0%');
    // Limits look at the release's time live only (30 minutes), not as long again before it.
    expect(limited.metrics.requests[0]).toMatchObject({
      baselineVersion: 'v1',
      canaryVersion: 'v1',
      windowMs: HOUR,
    });
    const withPrevious = deps(released, bad, T0 + 30 * 60_000);
    await watch(limits, withPrevious.given);
    expect(withPrevious.metrics.requests[0]).toMatchObject({ canaryVersion: 'v3', windowMs: 30 * 60_000 });
  });
});
