// The four keys of one environment for a period: the record read (record.ts), the commits it delivered read
// (the local git history when it holds them, else GitHub's), then each key computed by its own module.
import type { Ledger } from '../ledger/types.js';
import { DORA_REPORT } from './bands.js';
import type { CommitGraph, CommitHistory } from './commit-graph.js';
import { changeFailureRate, changeFailures } from './failures.js';
import { deploymentFrequency } from './frequency.js';
import { commitLeads, leadTime } from './lead-time.js';
import { inPeriod, periodDays } from './period.js';
import { readRecord } from './record.js';
import { timeToRestore, withRestores } from './restore.js';
import type { DeliveryRecord, Insights, Period } from './types.js';
import { weekByWeek } from './weeks.js';

const DAY_MS = 86_400_000;
/** How far before the baseline the GitHub history looks for commits a delivery brought (default). */
export const DEFAULT_LOOKBACK_DAYS = 30;

export interface InsightsOptions {
  /** Histories to try in turn: the first that holds the delivered commits is used. */
  histories: CommitHistory[];
  lookbackDays?: number;
  /** The most deployments read. */
  limit?: number;
  /** Aborted when the job is cancelled: reading stops between calls. */
  signal?: AbortSignal;
}

export async function deliveryInsights(
  ledger: Ledger,
  environment: string,
  period: Period,
  options: InsightsOptions,
): Promise<Insights> {
  const record = await readRecord(ledger, environment, period, {
    limit: options.limit,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  options.signal?.throwIfAborted();
  const graph = await readCommits(record, options);
  options.signal?.throwIfAborted();
  return computeInsights(record, graph);
}

/** The commits the period's deliveries brought, from the first history that holds them all (or the last). */
export async function readCommits(record: DeliveryRecord, options: InsightsOptions): Promise<CommitGraph> {
  const during = record.deliveries.filter((d) => d !== record.baseline && inPeriod(record.period, d.liveAt));
  if (during.length === 0 || options.histories.length === 0) {
    return {
      commits: new Map(),
      describe: during.length === 0 ? 'no delivery, no commit read' : 'no history to read',
      missing: [],
    };
  }
  const first = record.deliveries[0]!;
  const lookback = (options.lookbackDays ?? DEFAULT_LOOKBACK_DAYS) * DAY_MS;
  const from = record.baseline ? Date.parse(record.baseline.liveAt) : Date.parse(first.liveAt);
  const request = {
    // Rollbacks redeploy older commits: the newest change's commit goes last, the one GitHub's history starts from.
    heads: [
      ...new Set(
        [
          ...record.deliveries.filter((d) => d.kind === 'rollback'),
          ...record.deliveries.filter((d) => d.kind !== 'rollback'),
        ]
          .filter((d) => d !== record.baseline)
          .map((d) => d.sha),
      ),
    ],
    exclude: record.baseline ? [record.baseline.sha] : [`${first.sha}^@`],
    notBefore: new Date(from - lookback).toISOString(),
    until: record.period.until,
  };
  let graph: CommitGraph | undefined;
  for (const history of options.histories) {
    graph = await history.read(request);
    if (graph.missing.length === 0) return graph;
  }
  return graph!;
}

/** The four keys from a record and its commits; pure. */
export function computeInsights(record: DeliveryRecord, graph: CommitGraph): Insights {
  const leads = commitLeads(record, graph);
  const failures = withRestores(record, changeFailures(record));
  return {
    environment: record.environment,
    period: record.period,
    days: periodDays(record.period),
    report: DORA_REPORT,
    frequency: deploymentFrequency(record),
    leadTime: leadTime(leads, graph),
    changeFailureRate: changeFailureRate(record, failures),
    timeToRestore: timeToRestore(failures, record.period.until),
    failures,
    deployments: record.deliveries
      .filter((d) => inPeriod(record.period, d.liveAt))
      .map((d) => ({ id: d.id, version: d.version, sha: d.sha, liveAt: d.liveAt, kind: d.kind })),
    weeks: weekByWeek(record, leads, failures),
    notCounted: record.notCounted,
    source: {
      ...record.source,
      commits:
        graph.describe +
        (graph.missing.length > 0 ? `; ${graph.missing.length} delivered commit(s) not found` : ''),
    },
  };
}
