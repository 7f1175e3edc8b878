// `deploy-kit unlock`: clears a lease by hand (like terraform force-unlock), on a real file ledger with real
// processes; a holder alive on this host is refused, a command group it left is ended first.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/cli-status.js';
import { runUnlock } from '../src/cli-unlock.js';
import { currentHolder, groupAlive } from '../src/deploy/lease.js';
import { FileLedger } from '../src/ledger/file.js';
import type { LeaseHolder } from '../src/ledger/types.js';

const SHA = 'a'.repeat(40);

function world() {
  const cwd = mkdtempSync(join(tmpdir(), 'unlock-'));
  const ledger = new FileLedger(join(cwd, 'ledger.json'));
  const out: string[] = [];
  const err: string[] = [];
  const io = {
    cwd,
    env: { USER: 'erin' },
    write: (text: string) => out.push(text),
    warn: (text: string) => err.push(text),
  };
  const open = async (holder: LeaseHolder, pgid?: number) => {
    const made = await ledger.create({
      environment: 'production',
      sha: SHA,
      ref: 'main',
      task: 'deploy',
      payload: {},
      autoMerge: false,
      record: { version: 'v7', sha: SHA, ref: 'main', actor: 'carol', holder },
    });
    await ledger.setStatus(made.id, { state: 'in_progress' });
    if (pgid !== undefined) await ledger.renew(made.id, { pgid });
    return made.id;
  };
  return { cwd, ledger, out, err, io, open };
}

const deadHolder = (): LeaseHolder => ({
  ...currentHolder({ DEPLOY_KIT_CLI: '1' }),
  pid: Number(String(spawnSync('bash', ['-c', 'echo $$']).stdout).trim()),
  started: undefined,
});

describe('deploy-kit unlock', () => {
  it('closes an open deployment whose holder is gone as error, saying who unlocked it', async () => {
    const { ledger, out, io, open } = world();
    const id = await open(deadHolder());
    const code = await runUnlock(
      { environment: 'production', deployment: id, ledger: 'file:ledger.json', reason: 'runner lost' },
      io,
    );
    expect(code).toBe(0);
    expect(out.join('')).toMatch(
      new RegExp(
        `deployment ${id} \\(v7\\) in production unlocked: marked error \\(it was in_progress, held by \\S+ pid \\d+`,
      ),
    );
    const closed = await ledger.get(id);
    expect(closed?.state).toBe('error');
    expect(closed?.statuses[0]?.description).toBe('unlocked by hand by erin: runner lost');
  });

  it('ends a command group the dead holder left running before it frees the environment', async () => {
    const { ledger, out, io, open } = world();
    const child = spawn('bash', ['-c', 'sleep 30'], { detached: true, stdio: 'ignore' });
    child.unref();
    const pgid = child.pid!;
    const id = await open(deadHolder(), pgid);
    expect(groupAlive(pgid)).toBe(true);
    expect(
      await runUnlock({ environment: 'production', deployment: id, ledger: 'file:ledger.json' }, io),
    ).toBe(0);
    expect(groupAlive(pgid)).toBe(false);
    expect(out.join('')).toContain(
      `ended the deploy command of deployment ${id} (process group ${pgid}, terminated)`,
    );
    expect((await ledger.get(id))?.state).toBe('error');
  });

  it('refuses a lease whose holder is alive on this host, and changes nothing', async () => {
    const { ledger, err, io, open } = world();
    const id = await open(currentHolder({ DEPLOY_KIT_CLI: '1' }));
    expect(
      await runUnlock({ environment: 'production', deployment: id, ledger: 'file:ledger.json' }, io),
    ).toBe(1);
    expect(err.join('')).toMatch(/which is alive on this host: it is not abandoned/);
    expect((await ledger.get(id))?.state).toBe('in_progress');
  });

  it('says so, and changes nothing, for a deployment already closed, unknown, or of another environment', async () => {
    const { ledger, out, err, io, open } = world();
    const id = await open(deadHolder());
    await ledger.setStatus(id, { state: 'success' });
    expect(
      await runUnlock({ environment: 'production', deployment: id, ledger: 'file:ledger.json' }, io),
    ).toBe(0);
    expect(out.join('')).toContain('is success: nothing to unlock');
    expect(await runUnlock({ environment: 'staging', deployment: id, ledger: 'file:ledger.json' }, io)).toBe(
      1,
    );
    expect(
      await runUnlock({ environment: 'production', deployment: '99', ledger: 'file:ledger.json' }, io),
    ).toBe(1);
    expect(err.join('')).toContain('there is no deployment 99 of production');
    expect((await ledger.get(id))?.statuses).toHaveLength(2);
  });

  it('names the flag and the expected form of a mistake', async () => {
    const { io } = world();
    await expect(runUnlock({ environment: 'production' }, io)).rejects.toThrow(
      /unlock: '--deployment' must be a deployment id \(a whole number like 12\), got nothing/,
    );
    await expect(runUnlock({ environment: 'production', deployment: '1; rm' }, io)).rejects.toThrow(
      UsageError,
    );
    await expect(runUnlock({ deployment: '3' }, io)).rejects.toThrow(/'--environment' must name/);
    await expect(
      runUnlock({ environment: 'production', deployment: '3', ledger: 'nope' }, io),
    ).rejects.toThrow(/^unlock: '--ledger' must be github or file:<path>/);
  });
});
