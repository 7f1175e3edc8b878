// Each action cancelled through the runner at each phase of its work (SIGINT then SIGTERM, or SIGKILL where
// only post can clean up) must end consistent once post has run: nothing left open, nothing made twice, a
// clean message rather than a stack trace, and a re-run that finishes the job.
import { afterEach, describe, expect, it } from 'vitest';
import { ACTIONS, everythingShown, STACK_LINE, type World } from './actions.js';
import { measure } from './record.js';

const worlds: World[] = [];
afterEach(async () => {
  for (const world of worlds.splice(0)) await world.close();
});

/** Waits for requests the fake GitHub still owes an answer (a slow one lands after the client left). */
async function settle(world: World): Promise<void> {
  for (let i = 0; i < 50 && world.gh?.requests.some((r) => r.status === 0 && r.fault === undefined); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const cells = ACTIONS.flatMap((action) =>
  action.cancelPhases
    // SIGKILL leaves cleaning to post: only actions with a post step promise anything then.
    .filter((phase) => !phase.cancel.kill || action.name !== 'tag-release')
    .map((phase) => [action.name, phase.name, action, phase] as const),
);

describe('cancellation', () => {
  it.each(cells)('%s cancelled while %s', async (_name, phaseName, action, phase) => {
    const world = await action.world();
    worlds.push(world);
    const before = world.records();
    phase.prepare?.(world);
    const run = await world.run(phase.inputs?.(world) ?? {}, { cancel: phase.cancel });
    await settle(world);

    expect(run.conclusion, everythingShown(run)).toBe('cancelled');
    expect(everythingShown(run)).not.toMatch(STACK_LINE);
    expect(action.problems(before, world.records(), 1)).toEqual([]);
    expect(action.runProblems?.(run) ?? []).toEqual([]);
    if (run.post) expect(run.post.exitCode, run.post.stdout).toBe(0);

    // Consistent means resumable: a run after the cancelled one finishes without making anything twice.
    world.gh?.faults.clear();
    const again = await world.run();
    expect(again.conclusion, everythingShown(again)).toBe('success');
    expect(action.problems(before, world.records(), 2)).toEqual([]);
    measure({
      concern: 'cancellation',
      action: action.name,
      what: phaseName,
      count: 1,
      survived: 1,
      runs: 2,
    });
  });
});
