// Hard crashes: the action process SIGKILLed (a runner that lost its machine, an OOM kill, kill -9 of the
// CLI) at each phase of every stateful action: before the deployment is created, while the deploy command
// runs, after it succeeded but before the final status, during a watch's rollback, during a canary step,
// during tag publication. Each
// phase is reached deterministically: the deploy command is a real script that writes files and sleeps, the
// file ledger's lock or a slow fake GitHub route holds the bundle where the kill must land. Afterwards every
// cell must show one consistent record (nothing left open once post, or the next run's abandoned-lease
// handling, has run), no orphan process (the command's process group is gone), and a next run that succeeds
// without a hand edit.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { groupAlive } from '../../src/deploy/lease.js';
import { FileLedger } from '../../src/ledger/file.js';
import { withLock } from '../../src/ledger/lock.js';
import { OPEN_STATES } from '../../src/ledger/types.js';
import { type ActionRun, type RunActionOptions, runAction } from '../../src/runner/runner.js';
import { repoRoot } from '../helpers/repo.js';
import { ACTIONS, everythingShown, node, STACK_LINE, type World } from './actions.js';
import { measure } from './record.js';

const SHA = 'c'.repeat(40);
/** Writes its process group (bash -c leads its own) and its readiness, then holds. */
const held = (seconds: number) => `echo $$ > pgid; touch ready; echo started; sleep ${seconds}`;
/** Finishes at once after saying so: the bundle goes on to write the final status. */
const QUICK = 'echo $$ > pgid; touch ready; sleep 0.3';
const STATUSES = /^POST \/repos\/octo\/app\/deployments\/\d+\/statuses$/;
const CREATE = /^POST \/repos\/octo\/app\/deployments$/;

