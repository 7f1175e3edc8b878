// An exclusive lock between processes, held as a file beside what it protects (the file ledger uses
// `<ledger>.lock`). Pure Node: no @actions/*.
//
// - Taking it: `open(path, 'wx')` (fails when the file exists) and write `{ pid, host, createdAt, token }`.
// - Waiting: retry with a short, growing, jittered back-off until `timeoutMs`, then a LockTimeoutError that
//   says who holds it.
// - Holding: the holder refreshes the file's mtime every `staleMs / 3`, so an old mtime means nobody is
//   looking after the lock any more.
// - Abandoned locks: a lock whose pid is gone on this host, or not refreshed for `staleMs`, is taken over.
//   Two waiters must not both take over the same abandoned lock (A removes it and takes a new one, then B
//   removes A's). So removing is serialised per abandoned lock: a waiter first creates the claim file
//   `<lock>.takeover-<id of that lock>` with 'wx' (one winner), then re-reads the lock and removes it only if
//   it is still that same lock (ids are random and never reused), then drops its claim. Everyone,
//   including the winner, then races for the lock again with 'wx'.
//   The one window left: a waiter killed while holding a claim leaves it behind; the claim is cleared once
//   it is itself abandoned, and two waiters clearing it at the same instant could both proceed.
import { createHash, randomBytes } from 'node:crypto';
import { type FileHandle, mkdir, open, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';

export interface LockOptions {
  /** How long to wait for the lock before giving up. Default 10 s. */
  timeoutMs?: number;
  /** A lock not refreshed for this long is abandoned and may be taken over. Default 30 s. */
  staleMs?: number;
}

export const DEFAULT_LOCK_TIMEOUT_MS = 10_000;
export const DEFAULT_LOCK_STALE_MS = 30_000;

/** What a lock file holds. */
export interface LockOwner {
  pid: number;
  host: string;
  createdAt: string;
  token: string;
}

export class LockTimeoutError extends Error {
  override name = 'LockTimeoutError';
  readonly lockPath: string;
  readonly owner: LockOwner | undefined;

  constructor(lockPath: string, owner: LockOwner | undefined, waitedMs: number) {
    const who = owner
      ? `process ${owner.pid} on ${owner.host} since ${owner.createdAt}`
      : 'an unknown process (the lock file names no owner)';
    super(
      `timed out after ${waitedMs} ms waiting for the lock ${lockPath}, held by ${who}; ` +
        'if that process is gone, the lock is taken over once it is stale, or it can be deleted by hand',
    );
    this.lockPath = lockPath;
    this.owner = owner;
  }
}

export interface HeldLock {
  readonly path: string;
  readonly owner: LockOwner;
  /** Removes the lock if it is still ours. Safe to call twice. */
  release(): Promise<void>;
}

/** Runs `fn` while holding the lock at `lockPath`, and releases it however `fn` ends. */
export async function withLock<T>(
  lockPath: string,
  fn: () => Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  const lock = await acquireLock(lockPath, options);
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}

export async function acquireLock(lockPath: string, options: LockOptions = {}): Promise<HeldLock> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  const staleMs = options.staleMs ?? DEFAULT_LOCK_STALE_MS;
  const started = Date.now();
  let delay = 2;
  for (;;) {
    const owner: LockOwner = {
      pid: process.pid,
      host: hostname(),
      createdAt: new Date().toISOString(),
      token: randomBytes(12).toString('hex'),
    };
    const handle = await tryCreate(lockPath, owner);
    if (handle) return hold(lockPath, owner, handle, staleMs);

    const current = await inspect(lockPath);
    if (!current) continue; // released between our attempt and our look: try again at once
    // Try again at once after a takeover; when another waiter is busy taking over, wait like for a holder.
    if (isAbandoned(current, staleMs) && (await takeOver(lockPath, current, staleMs))) continue;
    const waited = Date.now() - started;
    if (waited >= timeoutMs) throw new LockTimeoutError(lockPath, current.owner, waited);
    await sleep(Math.min(delay * (0.5 + Math.random()), timeoutMs - waited));
    delay = Math.min(delay * 1.6, 100);
  }
}

