import { existsSync, realpathSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gateCommandEnvironment, runCommandGate, runGateCommand } from '../../src/gates/command.js';
import type { CommandGateConfig } from '../../src/gates/types.js';
import { gateContext, gateTarget } from '../helpers/gates.js';

let workspace: string;
beforeEach(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'gates-command-'));
});
afterEach(async () => {
  await rm(workspace, { recursive: true, force: true });
});

function command(run: string, overrides: Partial<CommandGateConfig> = {}): CommandGateConfig {
  return { name: run.split(' ')[0] ?? run, run, timeoutMs: 10_000, ...overrides };
}

describe('command gate', () => {
  it('passes when every command exits 0, each in its own log group with its output', async () => {
    const context = gateContext({ workspace });
    const outcome = await runCommandGate(
      [command('echo first; echo second', { name: 'lint' }), command('true', { name: 'types' })],
      context,
    );
    expect(outcome.verdict).toBe('pass');
    expect(outcome.detail).toBe('all 2 commands succeeded: lint, types');
    expect(context.log.groups).toEqual(['command: lint', 'command: types']);
    const log = context.log.all();
    expect(log).toContain(
      '::group::command: lint\n$ echo first; echo second\nfirst\nsecond\nlint: succeeded after',
    );
    expect(outcome.items?.map((i) => [i.name, i.verdict])).toEqual([
      ['lint', 'pass'],
      ['types', 'pass'],
    ]);
  });

  it('runs every command even after one fails, and quotes the failing output', async () => {
    const outcome = await runCommandGate(
      [
        command('echo "config: missing key db.url" >&2; exit 3', { name: 'check-config' }),
        command('echo ok', { name: 'after' }),
      ],
      gateContext({ workspace }),
    );
    expect(outcome.verdict).toBe('fail');
    expect(outcome.detail).toMatch(
      /^1 of 2 commands failed: check-config \(exited with 3 in \d+ ms: config: missing key db\.url\)$/,
    );
    expect(outcome.items?.map((i) => i.verdict)).toEqual(['fail', 'pass']);
  });

  it('gives values through DEPLOY_KIT_* variables, never in the script text', async () => {
    const target = gateTarget({
      sha: 'b'.repeat(40),
      ref: 'refs/pull/7/merge',
      eventName: 'pull_request',
      environment: 'production',
      pullNumber: 7,
    });
    const context = gateContext({ workspace, target, env: { PATH: process.env.PATH, MINE: 'kept' } });
    const script =
      'echo "$DEPLOY_KIT_GATE $DEPLOY_KIT_ENVIRONMENT $DEPLOY_KIT_REF $DEPLOY_KIT_PULL_NUMBER $DEPLOY_KIT_EVENT $MINE ${DEPLOY_KIT_SHA:0:7}"';
    const run = await runGateCommand(command(script, { name: 'env' }), context, 'command');
    expect(run.ending).toBe('exited');
    expect(run.lastLines).toEqual(['command production refs/pull/7/merge 7 pull_request kept bbbbbbb']);
    expect(gateCommandEnvironment(context, 'migrations')).toEqual({
      DEPLOY_KIT_GATE: 'migrations',
      DEPLOY_KIT_SHA: 'b'.repeat(40),
      DEPLOY_KIT_REF: 'refs/pull/7/merge',
      DEPLOY_KIT_EVENT: 'pull_request',
      DEPLOY_KIT_ENVIRONMENT: 'production',
      DEPLOY_KIT_PULL_NUMBER: '7',
    });
  });

  it('a ref with shell syntax stays a value: nothing it says is run', async () => {
    const target = gateTarget({ ref: 'refs/heads/x$(touch pwned)`touch pwned2`' });
    const context = gateContext({ workspace, target, env: { PATH: process.env.PATH } });
    const run = await runGateCommand(command('echo "$DEPLOY_KIT_REF"', { name: 'echo' }), context, 'command');
    expect(run.lastLines).toEqual(['refs/heads/x$(touch pwned)`touch pwned2`']);
    const { readdir } = await import('node:fs/promises');
    expect(await readdir(workspace)).toEqual([]);
  });

  it('runs in cwd relative to the workspace; one that is missing or outside is an error before running', async () => {
    await mkdir(join(workspace, 'infra'));
    await writeFile(join(workspace, 'infra', 'plan.sh'), 'echo planned in $(basename "$PWD")\n');
    const ok = await runCommandGate(
      [command('bash plan.sh', { name: 'plan', cwd: 'infra' })],
      gateContext({ workspace }),
    );
    expect(ok.verdict).toBe('pass');
    expect(ok.items?.[0]?.detail).toMatch(/^succeeded in \d+ ms$/);

    const context = gateContext({ workspace });
    const missing = await runCommandGate(
      [command('true', { name: 'a', cwd: 'nowhere' }), command('true', { name: 'b', cwd: '../..' })],
      context,
    );
    expect(missing.verdict).toBe('error');
    const real = realpathSync(workspace);
    expect(missing.detail).toBe(
      `a: its cwd must be an existing folder, got '${join(workspace, 'nowhere')}'; b: its cwd must be a path inside the workspace (${workspace}), got '../..', which resolves to '${join(real, '../..')}'`,
    );
    expect(context.log.groups).toEqual([]);
  });

  it('follows symlinks: a cwd that links out of the workspace is an error before running', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'gate-outside-'));
    await symlink(outside, join(workspace, 'escape'));
    const context = gateContext({ workspace });
    const outcome = await runCommandGate([command('touch ran', { name: 'a', cwd: 'escape' })], context);
    expect(outcome.verdict).toBe('error');
    expect(outcome.detail).toBe(
      `a: its cwd must be a path inside the workspace (${workspace}), got 'escape', which resolves to '${realpathSync(outside)}'`,
    );
    expect(existsSync(join(outside, 'ran'))).toBe(false);
  });

  it('a program that is not there is an error (could not run), not a failure', async () => {
    const outcome = await runCommandGate(
      [command('no-such-program-xyz --check', { name: 'tool' })],
      gateContext({ workspace }),
    );
    expect(outcome.verdict).toBe('error');
    expect(outcome.items?.[0]?.detail).toMatch(
      /^exited with 127 in \d+ ms: .*no-such-program-xyz: command not found$/,
    );
  });

  it('stops a command at its timeout, with its whole process group, and fails', async () => {
    const started = Date.now();
    const outcome = await runCommandGate(
      [command('echo waiting; sleep 30 & sleep 30; wait', { name: 'slow', timeoutMs: 300 })],
      gateContext({ workspace }),
    );
    expect(Date.now() - started).toBeLessThan(5000);
    expect(outcome.verdict).toBe('fail');
    expect(outcome.detail).toMatch(
      /^1 of 1 command failed: slow \(did not finish within 300 ms and was stopped in \d+ ms: waiting\)$/,
    );
  });

  it('a cancelled run ends the command and is an error', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const outcome = await runCommandGate(
      [command('sleep 30', { name: 'long' }), command('echo never', { name: 'next' })],
      gateContext({ workspace, signal: controller.signal }),
    );
    expect(outcome.verdict).toBe('error');
    expect(outcome.items?.map((i) => [i.name, i.verdict, i.detail?.split(' in ')[0]])).toEqual([
      ['long', 'error', 'was cancelled'],
      ['next', 'error', 'was cancelled'],
    ]);
  });

  it('a command ended by a signal fails', async () => {
    const outcome = await runCommandGate(
      [command('kill -KILL $$', { name: 'killed' })],
      gateContext({ workspace }),
    );
    expect(outcome.verdict).toBe('fail');
    expect(outcome.items?.[0]?.detail).toMatch(/^was ended by SIGKILL/);
  });
});