const worlds: World[] = [];
const groups: number[] = [];
afterEach(async () => {
  for (const world of worlds.splice(0)) await world.close();
  for (const pgid of groups.splice(0)) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // gone, as it must be
    }
  }
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function until(what: string, check: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** The command's process group, when the cell ran one; it is remembered so a failing cell cannot leak it. */
function groupOf(workspace: string): number | undefined {
  const file = join(workspace, 'pgid');
  if (!existsSync(file)) return undefined;
  const pgid = Number(readFileSync(file, 'utf8').trim());
  groups.push(pgid);
  return pgid;
}

/** A kill that lands when `ready` says the bundle is in the phase (it may first hold the bundle there). */
function killWhen(ready: () => boolean | Promise<boolean>): { signal: AbortSignal; kill: true } {
  const controller = new AbortController();
  const timer = setInterval(async () => {
    if (!controller.signal.aborted && (await ready())) controller.abort();
  }, 20);
  controller.signal.addEventListener('abort', () => clearInterval(timer));
  setTimeout(() => clearInterval(timer), 60_000).unref();
  return { signal: controller.signal, kill: true };
}

function record(action: string, what: string, runs: number): void {
  measure({ concern: 'hard-crash', action, what, count: 1, survived: 1, runs });
}

// ---------------------------------------------------------------------------------------------------------
// On the fake GitHub: deploy-env, rollback and the root release, whose post step cleans up.

const github = (name: string) => ACTIONS.find((a) => a.name === name)!;

interface GitHubPhase {
  name: string;
  action: 'deploy-env' | 'rollback' | 'release' | 'watch';
  inputs: (world: World) => Record<string, string>;
  /** Inputs of the run after the crash, which must succeed (default: a deploy command that says next). */
  next?: Record<string, string>;
  /** Holds the bundle in the phase (a slow route), and says when it is there. */
  arm: (world: World) => () => boolean;
  /** Whether a deployment may be left open by post (made by a create GitHub applied after the kill). */
  leavesOpen?: boolean;
}

const requestSeen =
  (world: World, route: RegExp, nth = 1) =>
  () =>
    world.gh!.requests.filter((r) => route.test(`${r.method} ${r.path}`)).length >= nth;

const githubPhases: GitHubPhase[] = [
  {
    name: 'before the deployment is created',
    action: 'deploy-env',
    inputs: () => ({ command: 'echo $$ > pgid' }),
    arm: (world) => {
      world.gh!.faults.slow(CREATE, { ms: 1500 });
      return requestSeen(world, CREATE);
    },
    leavesOpen: true,
  },
  {
    name: 'while the deploy command runs',
    action: 'deploy-env',
    inputs: () => ({ command: held(60) }),
    arm: (world) => () => existsSync(join(world.workspace, 'ready')),
  },
  {
    name: 'after success, before the final status',
    action: 'deploy-env',
    inputs: () => ({ command: QUICK }),
    // The third status write is the closing one (in_progress, in_progress with the group, success): it is
    // slowed, and the kill lands once it is on its way.
    arm: (world) => {
      world.gh!.faults.slow(STATUSES, { ms: 1500, skip: 2 });
      return () =>
        world.gh!.requests.some(
          (r) =>
            STATUSES.test(`${r.method} ${r.path}`) && (r.body as { state?: string })?.state === 'success',
        );
    },
  },
  {
    name: 'while the redeploy command runs',
    action: 'rollback',
    inputs: () => ({ command: held(60) }),
    arm: (world) => () => existsSync(join(world.workspace, 'ready')),
  },
  {
    name: 'while the rollback command runs',
    action: 'watch',
    inputs: () => ({ 'rollback-command': held(60) }),
    arm: (world) => () => existsSync(join(world.workspace, 'ready')),
    // The release still breaches: the next watch rolls it back, once.
    next: { 'rollback-command': 'echo next' },
  },
  {
    name: 'after the rollback command, before the final status',
    action: 'watch',
    inputs: () => ({ 'rollback-command': QUICK }),
    // As for deploy-env: the rollback's third status write (in_progress, in_progress with the group,
    // success) is the closing one; it is slowed and the kill lands once it is on its way.
    arm: (world) => {
      world.gh!.faults.slow(STATUSES, { ms: 1500, skip: 2 });
      return () =>
        world.gh!.requests.some(
          (r) =>
            STATUSES.test(`${r.method} ${r.path}`) && (r.body as { state?: string })?.state === 'success',
        );
    },
    next: { 'rollback-command': 'echo next' },
  },
  {
    name: 'while the deploy command runs',
    action: 'release',
    inputs: () => ({ command: held(60) }),
    arm: (world) => () => existsSync(join(world.workspace, 'ready')),
  },
];

async function githubCell(phase: GitHubPhase): Promise<void> {
  const action = github(phase.action);
  const world = await action.world();
  worlds.push(world);
  const before = world.records();
  const ready = phase.arm(world);
  const crashed = await world.run(phase.inputs(world), { cancel: killWhen(ready) });
  expect(crashed.main.signal, everythingShown(crashed)).toBe('SIGKILL');
  expect(crashed.post?.exitCode, crashed.post?.stdout).toBe(0);
  expect(everythingShown(crashed)).not.toMatch(STACK_LINE);
  // Let a write the fake still owes land (a slow create applies after the client is gone).
  await sleep(1600);
  const pgid = groupOf(world.workspace);
  if (pgid !== undefined) expect(groupAlive(pgid), `process group ${pgid} outlived post`).toBe(false);
  if (!phase.leavesOpen) expect(action.problems(before, world.records(), 1)).toEqual([]);

  world.gh!.faults.clear();
  const next = await world.run(phase.next ?? { command: 'echo next' });
  expect(next.conclusion, everythingShown(next)).toBe('success');
  expect(action.problems(before, world.records(), 2)).toEqual([]);
  record(phase.action, phase.name, 2);
}

// ---------------------------------------------------------------------------------------------------------
// On the file ledger: deploy-env and rollback, with post and without (a runner that lost the machine), and
// the CLI killed together with its bundle.

function fileWorld() {
  const workspace = mkdtempSync(join(tmpdir(), 'hard-crash-'));
  const ledgerPath = join(workspace, 'ledger.json');
  const ledger = new FileLedger(ledgerPath);
  const run = (
    action: 'deploy-env' | 'rollback',
    inputs: Record<string, string>,
    extra: Partial<RunActionOptions> = {},
  ): Promise<ActionRun> =>
    runAction({
      action: join(repoRoot, action),
      node,
      workspace,
      inputs: {
        environment: 'production',
        ledger: 'file:ledger.json',
        'concurrent-timeout': '40s',
        ...inputs,
      },
      github: { sha: SHA, repository: 'octo/app' },
      ...extra,
    });
  const problems = async (runs: number): Promise<string[]> => {
    const history = await ledger.history('production');
    return [
      ...history
        .filter((d) => OPEN_STATES.includes(d.state))
        .map((d) => `deployment ${d.id} left ${d.state}`),
      ...(history.filter((d) => d.state === 'success').length > 1 ? ['two live deployments'] : []),
      ...(history.length > runs ? [`${history.length} deployments from ${runs} runs`] : []),
    ];
  };
  return { workspace, ledger, ledgerPath, run, problems };
}

interface FilePhase {
  name: string;
  action: 'deploy-env' | 'rollback';
  command: string;
  /** Holds the bundle in the phase and says when to kill; may keep the ledger's lock until the kill. */
  arm: (world: ReturnType<typeof fileWorld>) => () => Promise<boolean> | boolean;
  post: boolean;
  /** Hold the ledger's lock from the start and kill once the bundle says where it records. */
  lockFirst?: boolean;
}

/** Takes the ledger's lock once `start` holds, and keeps it until the kill landed: the bundle waits on it. */
function holdLedger(world: ReturnType<typeof fileWorld>, start: () => boolean, settle: () => boolean) {
  let state: 'waiting' | 'held' | 'done' = 'waiting';
  let release: () => void = () => {};
  return async () => {
    if (state === 'waiting' && start()) {
      state = 'held';
      void withLock(`${world.ledgerPath}.lock`, () => new Promise<void>((done) => (release = done)));
      await sleep(50);
    }
    if (state === 'held' && settle()) {
      // The bundle asked for the lock meanwhile; give the kill a moment to land, then let go.
      await sleep(300);
      setTimeout(() => release(), 300);
      state = 'done';
      return true;
    }
    return false;
  };
}

const filePhases: FilePhase[] = [
  {
    name: 'before the deployment is created',
    action: 'deploy-env',
    command: 'echo $$ > pgid',
    post: true,
    // The ledger's lock is held from the start: the bundle reads (no lock) and then blocks in its create.
    lockFirst: true,
    arm: () => () => false,
  },
  {
    name: 'while the deploy command runs',
    action: 'deploy-env',
    command: held(60),
    post: true,
    arm: (world) => () => existsSync(join(world.workspace, 'ready')),
  },
  {
    name: 'after success, before the final status',
    action: 'deploy-env',
    command: QUICK,
    post: true,
    arm: (world) =>
      holdLedger(
        world,
        () => existsSync(join(world.workspace, 'ready')),
        () => !groupAlive(Number(readFileSync(join(world.workspace, 'pgid'), 'utf8'))),
      ),
  },
  {
    name: 'while the deploy command runs, and no post step (the machine is gone)',
    action: 'deploy-env',
    command: held(1),
    post: false,
    arm: (world) => () => existsSync(join(world.workspace, 'ready')),
  },
  {
    name: 'while the redeploy command runs, and no post step (the machine is gone)',
    action: 'rollback',
    command: held(1),
    post: false,
    arm: (world) => () => existsSync(join(world.workspace, 'ready')),
  },
];

async function fileCell(phase: FilePhase): Promise<void> {
  const world = fileWorld();
  // v1 then v2 live, so a rollback has somewhere to go and a deploy something to replace.
  for (const version of ['v1', 'v2'])
    expect((await world.run('deploy-env', { version, command: 'true' })).conclusion).toBe('success');
  const seeded = (await world.ledger.history('production')).length;
  let release: () => void = () => {};
  if (phase.lockFirst) {
    void withLock(`${world.ledgerPath}.lock`, () => new Promise<void>((done) => (release = done)));
    await sleep(100);
  }
  const cancel = phase.lockFirst
    ? { when: (out: string) => out.includes('recording in file ledger'), kill: true }
    : killWhen(phase.arm(world));
  const crashed = await world.run(
    phase.action,
    { version: 'v3', command: phase.command },
    { cancel, skipPost: !phase.post },
  );
  release();
  expect(crashed.main.signal, everythingShown(crashed)).toBe('SIGKILL');
  if (crashed.post) expect(crashed.post.exitCode, crashed.post.stdout).toBe(0);
  const pgid = groupOf(world.workspace);
  const runs = seeded + (phase.lockFirst ? 0 : 1);
  if (phase.post) {
    if (pgid !== undefined) expect(groupAlive(pgid), `process group ${pgid} outlived post`).toBe(false);
    expect(await world.problems(runs)).toEqual([]);
  }

  const next = await world.run('deploy-env', { version: 'v4', command: 'echo next' });
  expect(next.conclusion, everythingShown(next)).toBe('success');
  if (pgid !== undefined) expect(groupAlive(pgid), `process group ${pgid} outlived the next run`).toBe(false);
  expect(await world.problems(runs + 1)).toEqual([]);
  if (!phase.post) expect(next.main.stdout).toMatch(/was abandoned: holder \S+ pid \d+ gone since/);
  record(phase.action, `${phase.name} (file ledger)`, 4);
}

async function cliCell(): Promise<void> {
  const world = fileWorld();
  const bin = join(repoRoot, 'bin/deploy-kit.js');
  const args = (version: string, command: string) => [
    bin,
    'deploy-env',
    '--environment',
    'production',
    '--version',
    version,
    '--ref',
    SHA,
    '--ledger',
    'file:ledger.json',
    '--concurrent-timeout',
    '40s',
    '--command',
    command,
  ];
  const child = spawn(process.execPath, args('v1', held(1)), { cwd: world.workspace, stdio: 'ignore' });
  await until('the deploy command', () => existsSync(join(world.workspace, 'ready')));
  const holder = (await world.ledger.history('production'))[0]?.record?.holder?.pid;
  expect(holder).toBeGreaterThan(0);
  // kill -9 of the CLI and of the bundle it runs: nothing is left to clean up but the next run.
  child.kill('SIGKILL');
  process.kill(holder!, 'SIGKILL');
  const pgid = groupOf(world.workspace)!;

  const next = await new Promise<{ code: number | null; out: string }>((resolve) => {
    const again = spawn(process.execPath, args('v2', 'echo next'), { cwd: world.workspace });
    let out = '';
    again.stdout.on('data', (chunk) => (out += chunk));
    again.stderr.on('data', (chunk) => (out += chunk));
    again.on('close', (code) => resolve({ code, out }));
  });
  expect(next.code, next.out).toBe(0);
  expect(next.out).toMatch(/deployment 1 \(v1\) was abandoned: holder \S+ pid \d+ gone since/);
  expect(groupAlive(pgid)).toBe(false);
  expect(await world.problems(2)).toEqual([]);
  record('cli deploy-env', 'while the deploy command runs (CLI and bundle killed)', 2);
}

// ---------------------------------------------------------------------------------------------------------
// A canary step and tag publication: no deployment, but the same promise.

async function canaryCell(): Promise<void> {
  const action = github('canary-promote');
  const world = await action.world();
  worlds.push(world);
  const before = world.records();
  const crashed = await world.run(
    {},
    { cancel: { when: (out) => out.includes('weight is now 25%'), kill: true } },
  );
  expect(crashed.main.signal).toBe('SIGKILL');
  expect(crashed.post?.exitCode, crashed.post?.stdout).toBe(0);
  expect(action.problems(before, world.records(), 1)).toEqual([]);
  const next = await world.run();
  expect(next.conclusion, everythingShown(next)).toBe('success');
  expect(action.problems(before, world.records(), 2)).toEqual([]);
  record('canary-promote', 'during a canary step', 2);
}

async function tagCell(): Promise<void> {
  const action = github('tag-release');
  const world = await action.world();
  worlds.push(world);
  const before = world.records();
  world.gh!.faults.slow('POST /repos/{owner}/{repo}/git/refs', { ms: 1500 });
  const crashed = await world.run(
    {},
    { cancel: killWhen(requestSeen(world, /^POST \/repos\/octo\/app\/git\/refs$/)) },
  );
  expect(crashed.main.signal).toBe('SIGKILL');
  await sleep(1600);
  world.gh!.faults.clear();
  const next = await world.run();
  expect(next.conclusion, everythingShown(next)).toBe('success');
  expect(action.problems(before, world.records(), 2)).toEqual([]);
  // One new version, tagged once, released once (a moving major tag such as v1 may move along).
  const versions = Object.keys(world.records().tags).filter((t) => /^refs\/tags\/v\d+\.\d+\.\d+$/.test(t));
  expect(versions.filter((t) => t !== 'refs/tags/v1.0.0')).toEqual(['refs/tags/v1.1.0']);
  expect(world.records().releases.map((r) => r.tagName)).toEqual(['v1.1.0']);
  record('tag-release', 'during tag publication', 2);
}

describe('hard crash (SIGKILL)', () => {
  it.each(githubPhases.map((p) => [p.action, p.name, p] as const))(
    '%s on GitHub Deployments, killed %s',
    (_a, _n, phase) => githubCell(phase),
    60_000,
  );
  it.each(filePhases.map((p) => [p.action, p.name, p] as const))(
    '%s on the file ledger, killed %s',
    (_a, _n, phase) => fileCell(phase),
    60_000,
  );
  it('the CLI and its bundle killed while the deploy command runs', () => cliCell(), 60_000);
  it('canary-promote killed during a canary step', () => canaryCell(), 60_000);
  it('tag-release killed during tag publication', () => tagCell(), 60_000);
});
