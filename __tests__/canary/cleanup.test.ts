// Returning traffic after a job that did not finish (the action's post step).
import { describe, expect, it } from 'vitest';
import { returnTrafficAfterCancel } from '../../src/canary/cleanup.js';
import { runRollout } from '../../src/canary/rollout.js';
import {
  type Events,
  FakeClock,
  harness,
  KEY,
  RecordingRouter,
  RecordingStore,
  START,
  settings,
} from './rollout-harness.js';

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
