// Leases on open deployments: who holds them, whether the holder is provably gone, the command's process
// group, and renewals that never land after the closing status. Real processes and a real file ledger.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  clearAbandoned,
  currentHolder,
  endGroup,
  groupAlive,
  judgeLease,
  LeaseKeeper,
  leaseOf,
  processAlive,
  processStarted,
  renewalInterval,
  settleAbandoned,
  unlockCommand,
  withPgid,
} from '../../src/deploy/lease.js';
import { FileLedger } from '../../src/ledger/file.js';
import type { DeploymentEntry, LeaseHolder, Ledger, StatusUpdate } from '../../src/ledger/types.js';

const SHA = 'a'.repeat(40);
const NOW = Date.parse('2026-01-01T12:00:00Z');

/** A pid that was just used and is gone. */
function deadPid(): number {
  const child = spawnSync('bash', ['-c', 'echo $$']);
  return Number(String(child.stdout).trim());
}

function entry(overrides: Partial<DeploymentEntry> & { holder?: LeaseHolder } = {}): DeploymentEntry {
  const { holder, ...rest } = overrides;
  return {
    id: '5',
    environment: 'production',
    task: 'deploy',
    sha: SHA,
    ref: 'main',
    createdAt: new Date(NOW - 1000).toISOString(),
    payload: {},
    record: {
      version: 'v5',
      sha: SHA,
      ref: 'main',
      actor: 'carol',
      run: {
        id: '77',
        attempt: '2',
        url: 'https://github.com/o/r/actions/runs/77/attempts/2',
        workflow: 'w',
      },
      ...(holder ? { holder } : {}),
    },
    statuses: [{ state: 'in_progress', createdAt: new Date(NOW - 1000).toISOString() }],
    state: 'in_progress',
    ...rest,
  };
}

function spawnGroup(script: string) {
  const child = spawn('bash', ['-c', script], { detached: true, stdio: 'ignore' });
  child.unref();
  return child.pid!;
}

describe('lease holder', () => {
  it('names this process on this host, via the CLI or GitHub', () => {
    const holder = currentHolder({ DEPLOY_KIT_CLI: '1', GITHUB_ACTIONS: 'true' });
    expect(holder).toMatchObject({ pid: process.pid, via: 'cli' });
    expect(holder.key).toMatch(/^[0-9a-f]{16}$/);
    expect(currentHolder({ GITHUB_ACTIONS: 'true' }).via).toBe('github');
    expect(processAlive(process.pid, holder.started)).toBe(true);
  });

  it('takes a dead pid, or a live pid with another start time (a reused pid), for gone', () => {
    expect(processAlive(deadPid())).toBe(false);
    const started = processStarted(process.pid);
    if (started !== undefined) expect(processAlive(process.pid, `${started}9`)).toBe(false);
  });

  it('renews a quarter of the lease time, between 1 s and 60 s', () => {
    expect(renewalInterval(5 * 60_000)).toBe(60_000);
    expect(renewalInterval(8000)).toBe(2000);
    expect(renewalInterval(100)).toBe(1000);
  });
});

describe('command process groups', () => {
  it('ends a group with SIGTERM, and with SIGKILL one that ignores SIGTERM', async () => {
    const polite = spawnGroup('sleep 30');
    await new Promise((r) => setTimeout(r, 100));
    expect(groupAlive(polite)).toBe(true);
    expect(await endGroup(polite, 2000)).toBe('terminated');
    expect(groupAlive(polite)).toBe(false);

    const stubborn = spawnGroup('trap "" TERM; sleep 30 & wait; sleep 30');
    await new Promise((r) => setTimeout(r, 200));
    expect(await endGroup(stubborn, 300)).toBe('killed');
    expect(groupAlive(stubborn)).toBe(false);
    expect(await endGroup(stubborn, 300)).toBe('gone');
  });

  it('keeps the group in a status description within GitHub 140 characters, and reads it back', () => {
    const text = withPgid(`deploying ${'x'.repeat(200)}`, 4242);
    expect(text).toHaveLength(140);
    expect(text.endsWith(' [pgid 4242]')).toBe(true);
    const read = leaseOf(
      entry({
        statuses: [
          { state: 'in_progress', description: text, createdAt: new Date(NOW - 500).toISOString() },
          { state: 'in_progress', description: 'deploying v5', createdAt: new Date(NOW - 900).toISOString() },
        ],
      }),
    );
    expect(read.pgid).toBe(4242);
    expect(read.renewedAt).toBe(new Date(NOW - 500).toISOString());
  });

  it('prefers the file ledger lease mark for the renewal time and group', () => {
    const read = leaseOf(entry({ lease: { renewedAt: new Date(NOW).toISOString(), pgid: 17 } }));
    expect(read).toMatchObject({ renewedAt: new Date(NOW).toISOString(), pgid: 17 });
  });
});

