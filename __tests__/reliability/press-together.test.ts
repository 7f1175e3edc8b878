// The same action pressed N times at once (N = 2 and 5): five people clicking "Run workflow", a chat command
// sent twice, a retry racing the original. Each cell starts N runs of one action together on a fresh world,
// each as its own workflow run (GitHub knows when each was created), through the built bundles. Afterwards:
// one consistent record (deploy-env: N deployments one after the other, none left open; rollback: exactly
// one step back, the others no-ops naming it; watch: one rollback however many watches saw the breach, each
// naming it; canary-promote: no rollout left half-way; tag-release: one tag, one release), no process a run
// started still alive, and the next run works without a hand edit.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ActionRun } from '../../src/runner/runner.js';
import { ACTIONS, type ActionCase, everythingShown, type World } from './actions.js';
import { measure } from './record.js';

const worlds: World[] = [];
afterEach(async () => {
  for (const world of worlds.splice(0)) await world.close();
});

/** A command that logs its start and end with its process id, for the order and orphan checks. */
const LOGGED = (what: string, body = 'sleep 0.3') =>
  `echo "start ${what} $$" >> presses.log; ${body}; echo "end ${what} $$" >> presses.log`;

function logLines(world: World): string[] {
  const file = join(world.workspace, 'presses.log');
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean) : [];
}

/** Every command started ran to its end, one at a time when `serialized`, and none of their processes lives on. */
function commandProblems(lines: string[], serialized: boolean): string[] {
  const problems: string[] = [];
  const started = lines.filter((l) => l.startsWith('start ')).map((l) => l.slice(6));
  for (const run of started)
    if (!lines.includes(`end ${run}`)) problems.push(`command '${run}' never ended (killed half-way?)`);
  if (serialized)
    for (let i = 0; i < lines.length; i += 2)
      if (!lines[i]?.startsWith('start ') || lines[i + 1] !== `end ${lines[i]!.slice(6)}`) {
        problems.push(`commands overlapped: ${lines.join(' | ')}`);
        break;
      }
  for (const run of started) {
    const pid = Number(run.split(' ').at(-1));
    try {
      process.kill(pid, 0);
      problems.push(`process ${pid} (${run}) is still running after its run ended`);
    } catch (error) {
      // ESRCH: gone, as it should be; anything else (EPERM) means it is there.
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH')
        problems.push(`process ${pid} (${run}) is still running after its run ended`);
    }
  }
  return problems;
}

/**
 * deploy-env's previous-version, run by run in the order the deploys went (by deployment id): what the one
 * before it deployed, the first none. Issue 15 case 4 (branch `leases` fixes it: the value is read before
 * the wait today), kept apart so its cell says so.
 */
const previousVersionProblems = new Map<number, string[]>();
function previousVersions(runs: ActionRun[]): string[] {
  const order = [...runs].sort(
    (a, b) => Number(a.outputs['deployment-id']) - Number(b.outputs['deployment-id']),
  );
  return order.flatMap((run, i) => {
    const expected = i === 0 ? '' : order[i - 1]!.outputs.version!;
    const got = run.outputs['previous-version'];
    return got === expected
      ? []
      : [`${run.outputs.version}: previous-version '${got}', expected '${expected}'`];
  });
}

interface Cell {
  action: string;
  /** Inputs of the i-th of the N runs. */
  inputs: (world: World, index: number) => Record<string, string>;
  /** What the N runs must show together (the action's own record checks run too). */
  check: (world: World, runs: ActionRun[], n: number) => void;
  /** Inputs of the run after them, which must succeed. */
  next: (world: World, runs: ActionRun[]) => Record<string, string>;
  /** Whether the commands the runs start must run one at a time. */
  serialized: boolean;
}

function versionOf(world: World, id: number): string | undefined {
  const deployment = world.gh!.store.repo('octo/app').deployments.find((d) => d.id === id);
  return (deployment?.payload as { 'deploy-kit'?: { version?: string } } | undefined)?.['deploy-kit']
    ?.version;
}

