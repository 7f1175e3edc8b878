// Reading the record: one environment's deployments from a ledger (file or GitHub, newest first a page at a
// time), read back only as far as the period needs, then each sorted into what it counts as. Only deploy-kit's
// own deployments count (GitHub opens one for every job that names an environment); a deployment counts from
// its first success status, when it went live.
import { type DeploymentEntry, type Ledger, OPEN_STATES, versionOf } from '../ledger/types.js';
import { inPeriod } from './period.js';
import type { Delivery, DeliveryRecord, Period } from './types.js';

/** The most deployments read for one period (the GitHub ledger: 100 per GraphQL call). */
export const DEFAULT_READ_LIMIT = 10_000;

/** Reads what the record says happened in `environment` during `period` (and the last delivery before it). */
export async function readRecord(
  ledger: Ledger,
  environment: string,
  period: Period,
  options: { limit?: number; signal?: AbortSignal } = {},
): Promise<DeliveryRecord> {
  const limit = options.limit ?? DEFAULT_READ_LIMIT;
  const entries: DeploymentEntry[] = [];
  const since = Date.parse(period.since);
  /** Done when a page reaches before the period and holds a delivery live before it (the baseline). */
  const reachedBaseline = () =>
    entries.some((entry) => {
      const live = firstSuccess(entry);
      return entry.record !== undefined && live !== undefined && Date.parse(live) < since;
    });
  if (ledger.historyPages) {
    for await (const page of ledger.historyPages(environment, { limit })) {
      // A cancelled job reads no further page: a long history is 100 calls.
      options.signal?.throwIfAborted();
      entries.push(...page.entries);
      if (reachedBaseline()) break;
    }
  } else {
    entries.push(...(await ledger.history(environment, { limit })));
  }
  return sortRecord(environment, period, entries, ledger.kind);
}

/** Sorts a history (any order) into deliveries and what is not counted; pure, for tests and both ledgers. */
export function sortRecord(
  environment: string,
  period: Period,
  history: DeploymentEntry[],
  kind: 'github' | 'file',
): DeliveryRecord {
  const oldestFirst = [...history].sort(
    (a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || Number(a.id) - Number(b.id),
  );
  const notCounted: DeliveryRecord['notCounted'] = { inProgress: [], neverLive: [], notDeployKit: [] };
  const rollbacksStarted: DeliveryRecord['rollbacksStarted'] = [];
  const live: { entry: DeploymentEntry; liveAt: string }[] = [];
  for (const entry of oldestFirst) {
    const during = inPeriod(period, entry.createdAt);
    if (!entry.record) {
      if (during) notCounted.notDeployKit.push(entry.id);
      continue;
    }
    const rollback = entry.record.rollback;
    if (rollback) {
      rollbacksStarted.push({
        id: entry.id,
        fromDeploymentId: rollback.fromDeploymentId,
        reason: rollback.reason,
        createdAt: canonical(entry.createdAt),
      });
    }
    const liveAt = firstSuccess(entry);
    if (liveAt === undefined) {
      if (during)
        (OPEN_STATES.includes(entry.state) ? notCounted.inProgress : notCounted.neverLive).push(entry.id);
      continue;
    }
    if (Date.parse(liveAt) >= Date.parse(period.until)) continue;
    live.push({ entry, liveAt });
  }
  // In the order they went live: what each replaced is the one live just before it.
  live.sort((a, b) => Date.parse(a.liveAt) - Date.parse(b.liveAt) || Number(a.entry.id) - Number(b.entry.id));
  const deliveries: Delivery[] = [];
  for (const { entry, liveAt } of live) {
    const previous = deliveries.at(-1);
    const version = versionOf(entry);
    const rollback = entry.record?.rollback;
    const kind: Delivery['kind'] = rollback
      ? 'rollback'
      : previous && previous.version === version
        ? 'redeploy'
        : 'change';
    deliveries.push({
      id: entry.id,
      version,
      sha: entry.sha,
      createdAt: canonical(entry.createdAt),
      liveAt: canonical(liveAt),
      kind,
      ...(rollback
        ? { rollback: { fromDeploymentId: rollback.fromDeploymentId, reason: rollback.reason } }
        : {}),
      laterFailures: failuresAfter(entry, liveAt),
    });
  }
  const before = deliveries.filter((d) => Date.parse(d.liveAt) < Date.parse(period.since));
  const baseline = before.at(-1);
  return {
    environment,
    period,
    deliveries: baseline ? deliveries.slice(before.length - 1) : deliveries,
    ...(baseline ? { baseline } : {}),
    rollbacksStarted,
    notCounted,
    source: { kind, deploymentsRead: history.length },
  };
}

/** The time of a deployment's first success status (statuses are newest first). */
export function firstSuccess(entry: DeploymentEntry): string | undefined {
  let first: string | undefined;
  for (const status of entry.statuses) {
    if (
      status.state === 'success' &&
      (first === undefined || Date.parse(status.createdAt) < Date.parse(first))
    )
      first = status.createdAt;
  }
  return first;
}

/** failure/error statuses written after the deployment went live: a post-deploy check marked it failed. */
function failuresAfter(entry: DeploymentEntry, liveAt: string): Delivery['laterFailures'] {
  return entry.statuses
    .filter(
      (s) => (s.state === 'failure' || s.state === 'error') && Date.parse(s.createdAt) > Date.parse(liveAt),
    )
    .map((s) => ({
      state: s.state,
      at: canonical(s.createdAt),
      ...(s.description ? { description: s.description } : {}),
    }))
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

/** Times as this machine writes them (`…T10:00:00.000Z`), whichever ledger wrote them. */
function canonical(iso: string): string {
  return new Date(iso).toISOString();
}
