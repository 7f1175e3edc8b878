import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileLedger } from '../../src/ledger/file.js';
import { acquireLock, LockTimeoutError, readLockOwner, withLock } from '../../src/ledger/lock.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LOCK_MODULE = fileURLToPath(new URL('../../src/ledger/lock.ts', import.meta.url));

let dir: string;
let children: ChildProcess[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ledger-lock-'));
});
afterEach(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children = [];
  await rm(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** The pid of a process that has come and gone. */
function deadPid(): number {
  const done = spawnSync(process.execPath, ['-e', '0']);
  return done.pid!;
}

async function writeLock(path: string, owner: object, ageMs = 0): Promise<void> {
  await writeFile(path, JSON.stringify(owner));
  if (ageMs > 0) {
    const then = new Date(Date.now() - ageMs);
    await utimes(path, then, then);
  }
}

/** Runs `fn` many times at once and returns the most that were ever inside together. */
async function mostAtOnce(lockPath: string, runs: number, options = {}): Promise<number> {
  let inside = 0;
  let most = 0;
  await Promise.all(
    Array.from({ length: runs }, () =>
      withLock(
        lockPath,
        async () => {
          inside += 1;
          most = Math.max(most, inside);
          await sleep(1);
          inside -= 1;
        },
        options,
      ),
    ),
  );
  return most;
}

describe('file lock', () => {
  it('writes pid, host and time into the lock file, and removes it on release', async () => {
    const path = join(dir, 'sub', 'x.lock');
    const lock = await acquireLock(path);
    const owner = JSON.parse(await readFile(path, 'utf8'));
    expect(owner).toEqual(lock.owner);
    expect(owner).toMatchObject({ pid: process.pid, host: hostname() });
    expect(Date.parse(owner.createdAt)).toBeGreaterThan(Date.now() - 5_000);
    expect(await readLockOwner(path)).toEqual(lock.owner);
    await lock.release();
    await lock.release();
    expect(existsSync(path)).toBe(false);
  });

  it('lets one holder in at a time', async () => {
    expect(await mostAtOnce(join(dir, 'x.lock'), 40)).toBe(1);
    expect(existsSync(join(dir, 'x.lock'))).toBe(false);
  });

  it('waits for a live holder, then times out naming it', async () => {
    const path = join(dir, 'x.lock');
    const held = await acquireLock(path);
    const started = Date.now();
    const error = await acquireLock(path, { timeoutMs: 250 }).catch((caught: unknown) => caught);
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
    expect(error).toBeInstanceOf(LockTimeoutError);
    expect((error as Error).message).toContain(
      `waiting for the lock ${path}, held by process ${process.pid} on`,
    );

    setTimeout(() => void held.release(), 100);
    const next = await acquireLock(path, { timeoutMs: 5_000 }); // gets it once released
    await next.release();
  });

  it('takes over, without a wait, a lock whose process is gone on this host; only one waiter at a time', async () => {
    const path = join(dir, 'x.lock');
    await writeLock(path, {
      pid: deadPid(),
      host: hostname(),
      createdAt: new Date().toISOString(),
      token: 'dead',
    });
    const started = Date.now();
    expect(await mostAtOnce(path, 30, { timeoutMs: 5_000 })).toBe(1);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(existsSync(path)).toBe(false);
    expect(await readdir(dir)).toEqual([]); // no takeover claims left behind
  });

  it('never lets two waiters both take over the same abandoned lock', async () => {
    // Each round: a lock left by a dead process, and a crowd of waiters finding it abandoned at once. A
    // takeover that removed the lock without claiming it first would let a late waiter remove the new
    // holder's lock, and two would be inside together.
    const path = join(dir, 'x.lock');
    const dead = deadPid();
    for (let round = 0; round < 25; round += 1) {
      await writeLock(path, {
        pid: dead,
        host: hostname(),
        createdAt: new Date().toISOString(),
        token: `r${round}`,
      });
      expect(await mostAtOnce(path, 12, { timeoutMs: 5_000 }), `round ${round}`).toBe(1);
    }
    expect(await readdir(dir)).toEqual([]);
  });

  it('clears the claim of a waiter killed in the middle of a takeover, then takes over', async () => {
    const path = join(dir, 'x.lock');
    const dead = deadPid();
    await writeLock(path, {
      pid: dead,
      host: hostname(),
      createdAt: new Date().toISOString(),
      token: 'left',
    });
    const claim = `${path}.takeover-${createHash('sha256').update('left').digest('hex').slice(0, 24)}`;
    await writeLock(claim, {
      pid: dead,
      host: hostname(),
      createdAt: new Date().toISOString(),
      token: 'claimant',
    });
    const lock = await acquireLock(path, { timeoutMs: 2_000 });
    await lock.release();
    expect(await readdir(dir)).toEqual([]);
  });

  it('takes over a lock from another host only once it is stale', async () => {
    const path = join(dir, 'x.lock');
    const foreign = {
      pid: 1,
      host: 'elsewhere.example',
      createdAt: '2024-01-01T00:00:00.000Z',
      token: 'far',
    };
    await writeLock(path, foreign);
    const error = await acquireLock(path, { timeoutMs: 200, staleMs: 10_000 }).catch(
      (caught: unknown) => caught,
    );
    expect((error as Error).message).toContain('held by process 1 on elsewhere.example');

    await writeLock(path, foreign, 20_000);
    expect(await mostAtOnce(path, 10, { timeoutMs: 2_000, staleMs: 10_000 })).toBe(1);
  });

  it('takes over an unreadable lock file only once it is stale', async () => {
    const path = join(dir, 'x.lock');
    await writeFile(path, 'garbage');
    const error = await acquireLock(path, { timeoutMs: 150, staleMs: 5_000 }).catch(
      (caught: unknown) => caught,
    );
    expect((error as Error).message).toContain('held by an unknown process');
    const old = new Date(Date.now() - 10_000);
    await utimes(path, old, old);
    const lock = await acquireLock(path, { timeoutMs: 1_000, staleMs: 5_000 });
    await lock.release();
  });

  it('keeps a held lock fresh, so a long holder is not taken for stale', async () => {
    const path = join(dir, 'x.lock');
    const held = await acquireLock(path, { staleMs: 600 });
    const error = await acquireLock(path, { timeoutMs: 1_500, staleMs: 600 }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(LockTimeoutError);
    expect(await readLockOwner(path)).toEqual(held.owner);
    await held.release();
  });

  it('on release, leaves alone a lock that is no longer its own', async () => {
    const path = join(dir, 'x.lock');
    const held = await acquireLock(path);
    const other = { pid: process.pid, host: hostname(), createdAt: new Date().toISOString(), token: 'other' };
    await writeLock(path, other);
    await held.release();
    expect(await readLockOwner(path)).toEqual(other);
  });

  it('after the holder is killed with SIGKILL, the next writer of the ledger takes over at once', async () => {
    const ledgerPath = join(dir, 'ledger.json');
    const ledger = new FileLedger(ledgerPath, { lock: { timeoutMs: 300 } });
    const script = join(dir, 'holder.mjs');
    await writeFile(
      script,
      `import { pathToFileURL } from 'node:url';
const [modulePath, lockPath] = process.argv.slice(2);
const { acquireLock } = await import(pathToFileURL(modulePath).href);
await acquireLock(lockPath);
process.stdout.write('locked\\n');
setInterval(() => {}, 1000);
`,
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script, LOCK_MODULE, ledger.lockPath], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    await new Promise<void>((done, fail) => {
      child.stdout.on('data', (chunk: Buffer) => (chunk.toString().includes('locked') ? done() : undefined));
      child.on('exit', () => fail(new Error(`holder exited early: ${stderr}`)));
    });
    expect((await readLockOwner(ledger.lockPath))?.pid).toBe(child.pid);

    const request = {
      environment: 'production',
      sha: 'abc',
      ref: 'main',
      task: 'deploy',
      payload: {},
      record: { version: '1', sha: 'abc', ref: 'main', actor: 'bob' },
      autoMerge: false,
    };
    // Alive, it holds the ledger: writers wait and time out.
    await expect(ledger.create(request)).rejects.toThrow(`held by process ${child.pid} on ${hostname()}`);

    const exited = new Promise((done) => child.on('exit', done));
    child.kill('SIGKILL');
    await exited;
    expect((await readLockOwner(ledger.lockPath))?.pid).toBe(child.pid); // left behind by the killed holder

    const started = Date.now();
    const entry = await ledger.create(request); // default stale age is 30 s: this is the dead-pid takeover
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(entry.id).toBe('1');
    expect(existsSync(ledger.lockPath)).toBe(false);
    expect((await ledger.history('production')).map((deployment) => deployment.id)).toEqual(['1']);
  });
});