const CELLS: Cell[] = [
  {
    action: 'deploy-env',
    inputs: (_world, i) => ({
      version: `v2.${i}`,
      command: LOGGED('$DEPLOY_KIT_VERSION'),
      // Five in a row, each polling for its turn: room for all of them.
      'concurrent-timeout': '90s',
    }),
    serialized: true,
    check(world, runs, n) {
      for (const run of runs) expect(run.conclusion, everythingShown(run)).toBe('success');
      const deployments = world.records().deployments;
      expect(deployments).toHaveLength(n);
      expect(new Set(runs.map((r) => r.outputs['deployment-id'])).size).toBe(n);
      previousVersionProblems.set(n, previousVersions(runs));
    },
    next: () => ({ version: 'v3', command: LOGGED('$DEPLOY_KIT_VERSION') }),
  },
  {
    action: 'rollback',
    inputs: () => ({ command: LOGGED('$DEPLOY_KIT_VERSION'), 'concurrent-timeout': '90s' }),
    serialized: true,
    check(world, runs) {
      const shown = runs.map(everythingShown).join('\n---\n');
      const records = world.records().deployments;
      // Exactly one step back: v1 live, one rollback went live, every other run a no-op naming it.
      const live = records.filter((d) => d.state === 'success');
      expect(
        live.map((d) => versionOf(world, d.id)),
        shown,
      ).toEqual(['v1']);
      const steps = records.filter((d) => d.rolledBackFrom && d.everSucceeded);
      expect(steps, shown).toHaveLength(1);
      const [done, ...others] = [...runs].sort(
        (a, b) => Number(b.outputs.result === 'success') - Number(a.outputs.result === 'success'),
      );
      expect(done!.outputs.result, shown).toBe('success');
      for (const run of others) {
        expect(run.conclusion, everythingShown(run)).toBe('success');
        expect(run.outputs).toMatchObject({ result: 'no-op', 'rolled-back-to-version': 'v1' });
        expect(run.summary).toContain(`by deployment ${steps[0]!.id}`);
      }
      expect(logLines(world).filter((l) => l.startsWith('start'))).toHaveLength(1);
    },
    // Forward again to what was rolled back from: the environment takes a run as usual.
    next: () => ({ to: 'v2', command: LOGGED('$DEPLOY_KIT_VERSION') }),
  },
  {
    action: 'watch',
    inputs: () => ({ 'rollback-command': LOGGED('$DEPLOY_KIT_VERSION'), 'concurrent-timeout': '90s' }),
    serialized: true,
    check(world, runs) {
      const shown = runs.map(everythingShown).join('\n---\n');
      const records = world.records().deployments;
      // N watches saw one breach: one rollback went live, v1, and every watch reports it.
      const live = records.filter((d) => d.state === 'success');
      expect(
        live.map((d) => versionOf(world, d.id)),
        shown,
      ).toEqual(['v1']);
      const steps = records.filter((d) => d.rolledBackFrom && d.everSucceeded);
      expect(steps, shown).toHaveLength(1);
      for (const run of runs) {
        expect(run.conclusion, everythingShown(run)).toBe('success');
        expect(run.outputs).toMatchObject({
          status: 'rolled-back',
          'rolled-back': 'true',
          'rollback-deployment-id': String(steps[0]!.id),
        });
      }
      expect(logLines(world).filter((l) => l.startsWith('start'))).toHaveLength(1);
    },
    // The next scheduled look finds the rollback live and the watched release gone: nothing to do.
    next: () => ({ 'rollback-command': LOGGED('$DEPLOY_KIT_VERSION') }),
  },
  {
    action: 'canary-promote',
    inputs: () => ({}),
    serialized: false,
    check(world, runs) {
      for (const run of runs) expect(run.conclusion, everythingShown(run)).not.toBe('cancelled');
      const done = runs.filter((r) => r.outputs.promoted === 'true');
      expect(done.length, runs.map(everythingShown).join('\n---\n')).toBeGreaterThanOrEqual(1);
      for (const rollout of world.records().rollouts) expect(rollout.status).not.toBe('running');
    },
    next: () => ({}),
  },
  {
    action: 'tag-release',
    inputs: () => ({}),
    serialized: false,
    check(world, runs, n) {
      for (const run of runs) expect(run.conclusion, everythingShown(run)).toBe('success');
      const after = world.records();
      expect(after.releases, JSON.stringify(after.releases)).toHaveLength(1);
      // One release tag beside the one there was (the moving v1 and v1.1 tags aside).
      const tags = Object.keys(after.tags).filter(
        (t) => /^refs\/tags\/v\d+\.\d+\.\d+/.test(t) && t !== 'refs/tags/v1.0.0',
      );
      expect(tags).toEqual([`refs/tags/${after.releases[0]!.tagName}`]);
      expect(new Set(runs.map((r) => r.outputs.tag ?? r.outputs.version)).size, `${n} runs`).toBe(1);
    },
    next: () => ({}),
  },
];

