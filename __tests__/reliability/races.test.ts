// Runs of one environment started at the same moment: two deploys, two rollbacks, two tag-releases. Each
// round starts them together on a fresh world; afterwards every run has its own record and nothing is made
// twice: one deployment per deploy and never two at work at once, one rollback from a deployment, one tag
// and one release.
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
    for (const run of runs) expect(run.conclusion, everythingShown(run)).toBe('success');
    expect(action.problems(before, world.records(), spec.runs)).toEqual([]);
    const ids = runs.map((run) => run.outputs['deployment-id']).filter(Boolean);
    expect(new Set(ids).size).toBe(ids.length);
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
  const cells = racing.map((a) => [a.name, a.race!.runs, a] as const);
  it.each(cells.filter(([, , a]) => !a.knownRaceBug))(
    '%s: %i runs of one environment at once',
    (_n, _r, action) => race(action),
  );
  const known = cells.filter(([, , a]) => a.knownRaceBug);
  if (known.length > 0)
    it.fails.each(known)(
      '%s: %i runs of one environment at once (known bug, see knownRaceBug)',
      async (_n, _r, action) => {
        try {
          await race(action);
        } catch (error) {
          measure({
            concern: 'races',
            action: action.name,
            what: `${action.race!.runs} runs at once`,
            count: 1,
            survived: 0,
            note: action.knownRaceBug,
          });
          throw error;
        }
      },
    );

  it('the overlap check sees commands that ran together', () => {
    expect(overlaps('start a\nend a\nstart b\nend b\n')).toEqual([]);
    expect(overlaps('start a\nstart b\nend a\nend b\n')).toHaveLength(2);
  });
});