describe('judging a lease', () => {
  const here = currentHolder({ GITHUB_ACTIONS: 'true' });
  const options = { now: NOW, leaseTimeoutMs: 60_000 };

  it('is held while the holder process lives and renews', async () => {
    expect(await judgeLease(entry({ holder: here }), options)).toEqual({ gone: false });
  });

  it('is gone when the holder process is dead on this host', async () => {
    const verdict = await judgeLease(
      entry({ holder: { ...here, pid: deadPid(), started: undefined } }),
      options,
    );
    expect(verdict).toMatchObject({ gone: true, how: 'its process is dead on this host' });
    expect(verdict.gone && verdict.holder).toBe(
      `${here.host} pid ${verdict.gone && verdict.holder.split(' pid ')[1]}`,
    );
    expect(verdict.gone && verdict.holder).toMatch(/ pid \d+$/);
  });

  it('is held, whatever else, while its command group runs on this host', async () => {
    const pgid = spawnGroup('sleep 30');
    try {
      const dead = { ...here, pid: deadPid(), started: undefined };
      expect(
        await judgeLease(
          entry({ holder: dead, lease: { renewedAt: '2020-01-01T00:00:00Z', pgid } }),
          options,
        ),
      ).toEqual({
        gone: false,
        pgid,
        orphaned: true,
      });
    } finally {
      await endGroup(pgid, 500);
    }
  });

  it('is gone when its workflow run attempt has completed, since the run ended', async () => {
    const elsewhere = { ...here, key: 'another-host-key' };
    const asked: string[] = [];
    const verdict = await judgeLease(entry({ holder: elsewhere }), {
      ...options,
      runStatus: async (id, attempt) => {
        asked.push(`${id}/${attempt}`);
        return { completed: true, at: '2026-01-01T11:59:00Z' };
      },
    });
    expect(asked).toEqual(['77/2']);
    expect(verdict).toMatchObject({
      gone: true,
      since: '2026-01-01T11:59:00Z',
      how: 'its workflow run has completed',
    });
  });

  it('is gone when not renewed within the lease time, and held just inside it', async () => {
    const elsewhere = { ...host(), key: 'another-host-key', via: 'cli' as const };
    const stale = entry({ holder: elsewhere, createdAt: '2026-01-01T11:00:00Z', statuses: [] });
    const verdict = await judgeLease(stale, options);
    expect(verdict).toMatchObject({ gone: true, since: '2026-01-01T11:00:00Z' });
    expect(verdict.gone && verdict.how).toMatch(/not renewed for 3600 s \(lease-timeout 60 s\)/);
    expect(verdict.gone && verdict.holder).toBe(`${elsewhere.host} pid ${elsewhere.pid}`);
    expect(await judgeLease(stale, { ...options, now: Date.parse('2026-01-01T11:00:59Z') })).toEqual({
      gone: false,
    });
  });

  function host() {
    return currentHolder({});
  }
});

