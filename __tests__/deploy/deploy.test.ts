// The deploy engine on a real file ledger and real commands.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../src/command/run.js';
import { artifactKeyFor, type DeploySettings, deploy } from '../../src/deploy/deploy.js';
import { currentHolder } from '../../src/deploy/lease.js';
import { FileLedger } from '../../src/ledger/file.js';
import { FileArtifactStore } from '../../src/ledger/file-artifacts.js';

const SHA_A = 'a'.repeat(40);
const SHA_B = 'b'.repeat(40);
const quietLog = { info: () => {}, warning: () => {}, group: <T>(_: string, fn: () => Promise<T>) => fn() };

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'deploy-engine-'));
  const ledger = new FileLedger(join(dir, 'ledger.json'));
  const settings = (overrides: Partial<DeploySettings> = {}): DeploySettings => ({
    environment: 'staging',
    sha: SHA_A,
    ref: 'main',
    version: 'v1',
    workingDirectory: dir,
    payload: { team: 'web' },
    autoMerge: false,
    onConcurrent: { mode: 'wait', timeoutMs: 5000 },
    task: 'deploy',
    run: {
      id: '7',
      attempt: '1',
      url: 'https://github.com/o/r/actions/runs/7',
      workflow: 'release',
      actor: 'alice',
    },
    baseEnv: { PATH: process.env.PATH },
    url: 'https://staging.example.com',
    ...overrides,
  });
  return { dir, ledger, settings, deps: { ledger, runCommand, log: quietLog } };
}

