// An open deployment is a lease on its environment, as Terraform's state locks and Kubernetes' Leases are:
// it names its holder (this process on this host, and the workflow run on GitHub), is renewed while the
// work runs, and records the process group of its deploy command. A later deploy or rollback that finds a
// lease whose holder is provably gone (its process dead on this host, its workflow run completed, or not
// renewed within the lease time) closes it as abandoned instead of waiting behind it forever; a recorded
// command group still alive on this host is never abandoned: it is waited for, so two deploy commands of
// one environment never run at once.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { type DeploymentEntry, type LeaseHolder, type Ledger, OPEN_STATES } from '../ledger/types.js';

export type { LeaseHolder };

/** What a deployment's lease says now: its holder, when it was last renewed, its command's process group. */
export interface LeaseView {
  holder?: LeaseHolder;
  run?: { id: string; attempt: string; url: string };
  renewedAt: string;
  pgid?: number;
}

const OPEN: readonly string[] = OPEN_STATES;

/** The default time after which a lease that was not renewed counts as abandoned. */
export const DEFAULT_LEASE_TIMEOUT_MS = 5 * 60_000;

/** How often a lease is renewed: a quarter of the lease time, between 1 s and 60 s. */
export function renewalInterval(leaseTimeoutMs: number): number {
  return Math.min(60_000, Math.max(1000, Math.floor(leaseTimeoutMs / 4)));
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** This boot and process namespace, hashed short; the host name where /proc is not there. */
export function hostKey(): string {
  const boot = readText('/proc/sys/kernel/random/boot_id')?.trim();
  let namespace = '';
  try {
    namespace = readlinkSync('/proc/self/ns/pid');
  } catch {
    // not Linux: the host name and boot are all there is
  }
  const identity = boot ? `${boot}/${namespace}` : `host:${hostname()}`;
  return createHash('sha256').update(identity).digest('hex').slice(0, 16);
}

/** A process's start time in clock ticks since boot (field 22 of /proc/<pid>/stat), when readable. */
export function processStarted(pid: number): string | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

export function currentHolder(env: NodeJS.ProcessEnv = process.env): LeaseHolder {
  const started = processStarted(process.pid);
  return {
    host: hostname().slice(0, 64),
    key: hostKey(),
    pid: process.pid,
    ...(started ? { started } : {}),
    via: env.DEPLOY_KIT_CLI === '1' || env.GITHUB_ACTIONS !== 'true' ? 'cli' : 'github',
  };
}

export function onThisHost(holder: Pick<LeaseHolder, 'key'>): boolean {
  return holder.key === hostKey();
}

/** Whether the process runs, and is the same process (not a reused pid) when its start time is known. */
export function processAlive(pid: number, started?: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists, under another user.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (started === undefined) return true;
  const now = processStarted(pid);
  return now === undefined || now === started;
}

/** Whether any process of the group still runs: zombies left for a reaper that never comes do not count. */
export function groupAlive(pgid: number): boolean {
  if (!Number.isSafeInteger(pgid) || pgid <= 1) return false;
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return true; // no /proc: the signal's answer is all there is
  }
  return pids.some((pid) => {
    const stat = readText(`/proc/${pid}/stat`);
    if (!stat) return false;
    // After the command name: state, ppid, pgrp.
    const [state, , group] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(group) === pgid && state !== 'Z' && state !== 'X';
  });
}

/** Between SIGTERM and SIGKILL when a recorded command group is ended. */
export const GROUP_GRACE_MS = 10_000;

/**
 * Ends a process group: SIGTERM, then SIGKILL after the grace, until it is gone (or 5 s after SIGKILL).
 * Returns how it ended: it was gone already, it ended on SIGTERM, or it had to be killed.
 */
export async function endGroup(
  pgid: number,
  graceMs = GROUP_GRACE_MS,
): Promise<'gone' | 'terminated' | 'killed' | 'survived'> {
  if (!groupAlive(pgid)) return 'gone';
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-pgid, name);
    } catch {
      // gone meanwhile
    }
  };
  const waitGone = async (ms: number) => {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (!groupAlive(pgid)) return true;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return !groupAlive(pgid);
  };
  signal('SIGTERM');
  if (await waitGone(graceMs)) return 'terminated';
  signal('SIGKILL');
  return (await waitGone(5000)) ? 'killed' : 'survived';
}

/** Written into the description of a status so the GitHub ledger, which has no other place, keeps the group. */
const PGID_MARK = /\[pgid (\d+)\]/;

export function withPgid(description: string, pgid: number | undefined, max = 140): string {
  if (pgid === undefined) return description.slice(0, max);
  const mark = ` [pgid ${pgid}]`;
  return `${description.slice(0, max - mark.length)}${mark}`;
}