describe('clearing abandoned leases', () => {
  it('closes only open deployments whose holder is gone, as error saying who and since when', async () => {
    const ledger = new FileLedger(join(mkdtempSync(join(tmpdir(), 'lease-')), 'ledger.json'));
    const make = async (version: string, holder: LeaseHolder) => {
      const made = await ledger.create({
        environment: 'production',
        sha: SHA,
        ref: 'main',
        task: 'deploy',
        payload: {},
        autoMerge: false,
        record: { version, sha: SHA, ref: 'main', actor: 'carol', holder },
      });
      await ledger.setStatus(made.id, { state: 'in_progress' });
      return made.id;
    };
    const here = currentHolder({ DEPLOY_KIT_CLI: '1' });
    const crashed = await make('v1', { ...here, pid: deadPid(), started: undefined });
    const alive = await make('v2', here);
    const { abandoned } = await clearAbandoned(await ledger.history('production'), ledger, {
      now: Date.now(),
      leaseTimeoutMs: 60_000,
    });
    expect(abandoned.map((a) => a.id)).toEqual([crashed]);
    const closed = await ledger.get(crashed);
    expect(closed?.state).toBe('error');
    expect(closed?.statuses[0]?.description).toMatch(/^abandoned: holder \S+ pid \d+ gone since \d{4}-/);
    expect((await ledger.get(alive))?.state).toBe('in_progress');
  });

  it('waits for a command group a dead holder left running, then closes its lease (a rollback plans after)', async () => {
    const ledger = new FileLedger(join(mkdtempSync(join(tmpdir(), 'lease-')), 'ledger.json'));
    const made = await ledger.create({
      environment: 'production',
      sha: SHA,
      ref: 'main',
      task: 'deploy:rollback',
      payload: {},
      autoMerge: false,
      record: {
        version: 'v1',
        sha: SHA,
        ref: 'main',
        actor: 'carol',
        holder: { ...currentHolder({}), pid: deadPid(), started: undefined },
      },
    });
    await ledger.setStatus(made.id, { state: 'in_progress' });
    const pgid = spawnGroup('sleep 0.6');
    await ledger.renew(made.id, { pgid });
    const said: string[] = [];
    const started = Date.now();
    const { history, abandoned } = await settleAbandoned(() => ledger.history('production'), ledger, {
      leaseTimeoutMs: 60_000,
      waitMs: 10_000,
      log: (m) => said.push(m),
      sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 100))),
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(said[0]).toMatch(
      /waiting for the deploy command of deployment \d+ \(process group \d+\) to end: its holder is gone/,
    );
    expect(abandoned.map((a) => a.id)).toEqual([made.id]);
    expect(history[0]?.state).toBe('error'); // read again once the lease was closed: what a plan needs
    expect((await ledger.get(made.id))?.state).toBe('error');
  });

  it('names the command that clears a lease by hand', () => {
    expect(unlockCommand('production', '12')).toBe(
      'deploy-kit unlock --environment production --deployment 12',
    );
    expect(unlockCommand('staging', '3', 'file:/x/l.json')).toContain('--ledger file:/x/l.json');
  });
});

describe('renewing a lease', () => {
  function recordingLedger(delayMs: number) {
    const writes: string[] = [];
    const ledger = {
      kind: 'github',
      setStatus: async (_id: string, update: StatusUpdate) => {
        await new Promise((r) => setTimeout(r, delayMs));
        writes.push(`${update.state}:${update.description}`);
      },
    } as unknown as Ledger;
    return { writes, ledger };
  }

  it('writes the in_progress status after a renewal in flight, records the group, and nothing after stop', async () => {
    const { writes, ledger } = recordingLedger(50);
    const keeper = new LeaseKeeper(ledger, '5', 10_000, 'waiting to deploy v5');
    void keeper.renew();
    await keeper.working('deploying v5');
    await keeper.group(321);
    await keeper.stop();
    void keeper.renew();
    await new Promise((r) => setTimeout(r, 80));
    expect(writes).toEqual([
      'queued:waiting to deploy v5',
      'in_progress:deploying v5',
      'in_progress:deploying v5 [pgid 321]',
    ]);
  });

  it('renews a file ledger without a status: a renewed-at time and the group', async () => {
    const ledger = new FileLedger(join(mkdtempSync(join(tmpdir(), 'lease-')), 'ledger.json'));
    const made = await ledger.create({
      environment: 'production',
      sha: SHA,
      ref: 'main',
      task: 'deploy',
      payload: {},
      autoMerge: false,
      record: { version: 'v1', sha: SHA, ref: 'main', actor: 'carol' },
    });
    const keeper = new LeaseKeeper(ledger, made.id, 10_000, 'waiting');
    await keeper.group(99);
    await keeper.renew();
    await keeper.stop();
    const read = await ledger.get(made.id);
    expect(read?.statuses).toEqual([]);
    expect(read?.lease?.pgid).toBe(99);
    expect(Date.parse(read?.lease?.renewedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(made.createdAt));
  });
});