/** The lock's current owner, or undefined when there is no lock (or it is not readable yet). */
export async function readLockOwner(lockPath: string): Promise<LockOwner | undefined> {
  return (await inspect(lockPath))?.owner;
}

interface Seen {
  /** Names this very lock file, never reused: from its token, or its inode and mtime when unreadable. */
  id: string;
  owner: LockOwner | undefined;
  mtimeMs: number;
}

async function tryCreate(path: string, owner: LockOwner): Promise<FileHandle | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'wx');
  } catch (error) {
    if (code(error) === 'EEXIST') return undefined;
    if (code(error) !== 'ENOENT') throw error;
    await mkdir(dirname(path), { recursive: true });
    return tryCreate(path, owner);
  }
  try {
    await handle.writeFile(JSON.stringify(owner));
    return handle;
  } catch (error) {
    await handle.close().catch(() => {});
    await unlink(path).catch(() => {});
    throw error;
  }
}

function hold(path: string, owner: LockOwner, handle: FileHandle, staleMs: number): HeldLock {
  // Touch our own inode (not whatever sits at `path` now) so a lock that was taken over is not refreshed.
  const heartbeat = setInterval(
    () => {
      const now = new Date();
      handle.utimes(now, now).catch(() => {});
    },
    Math.max(10, Math.floor(staleMs / 3)),
  );
  heartbeat.unref();
  let released = false;
  return {
    path,
    owner,
    async release() {
      if (released) return;
      released = true;
      clearInterval(heartbeat);
      await handle.close().catch(() => {});
      const current = await inspect(path);
      if (current?.id === idOf(owner.token)) await unlinkIfPresent(path);
    },
  };
}

async function inspect(path: string): Promise<Seen | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if (code(error) === 'ENOENT') return undefined;
    throw error;
  }
  try {
    // One handle for both, so the content and the times belong to the same file.
    const stats = await handle.stat();
    const owner = parseOwner(await handle.readFile('utf8'));
    const id = owner ? idOf(owner.token) : idOf(`unreadable:${stats.dev}:${stats.ino}:${stats.mtimeMs}`);
    return { id, owner, mtimeMs: stats.mtimeMs };
  } finally {
    await handle.close();
  }
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockOwner> | null;
    if (
      value &&
      typeof value.pid === 'number' &&
      typeof value.host === 'string' &&
      typeof value.createdAt === 'string' &&
      typeof value.token === 'string' &&
      value.token !== ''
    ) {
      return value as LockOwner;
    }
  } catch {
    // Being written right now, or written by something else: judged by its age alone.
  }
  return undefined;
}

function isAbandoned(seen: Seen, staleMs: number): boolean {
  const owner = seen.owner;
  if (owner && owner.host === hostname() && !processExists(owner.pid)) return true;
  return Date.now() - seen.mtimeMs > staleMs;
}

/** Removes the abandoned lock `seen` unless another waiter is at it; false when that waiter is still busy. */
async function takeOver(lockPath: string, seen: Seen, staleMs: number): Promise<boolean> {
  const claimPath = `${lockPath}.takeover-${seen.id}`;
  const claimant: LockOwner = {
    pid: process.pid,
    host: hostname(),
    createdAt: new Date().toISOString(),
    token: randomBytes(12).toString('hex'),
  };
  const claim = await tryCreate(claimPath, claimant);
  if (!claim) {
    // Someone else is removing this lock. If that someone died doing it, clear the claim once abandoned.
    const other = await inspect(claimPath);
    if (other && !isAbandoned(other, staleMs)) return false;
    await unlinkIfPresent(claimPath);
    return true;
  }
  try {
    const again = await inspect(lockPath);
    if (again?.id === seen.id) await unlinkIfPresent(lockPath);
    return true;
  } finally {
    await claim.close().catch(() => {});
    await unlinkIfPresent(claimPath);
  }
}

function processExists(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return code(error) === 'EPERM'; // exists, but belongs to someone else
  }
}

function idOf(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 24);
}

async function unlinkIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if (code(error) !== 'ENOENT') throw error;
  }
}

function code(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