describe('deploy', () => {
  it('records the deployment, runs the command with DEPLOY_KIT_* values and finishes with success', async () => {
    const { dir, ledger, settings, deps } = setup();
    const outcome = await deploy(settings({ command: 'env | grep ^DEPLOY_KIT_ | sort > seen.txt' }), {
      ...deps,
      onCreated: (d) => expect(d.state).toBe('pending'),
    });
    expect(outcome.result).toBe('success');
    expect(outcome.previous).toBeUndefined();
    const seen = readFileSync(join(dir, 'seen.txt'), 'utf8');
    expect(seen).toContain('DEPLOY_KIT_VERSION=v1');
    expect(seen).toContain(`DEPLOY_KIT_SHA=${SHA_A}`);
    expect(seen).toContain(`DEPLOY_KIT_DEPLOYMENT_ID=${outcome.deployment.id}`);
    const stored = await ledger.get(outcome.deployment.id);
    expect(stored?.statuses.map((s) => s.state)).toEqual(['success', 'in_progress']);
    expect(stored?.statuses[0]?.environmentUrl).toBe('https://staging.example.com');
    expect(stored?.record).toMatchObject({ version: 'v1', sha: SHA_A, ref: 'main', actor: 'alice' });
    expect(stored?.payload.team).toBe('web');
  });

  it('links the previous live deployment and marks it inactive once the new one is live', async () => {
    const { ledger, settings, deps } = setup();
    const first = await deploy(settings(), deps);
    const second = await deploy(settings({ version: 'v2', sha: SHA_B }), deps);
    expect(second.previous?.id).toBe(first.deployment.id);
    expect(second.deployment.record?.previous).toEqual({
      deploymentId: first.deployment.id,
      version: 'v1',
      sha: SHA_A,
    });
    expect(second.deactivated).toEqual([first.deployment.id]);
    const old = await ledger.get(first.deployment.id);
    expect(old?.state).toBe('inactive');
    expect(old?.statuses[0]?.description).toBe(`superseded by v2 (deployment ${second.deployment.id})`);
    // The success in its history is still there for rollback to find.
    expect(old?.statuses.map((s) => s.state)).toContain('success');
  });

  it('records a failed command with its exit code and keeps what was live', async () => {
    const { ledger, settings, deps } = setup();
    const first = await deploy(settings(), deps);
    const failed = await deploy(
      settings({ version: 'v2', command: 'echo pulling; echo "no such image" >&2; exit 7' }),
      deps,
    );
    expect(failed.result).toBe('failure');
    expect(failed.exitCode).toBe(7);
    expect(failed.lastLines).toEqual(['pulling', 'no such image']);
    expect((await ledger.get(failed.deployment.id))?.statuses[0]).toMatchObject({
      state: 'failure',
      description: 'deploy command failed (exit code 7)',
    });
    expect((await ledger.get(first.deployment.id))?.state).toBe('success');
  });

  it('ends in error, never in_progress, when cancelled during the command', async () => {
    const { ledger, settings, deps } = setup();
    const controller = new AbortController();
    const outcome = await deploy(settings({ command: 'echo started; sleep 30' }), {
      ...deps,
      signal: controller.signal,
      log: { ...quietLog, info: (line: string) => line === 'started' && controller.abort() },
    });
    expect(outcome.result).toBe('cancelled');
    expect((await ledger.get(outcome.deployment.id))?.state).toBe('error');
  });

  it('fails at once with on-concurrent: fail while an earlier deployment is open', async () => {
    const { ledger, settings, deps } = setup();
    const blocker = await ledger.create({
      environment: 'staging',
      sha: SHA_A,
      ref: 'main',
      task: 'deploy',
      payload: {},
      autoMerge: false,
      record: { version: 'v0', sha: SHA_A, ref: 'main', actor: 'bob' },
    });
    await ledger.setStatus(blocker.id, { state: 'in_progress' });
    const outcome = await deploy(
      settings({ onConcurrent: { mode: 'fail', timeoutMs: 0 }, command: 'touch ran' }),
      deps,
    );
    expect(outcome.result).toBe('blocked');
    expect(outcome.reason).toContain(`deployment ${blocker.id} (v0, in_progress) is still in progress`);
    expect((await ledger.get(outcome.deployment.id))?.state).toBe('error');
  });

  it('waits for an earlier deployment to finish, then deploys', async () => {
    const { ledger, settings, deps } = setup();
    const blocker = await ledger.create({
      environment: 'staging',
      sha: SHA_A,
      ref: 'main',
      task: 'deploy',
      payload: {},
      autoMerge: false,
      record: { version: 'v0', sha: SHA_A, ref: 'main', actor: 'bob' },
    });
    let sleeps = 0;
    const outcome = await deploy(settings(), {
      ...deps,
      sleep: async () => {
        sleeps += 1;
        if (sleeps === 2) await ledger.setStatus(blocker.id, { state: 'success' });
      },
    });
    expect(sleeps).toBe(2);
    expect(outcome.result).toBe('success');
  });

  it('reports as previous what was live when its turn came, not when it was asked for', async () => {
    const { dir, ledger, settings, deps } = setup();
    const blocker = await ledger.create({
      environment: 'staging',
      sha: SHA_A,
      ref: 'main',
      task: 'deploy',
      payload: {},
      autoMerge: false,
      record: { version: 'v0', sha: SHA_A, ref: 'main', actor: 'bob' },
    });
    const outcome = await deploy(
      settings({ version: 'v1', command: 'echo "$DEPLOY_KIT_PREVIOUS_VERSION" > prev.txt' }),
      {
        ...deps,
        sleep: async () => ledger.setStatus(blocker.id, { state: 'success' }),
      },
    );
    expect(outcome.result).toBe('success');
    expect(outcome.previous?.id).toBe(blocker.id);
    expect(readFileSync(join(dir, 'prev.txt'), 'utf8').trim()).toBe('v0');
  });

  it('closes a lease whose holder is dead as abandoned and goes on without waiting', async () => {
    const { ledger, settings, deps } = setup();
    const gone = spawnSync('bash', ['-c', 'echo $$']);
    const blocker = await ledger.create({
      environment: 'staging',
      sha: SHA_A,
      ref: 'main',
      task: 'deploy',
      payload: {},
      autoMerge: false,
      record: {
        version: 'v0',
        sha: SHA_A,
        ref: 'main',
        actor: 'bob',
        holder: { ...currentHolder({}), pid: Number(String(gone.stdout).trim()), started: undefined },
      },
    });
    await ledger.setStatus(blocker.id, { state: 'in_progress' });
    const warnings: string[] = [];
    const outcome = await deploy(settings({ command: 'true' }), {
      ...deps,
      log: { ...quietLog, warning: (m: string) => warnings.push(m) },
      sleep: async () => {
        throw new Error('waited for a dead holder');
      },
    });
    expect(outcome.result).toBe('success');
    expect(outcome.abandoned.map((a) => a.id)).toEqual([blocker.id]);
    expect(warnings.join('\n')).toMatch(/deployment \d+ \(v0\) was abandoned: holder \S+ pid \d+ gone since/);
    expect((await ledger.get(blocker.id))?.statuses[0]?.description).toMatch(/^abandoned: holder/);
  });

  it('names the unlock command when it gives up waiting for a lease', async () => {
    const { ledger, settings, deps } = setup();
    const blocker = await ledger.create({
      environment: 'staging',
      sha: SHA_A,
      ref: 'main',
      task: 'deploy',
      payload: {},
      autoMerge: false,
      record: { version: 'v0', sha: SHA_A, ref: 'main', actor: 'bob' },
    });
    const outcome = await deploy(settings({ onConcurrent: { mode: 'fail', timeoutMs: 0 } }), {
      ...deps,
      ledgerFlag: 'file:/tmp/l.json',
    });
    expect(outcome.reason).toContain(
      `clear it with \`deploy-kit unlock --environment staging --deployment ${blocker.id} --ledger file:/tmp/l.json\``,
    );
  });

  it('records the command process group with the lease and hands it to the caller', async () => {
    const { ledger, settings, deps } = setup();
    const groups: number[] = [];
    const outcome = await deploy(settings({ command: 'sleep 0.2' }), {
      ...deps,
      onGroup: (g) => groups.push(g),
    });
    expect(groups).toHaveLength(1);
    const stored = await ledger.get(outcome.deployment.id);
    expect(stored?.lease?.pgid).toBe(groups[0]);
    expect(stored?.record?.holder).toMatchObject({ pid: process.pid });
  });

  it('never lets two deploys started at once run their commands together', async () => {
    const { dir, settings, deps } = setup();
    const script = 'echo "start $(date +%s%N)" >> log.txt; sleep 0.3; echo "end $(date +%s%N)" >> log.txt';
    const fast = {
      ...deps,
      sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, Math.min(ms, 50))),
    };
    const [a, b] = await Promise.all([
      deploy(settings({ version: 'v1', command: script }), fast),
      deploy(settings({ version: 'v2', command: script }), fast),
    ]);
    expect([a.result, b.result]).toEqual(['success', 'success']);
    const events = readFileSync(join(dir, 'log.txt'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(' ')[0]);
    expect(events).toEqual(['start', 'end', 'start', 'end']);
  });

  it('stands a rollback down when another went live while it waited: its plan is stale', async () => {
    const { dir, ledger, settings, deps } = setup();
    const fast = {
      ...deps,
      sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, Math.min(ms, 50))),
    };
    await deploy(settings({ version: 'v1' }), fast);
    const bad = await deploy(settings({ version: 'v2', sha: SHA_B }), fast);
    // Two rollbacks of v2, planned from the same history and started together: one redeploys v1, the other,
    // once its turn comes, finds v1 live again and redeploys nothing.
    const rollback = { fromDeploymentId: bad.deployment.id, fromVersion: 'v2', reason: 'broken' };
    const script = 'echo "$DEPLOY_KIT_DEPLOYMENT_ID" >> ran.txt';
    const [a, b] = await Promise.all([
      deploy(settings({ version: 'v1', task: 'deploy:rollback', rollback, command: script }), fast),
      deploy(settings({ version: 'v1', task: 'deploy:rollback', rollback, command: script }), fast),
    ]);
    expect([a.result, b.result].sort()).toEqual(['blocked', 'success']);
    const stood = a.result === 'blocked' ? a : b;
    expect(stood.reason).toMatch(/moved on while this rollback waited: deployment \S+ \(v1\) went live/);
    expect(readFileSync(join(dir, 'ran.txt'), 'utf8').trim().split('\n')).toHaveLength(1);
    expect((await ledger.get(stood.deployment.id))?.state).toBe('error');
  });

  it('asks afterTurn once its turn comes, with what the wait saw, and closes inactive when it says nothing is left', async () => {
    const { dir, ledger, settings, deps } = setup();
    const fast = {
      ...deps,
      sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, Math.min(ms, 50))),
    };
    await deploy(settings({ version: 'v1' }), fast);
    const script = 'echo "$DEPLOY_KIT_VERSION" >> ran.txt';
    const seenBy: string[][] = [];
    const slow = deploy(settings({ version: 'v2', sha: SHA_B, command: `sleep 0.3; ${script}` }), fast);
    await new Promise((r) => setTimeout(r, 100));
    const skipped = await deploy(settings({ version: 'v3', command: script }), {
      ...fast,
      afterTurn: (seen) => {
        seenBy.push(seen.map((entry) => `${entry.record?.version}:${entry.state}`));
        return seen.some((entry) => entry.record?.version === 'v2' && entry.state === 'success')
          ? 'v2 went live meanwhile'
          : undefined;
      },
    });
    await slow;
    // Called once, after v2 finished, without its own deployment (v2 marks v1 inactive just after its own
    // success, so the read may land on either side of that write).
    expect(seenBy).toHaveLength(1);
    expect(seenBy[0]).toEqual(['v2:success', expect.stringMatching(/^v1:(inactive|success)$/)]);
    expect(skipped).toMatchObject({ result: 'skipped', reason: 'v2 went live meanwhile' });
    expect((await ledger.get(skipped.deployment.id))?.statuses.map((s) => s.state)).toEqual(['inactive']);
    expect(readFileSync(join(dir, 'ran.txt'), 'utf8').trim().split('\n')).toEqual(['v2']);
    const carriedOn = await deploy(settings({ version: 'v3', command: script }), {
      ...fast,
      afterTurn: () => undefined,
    });
    expect(carriedOn.result).toBe('success');
  });

  it('saves the release bundle under a key of environment and version', async () => {
    const { dir, ledger, settings, deps } = setup();
    const bundle = join(dir, 'bundle.tgz');
    writeFileSync(bundle, 'release bytes');
    const artifacts = new FileArtifactStore(ledger.path);
    const outcome = await deploy(settings({ artifactPath: bundle }), { ...deps, artifacts });
    const key = artifactKeyFor('staging', 'v1', SHA_A);
    expect(outcome.deployment.record?.artifactKey).toBe(key);
    const restored = join(dir, 'restored.tgz');
    expect(await artifacts.restore(key, restored)).toBe(true);
    expect(readFileSync(restored, 'utf8')).toBe('release bytes');
  });
});