function isHolder(value: unknown): value is LeaseHolder {
  const h = value as Partial<LeaseHolder> | null;
  return (
    typeof h === 'object' &&
    h !== null &&
    typeof h.host === 'string' &&
    typeof h.key === 'string' &&
    typeof h.pid === 'number' &&
    (h.via === 'github' || h.via === 'cli')
  );
}

export function leaseOf(entry: DeploymentEntry): LeaseView {
  const times = [entry.createdAt, entry.lease?.renewedAt, entry.statuses[0]?.createdAt].filter(
    (t): t is string => typeof t === 'string' && !Number.isNaN(Date.parse(t)),
  );
  const renewedAt = times.reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a), entry.createdAt);
  let pgid = entry.lease?.pgid;
  if (pgid === undefined) {
    for (const status of entry.statuses) {
      const found = PGID_MARK.exec(status.description ?? '');
      if (found) {
        pgid = Number(found[1]);
        break;
      }
    }
  }
  const holder = entry.record?.holder;
  const run = entry.record?.run;
  return {
    ...(isHolder(holder) ? { holder } : {}),
    ...(run?.id ? { run: { id: run.id, attempt: run.attempt, url: run.url } } : {}),
    renewedAt,
    ...(pgid !== undefined ? { pgid } : {}),
  };
}

/** Asks GitHub about a workflow run attempt; undefined when it cannot say (unknown run, no access). */
export type RunAttemptStatus = (
  runId: string,
  attempt: string,
) => Promise<{ completed: boolean; at?: string } | undefined>;

export type LeaseVerdict =
  /** pgid: its command group still runs on this host; orphaned: though the holder process is dead. */
  | { gone: false; pgid?: number; orphaned?: boolean }
  | { gone: true; holder: string; since: string; how: string };

export function describeHolder(lease: LeaseView): string {
  if (lease.holder?.via === 'github' && lease.run?.url) return `run ${lease.run.url}`;
  if (lease.holder) return `${lease.holder.host} pid ${lease.holder.pid}`;
  return lease.run?.url ? `run ${lease.run.url}` : 'unknown holder';
}

/**
 * Whether a lease's holder is provably gone. Never while its recorded command group runs on this host
 * (`pgid` says which, to wait for); then: its process dead on this host, its workflow run attempt completed,
 * or no renewal within the lease time.
 */
export async function judgeLease(
  entry: DeploymentEntry,
  options: { now: number; leaseTimeoutMs: number; runStatus?: RunAttemptStatus },
): Promise<LeaseVerdict> {
  const lease = leaseOf(entry);
  const holder = lease.holder;
  const local = holder !== undefined && onThisHost(holder);
  if (local && lease.pgid !== undefined && groupAlive(lease.pgid)) {
    return { gone: false, pgid: lease.pgid, orphaned: !processAlive(holder.pid, holder.started) };
  }
  const who = describeHolder(lease);
  if (local && !processAlive(holder.pid, holder.started)) {
    return {
      gone: true,
      holder: `${holder.host} pid ${holder.pid}`,
      since: lease.renewedAt,
      how: 'its process is dead on this host',
    };
  }
  if (holder?.via === 'github' && lease.run && options.runStatus) {
    const run = await options.runStatus(lease.run.id, lease.run.attempt || '1').catch(() => undefined);
    if (run?.completed) {
      return {
        gone: true,
        holder: who,
        since: run.at ?? lease.renewedAt,
        how: 'its workflow run has completed',
      };
    }
  }
  const quiet = options.now - Date.parse(lease.renewedAt);
  if (quiet > options.leaseTimeoutMs) {
    return {
      gone: true,
      holder: who,
      since: lease.renewedAt,
      how: `not renewed for ${Math.round(quiet / 1000)} s (lease-timeout ${Math.round(options.leaseTimeoutMs / 1000)} s)`,
    };
  }
  return { gone: false };
}

/** The command that clears a lease by hand, named in every message about a lease that holds things up. */
export function unlockCommand(environment: string, id: string, ledger?: string): string {
  const where = ledger ? ` --ledger ${ledger}` : '';
  return `deploy-kit unlock --environment ${environment} --deployment ${id}${where}`;
}

export interface Abandoned {
  id: string;
  version: string;
  holder: string;
  since: string;
  how: string;
}

export function abandonedDescription(a: Pick<Abandoned, 'holder' | 'since'>): string {
  return `abandoned: holder ${a.holder} gone since ${a.since}`;
}

/**
 * Closes the open deploy-kit deployments among `entries` whose holder is provably gone, with `error` and
 * "abandoned: holder … gone since …". Returns those closed, and the live command groups that hold others.
 */