async function pressTogether(cell: Cell, action: ActionCase, n: number): Promise<void> {
  const world = await action.world();
  worlds.push(world);
  const before = world.records();
  const runIds = Array.from({ length: n }, (_, i) => 9000 + i);
  // Each press is its own workflow run, created now: when it was pressed is GitHub's to say.
  for (const id of runIds) world.gh?.store.addWorkflowRun('octo/app', { id });
  const runs = await Promise.all(
    runIds.map((id, i) => world.run(cell.inputs(world, i), { github: { runId: String(id) } as never })),
  );
  cell.check(world, runs, n);
  expect(action.problems(before, world.records(), n)).toEqual([]);
  for (const run of runs) expect(action.runProblems?.(run) ?? []).toEqual([]);
  expect(commandProblems(logLines(world), cell.serialized)).toEqual([]);

  world.gh?.store.addWorkflowRun('octo/app', { id: 9100 });
  const next = await world.run(cell.next(world, runs), { github: { runId: '9100' } as never });
  expect(next.conclusion, everythingShown(next)).toBe('success');
  expect(action.problems(before, world.records(), n + 1)).toEqual([]);
  expect(commandProblems(logLines(world), cell.serialized)).toEqual([]);
  measure({
    concern: 'press-together',
    action: action.name,
    what: `${n} runs at once`,
    count: 1,
    survived: 1,
    runs: n + 1,
  });
}

describe('press-together', () => {
  const cases = CELLS.flatMap((cell) =>
    [2, 5].map((n) => [cell.action, n, cell, ACTIONS.find((a) => a.name === cell.action)!] as const),
  );
  it.each(cases)(
    '%s pressed %i times at once: one consistent record, no orphan, the next run works',
    (_name, n, cell, action) => pressTogether(cell, action, n),
    // Five deploys in a row, each polling for its turn (2 s, 4 s, 8 s…): a minute on a busy machine.
    120_000,
  );

  // Issue 15, case 4: each deploy's previous-version is read after its wait in turn. Uses the runs of the
  // deploy-env cells above.
  it.each([2, 5])(
    'deploy-env pressed %i times at once: each previous-version is what was live right before it',
    (n) => {
      const problems = previousVersionProblems.get(n);
      // The deploy-env cell above must have run its presses for this to judge anything.
      expect(problems, 'the deploy-env cell did not finish its presses').toBeDefined();
      measure({
        concern: 'press-together',
        action: 'deploy-env',
        what: `${n} runs at once: previous-version`,
        count: 1,
        survived: problems?.length === 0 ? 1 : 0,
        ...(problems?.length ? { note: problems.join('; ') } : {}),
      });
      expect(problems).toEqual([]);
    },
  );

  it('the command checks see overlaps, a command cut short and a process still alive', () => {
    expect(
      commandProblems(['start a 99999991', 'end a 99999991', 'start b 99999992', 'end b 99999992'], true),
    ).toEqual([]);
    const crossed = ['start a 99999991', 'start b 99999992', 'end a 99999991', 'end b 99999992'];
    expect(commandProblems(crossed, true)).toEqual([`commands overlapped: ${crossed.join(' | ')}`]);
    expect(commandProblems(crossed, false)).toEqual([]);
    expect(commandProblems(['start a 99999991'], false)).toEqual([
      "command 'a 99999991' never ended (killed half-way?)",
    ]);
    expect(commandProblems([`start me ${process.pid}`, `end me ${process.pid}`], false)).toEqual([
      `process ${process.pid} (me ${process.pid}) is still running after its run ended`,
    ]);
    expect(previousVersions([])).toEqual([]);
  });
});
