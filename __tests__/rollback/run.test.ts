// The rollback engine on a real file ledger and real commands: one outcome type for every way it ends.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../src/command/run.js';
import { DEFAULT_CONCURRENT_TIMEOUT_MS, deploy } from '../../src/deploy/deploy.js';
import { FileLedger } from '../../src/ledger/file.js';
import type { Ledger } from '../../src/ledger/types.js';
import { DEFAULT_HISTORY_LIMIT } from '../../src/rollback/history.js';
import {
  DEFAULT_ROLLBACK_REASON,
  type RollbackRequest,
  rollbackSettings,
  runRollback,
  whyNoRollback,
} from '../../src/rollback/run.js';

const quietLog = { info: () => {}, warning: () => {}, group: <T>(_: string, fn: () => Promise<T>) => fn() };
const RUN = { id: '', attempt: '1', url: '', workflow: 'release', actor: 'alice' };

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'rollback-engine-'));
  const ledger = new FileLedger(join(dir, 'ledger.json'));
  const request = (overrides: Partial<RollbackRequest> = {}): RollbackRequest => ({
    environment: 'staging',
    workingDirectory: dir,
    workspace: dir,
    run: RUN,
    baseEnv: { PATH: process.env.PATH },
    onConcurrent: { mode: 'wait', timeoutMs: 5000 },
    command: 'printf "%s" "$DEPLOY_KIT_VERSION" > live.txt',
    ...overrides,
  });
  const release = (version: string, sha: string, command = 'true') =>
    deploy(
      {
        environment: 'staging',
        sha: sha.repeat(40),
        ref: 'main',
        version,
        command,
        workingDirectory: dir,
        payload: {},
        autoMerge: false,
        onConcurrent: { mode: 'wait', timeoutMs: 5000 },
        task: 'deploy',
        run: RUN,
        baseEnv: { PATH: process.env.PATH },
      },
      { ledger, runCommand, log: quietLog },
    );
  const deps = { ledger, runCommand, log: quietLog, signal: new AbortController().signal };
  return { dir, ledger, request, release, deps };
}

describe('rollbackSettings', () => {
  it('fills the defaults every caller shares: wait 15 minutes in turn, 1000 deployments back', () => {
    const { request } = setup();
    const settings = rollbackSettings(request({ onConcurrent: undefined, to: undefined }));
    expect(settings.onConcurrent).toEqual({ mode: 'wait', timeoutMs: DEFAULT_CONCURRENT_TIMEOUT_MS });
    expect(DEFAULT_CONCURRENT_TIMEOUT_MS).toBe(15 * 60_000);
    expect(settings.historyLimit).toBe(DEFAULT_HISTORY_LIMIT);
    expect(settings.reason).toBe(DEFAULT_ROLLBACK_REASON);
    expect(settings.dryRun).toBe(false);
    expect('to' in settings).toBe(false);
  });

  it('keeps what the caller gave', () => {
    const { request } = setup();
    const settings = rollbackSettings(
      request({ reason: 'canary aborted', dryRun: true, historyLimit: 7, to: 'v1', rollbackOf: '3' }),
    );
    expect(settings).toMatchObject({
      reason: 'canary aborted',
      dryRun: true,
      historyLimit: 7,
      to: 'v1',
      rollbackOf: '3',
    });
    expect(settings.onConcurrent).toEqual({ mode: 'wait', timeoutMs: 5000 });
  });
});

describe('runRollback', () => {
  it('redeploys the release before: ran, with the plan, the history and the hooks called', async () => {
    const { dir, ledger, request, release, deps } = setup();
    await release('v1', 'a');
    const v2 = await release('v2', 'b');
    const planned: string[] = [];
    const created: string[] = [];
    const outcome = await runRollback(rollbackSettings(request({ reason: 'v2 broke' })), {
      ...deps,
      onPlan: (plan) => planned.push(`${plan.current.record?.version}->${plan.target.record?.version}`),
      onCreated: (deployment) => created.push(deployment.id),
    });
    expect(outcome.kind).toBe('ran');
    if (outcome.kind !== 'ran') return;
    expect(outcome.redeploy.result).toBe('success');
    expect(outcome.plan.current.id).toBe(v2.deployment.id);
    expect(outcome.plan.target.record?.version).toBe('v1');
    expect(outcome.history.map((entry) => entry.record?.version)).toEqual(['v2', 'v1']);
    expect(planned).toEqual(['v2->v1']);
    expect(created).toEqual([outcome.redeploy.deployment.id]);
    expect(readFileSync(join(dir, 'live.txt'), 'utf8')).toBe('v1');
    const stored = await ledger.get(outcome.redeploy.deployment.id);
    expect(stored?.task).toBe('deploy:rollback');
    expect(stored?.record?.rollback).toMatchObject({
      fromDeploymentId: v2.deployment.id,
      reason: 'v2 broke',
    });
  });

  it('changes nothing on a dry run: planned', async () => {
    const { ledger, request, release, deps } = setup();
    await release('v1', 'a');
    await release('v2', 'b');
    const outcome = await runRollback(rollbackSettings(request({ dryRun: true })), deps);
    expect(outcome.kind).toBe('planned');
    if (outcome.kind === 'planned') expect(outcome.plan.target.record?.version).toBe('v1');
    expect((await ledger.history('staging')).length).toBe(2);
  });

  it('answers refused, saying why, when there is nothing earlier to go back to', async () => {
    const { ledger, request, release, deps } = setup();
    await release('v1', 'a');
    const outcome = await runRollback(rollbackSettings(request()), deps);
    expect(outcome.kind).toBe('refused');
    if (outcome.kind === 'refused')
      expect(whyNoRollback(outcome)).toMatch(/^no earlier good deployment to roll back to: none before v1/);
    expect((await ledger.history('staging')).length).toBe(1);
  });

  it('answers no-op when `to` names what is live already', async () => {
    const { ledger, request, release, deps } = setup();
    await release('v1', 'a');
    await release('v2', 'b');
    const outcome = await runRollback(rollbackSettings(request({ to: 'v2' })), deps);
    expect(outcome.kind).toBe('no-op');
    if (outcome.kind === 'no-op') {
      expect(outcome.noOp.standing.record?.version).toBe('v2');
      expect(whyNoRollback(outcome)).toBe(outcome.noOp.message);
    }
    expect((await ledger.history('staging')).length).toBe(2);
  });

  it('rolls back the deployment its caller names (rollbackOf), whatever the clocks say', async () => {
    const { request, release, deps } = setup();
    await release('v1', 'a');
    const v2 = await release('v2', 'b', 'exit 3');
    expect(v2.result).toBe('failure');
    const outcome = await runRollback(
      rollbackSettings(request({ rollbackOf: v2.deployment.id, reason: 'the deploy of v2 failed' })),
      deps,
    );
    expect(outcome.kind).toBe('ran');
    if (outcome.kind === 'ran') {
      expect(outcome.press).toMatchObject({ from: v2.deployment.id });
      expect(outcome.redeploy.result).toBe('success');
    }
  });

  it('throws what is no answer: a ledger that cannot be read', async () => {
    const { ledger, request, deps } = setup();
    const broken: Ledger = Object.assign(Object.create(Object.getPrototypeOf(ledger)), ledger, {
      history: () => Promise.reject(new Error('disk on fire')),
    });
    await expect(runRollback(rollbackSettings(request()), { ...deps, ledger: broken })).rejects.toThrow(
      'disk on fire',
    );
  });
});