export async function clearAbandoned(
  entries: DeploymentEntry[],
  ledger: Ledger,
  options: { now: number; leaseTimeoutMs: number; runStatus?: RunAttemptStatus },
): Promise<{ abandoned: Abandoned[]; groups: Map<string, number>; orphans: Map<string, number> }> {
  const abandoned: Abandoned[] = [];
  const groups = new Map<string, number>();
  const orphans = new Map<string, number>();
  for (const entry of entries) {
    if (!entry.record || !OPEN.includes(entry.state)) continue;
    const verdict = await judgeLease(entry, options);
    if (!verdict.gone) {
      if (verdict.pgid !== undefined) groups.set(entry.id, verdict.pgid);
      if (verdict.pgid !== undefined && verdict.orphaned) orphans.set(entry.id, verdict.pgid);
      continue;
    }
    // The holder may have finished its deployment and exited between the read and the judgment: only a
    // deployment still open now is abandoned, never one that just went live.
    const now = await ledger.get(entry.id);
    if (!now || !OPEN.includes(now.state)) continue;
    const closed: Abandoned = {
      id: entry.id,
      version: entry.record.version,
      holder: verdict.holder,
      since: verdict.since,
      how: verdict.how,
    };
    await ledger.setStatus(entry.id, { state: 'error', description: abandonedDescription(closed) });
    abandoned.push(closed);
  }
  return { abandoned, groups, orphans };
}

/**
 * Reads the history until no open deployment in it has a holder that is gone: abandoned ones are closed, and
 * a command group a dead holder left running on this host is waited for (up to `waitMs`), since what it
 * deploys decides what is live. Deployments whose holder lives are left to the deploy engine's turn-taking. For a step that plans from the history before it deploys (a rollback).
 */
export async function settleAbandoned(
  read: () => Promise<DeploymentEntry[]>,
  ledger: Ledger,
  options: {
    leaseTimeoutMs: number;
    runStatus?: RunAttemptStatus;
    waitMs: number;
    signal?: AbortSignal;
    log: (message: string) => void;
    sleep?: (ms: number) => Promise<void>;
  },
): Promise<{ history: DeploymentEntry[]; abandoned: Abandoned[] }> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const started = Date.now();
  const abandoned: Abandoned[] = [];
  for (;;) {
    const history = await read();
    const cleared = await clearAbandoned(history, ledger, { ...options, now: Date.now() });
    abandoned.push(...cleared.abandoned);
    if (cleared.abandoned.length > 0) continue;
    const waited = Date.now() - started;
    if (cleared.orphans.size === 0 || waited >= options.waitMs || options.signal?.aborted) {
      return { history, abandoned };
    }
    const [id, pgid] = [...cleared.orphans][0]!;
    options.log(
      `waiting for the deploy command of deployment ${id} (process group ${pgid}) to end: its holder is gone, but it still runs on this host (${Math.round(waited / 1000)} s so far)`,
    );
    await sleep(Math.min(1000, options.waitMs - waited));
  }
}

/**
 * Renews a lease while the work runs: a fresh status (or the file ledger's renewed-at) every interval, and
 * at once when the command's process group is known. Writes never overlap, and none lands after `stop()`.
 */
export class LeaseKeeper {
  #timer: NodeJS.Timeout | undefined;
  #busy: Promise<void> = Promise.resolve();
  #stopped = false;
  #state: 'queued' | 'in_progress' = 'queued';
  #description: string;
  #pgid: number | undefined;

  constructor(
    private readonly ledger: Ledger,
    private readonly id: string,
    private readonly intervalMs: number,
    description: string,
    private readonly onError: (error: Error) => void = () => {},
  ) {
    this.#description = description;
  }

  start(): void {
    this.#timer = setInterval(() => void this.renew(), this.intervalMs);
    this.#timer.unref();
  }

  /**
   * The turn came: writes the in_progress status after any renewal in flight (never before it, so a late
   * `queued` cannot follow it), and renewals say in_progress from now on. Its failure is the caller's.
   */
  working(description: string, logUrl?: string): Promise<void> {
    this.#state = 'in_progress';
    this.#description = description;
    const write = this.#busy.then(() =>
      this.ledger.setStatus(this.id, {
        state: 'in_progress',
        description: description.slice(0, 140),
        ...(logUrl ? { logUrl } : {}),
      }),
    );
    this.#busy = write.catch(() => {});
    return write;
  }

  /** The command runs in process group `pgid`: recorded at once. */
  group(pgid: number): Promise<void> {
    this.#pgid = pgid;
    return this.renew();
  }

  renew(): Promise<void> {
    if (this.#stopped) return this.#busy;
    // What to say is fixed now: a renewal queued before the turn came still says queued.
    const [state, description, pgid] = [this.#state, this.#description, this.#pgid];
    this.#busy = this.#busy.then(async () => {
      if (this.#stopped) return;
      try {
        if (this.ledger.renew) {
          await this.ledger.renew(this.id, { ...(pgid !== undefined ? { pgid } : {}) });
        } else {
          await this.ledger.setStatus(this.id, { state, description: withPgid(description, pgid) });
        }
      } catch (error) {
        this.onError(error as Error);
      }
    });
    return this.#busy;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.#busy;
  }
}
