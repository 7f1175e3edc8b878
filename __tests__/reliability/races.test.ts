// Runs of one environment started at the same moment: two deploys, two rollbacks, two tag-releases, two
// watches on one breach. Each round starts them together on a fresh world; afterwards every run has its own
// record and nothing is made twice: one deployment per deploy and never two at work at once, one rollback
// from a deployment (however many watches saw the breach), one tag and one release.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ACTIONS, type ActionCase, everythingShown, type World } from './actions.js';
import { measure } from './record.js';

const ROUNDS = 3;

const worlds: World[] = [];
afterEach(async () => {
  for (const world of worlds.splice(0)) await world.close();
});

/** start/end lines of commands that must never overlap: each start is followed by its own end. */
function overlaps(log: string): string[] {
  const lines = log.trim().split('\n').filter(Boolean);
  const problems: string[] = [];
  for (let i = 0; i < lines.length; i += 2) {
    const [start, end] = [lines[i] ?? '', lines[i + 1] ?? ''];
    if (!start.startsWith('start ') || end !== `end ${start.slice('start '.length)}`)
      problems.push(`commands overlapped: ${lines.join(' | ')}`);
  }
  return problems;
}

async function race(action: ActionCase): Promise<void> {
  const spec = action.race!;
  let raced = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const world = await action.world();
    worlds.push(world);
    const before = world.records();
    const runs = await Promise.all(
      Array.from({ length: spec.runs }, (_, i) => world.run(spec.inputs(world, i))),
    );
    if (spec.judge) expect(spec.judge(runs, world), runs.map(everythingShown).join('\n---\n')).toEqual([]);
    else if (spec.winners === 'all')
      for (const run of runs) expect(run.conclusion, everythingShown(run)).toBe('success');
    else {
      const done = runs.filter((run) => run.outputs.result === 'success');
      expect(done, runs.map(everythingShown).join('\n---\n')).toHaveLength(1);
      // The others found the press answered, when they planned or once their turn came: a no-op that names
      // the rollback that did it, nothing redeployed.
      for (const run of runs.filter((r) => r !== done[0])) {
        expect(run.conclusion, everythingShown(run)).toBe('success');
        expect(run.outputs.result).toBe('no-op');
        expect(run.summary).toMatch(
          /already rolled back from \S+ \(deployment \d+, live when this rollback was asked for/,
        );
      }
    }
    expect(action.problems(before, world.records(), spec.runs)).toEqual([]);
    // Each run's own record is its own (a watch's deployment-id is the release it watched: shared).
    if (!spec.judge) {
      const ids = runs.map((run) => run.outputs['deployment-id']).filter(Boolean);
      expect(new Set(ids).size).toBe(ids.length);
    }
    const order = join(world.workspace, 'order.log');
    if (existsSync(order)) expect(overlaps(readFileSync(order, 'utf8'))).toEqual([]);
    raced += 1;
  }
  measure({
    concern: 'races',
    action: action.name,
    what: `${spec.runs} runs at once`,
    count: raced,
    survived: raced,
    runs: raced * spec.runs,
  });
}

const racing = ACTIONS.filter((a) => a.race);

describe('races', () => {
  it.each(racing.map((a) => [a.name, a.race!.runs, a.race!.winners, a] as const))(
    '%s: %i runs of one environment at once (%s of them do the work)',
    (_n, _r, _w, action) => race(action),
  );

  it('the overlap check sees commands that ran together', () => {
    expect(overlaps('start a\nend a\nstart b\nend b\n')).toEqual([]);
    expect(overlaps('start a\nstart b\nend a\nend b\n')).toHaveLength(2);
  });
});
