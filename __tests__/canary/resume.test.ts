// Resuming a rollout from its saved state, through the rollout engine on a fake clock (rollout-harness.ts).
import { describe, expect, it } from 'vitest';
import { runRollout } from '../../src/canary/rollout.js';
import type { RolloutState } from '../../src/canary/state.js';
import { HOLD, harness, judgment, KEY, RecordingStore, START, settings } from './rollout-harness.js';

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
