// Change failure rate: of the changes that went live in the period, those that failed there, each with why:
// rolled back (by hand, by the release after a failed smoke test, by canary-promote after an abort), or marked
// failure/error after going live (a post-deploy check). A failure of a redeploy of a version is the failure of
// the change that brought the version in; a rollback started counts even when the rollback itself failed.
import { failureRateBand } from './bands.js';
import { inPeriod } from './period.js';
import type { ChangeFailure, Delivery, DeliveryRecord, FailureKind, Insights } from './types.js';

/** The failures of the period's changes, oldest first, without their restores (restore.ts adds those). */
export function changeFailures(record: DeliveryRecord): ChangeFailure[] {
  const byId = new Map(record.deliveries.map((d) => [d.id, d]));
  const evidence = new Map<string, Omit<ChangeFailure, 'restoredBy' | 'restoreMs'>>();
  const note = (change: Delivery | undefined, kind: FailureKind, failedAt: string, why: string) => {
    if (!change || !inPeriod(record.period, change.liveAt)) return;
    const known = evidence.get(change.id);
    // The earliest sign is when the failure was known.
    if (known && Date.parse(known.failedAt) <= Date.parse(failedAt)) return;
    evidence.set(change.id, {
      deploymentId: change.id,
      version: change.version,
      liveAt: change.liveAt,
      kind,
      failedAt,
      why,
    });
  };
  for (const rollback of record.rollbacksStarted) {
    const from = byId.get(rollback.fromDeploymentId);
    if (!from) continue;
    note(
      changeOf(record.deliveries, from),
      kindOfReason(rollback.reason),
      rollback.createdAt,
      `rolled back by deployment ${rollback.id}: ${rollback.reason}`,
    );
  }
  for (const delivery of record.deliveries) {
    const first = delivery.laterFailures[0];
    if (!first || delivery.kind === 'rollback') continue;
    const what = delivery.kind === 'redeploy' ? ` (its redeploy ${delivery.id})` : '';
    note(
      changeOf(record.deliveries, delivery),
      'failed-after-live',
      first.at,
      `marked ${first.state} after it went live${what}${first.description ? `: ${first.description}` : ''}`,
    );
  }
  return [...evidence.values()].sort((a, b) => Date.parse(a.liveAt) - Date.parse(b.liveAt));
}

/** The change that brought a delivery's version in: itself, or for a redeploy the change before it. */
function changeOf(deliveries: Delivery[], delivery: Delivery): Delivery | undefined {
  if (delivery.kind === 'change') return delivery;
  if (delivery.kind === 'rollback') return undefined;
  const index = deliveries.indexOf(delivery);
  for (let i = index - 1; i >= 0; i -= 1) {
    const earlier = deliveries[i]!;
    if (earlier.version !== delivery.version) return undefined;
    if (earlier.kind === 'change') return earlier;
  }
  return undefined;
}

/** What the rollback's recorded reason says started it (the words canary-promote and the release write). */
export function kindOfReason(reason: string): FailureKind {
  if (/^canary .+ aborted/.test(reason)) return 'canary-aborted';
  if (/smoke test/i.test(reason)) return 'smoke-failed';
  return 'rolled-back';
}

export function changeFailureRate(
  record: DeliveryRecord,
  failures: ChangeFailure[],
): Insights['changeFailureRate'] {
  const deployments = record.deliveries.filter(
    (d) => d.kind === 'change' && inPeriod(record.period, d.liveAt),
  ).length;
  const rate = deployments === 0 ? undefined : failures.length / deployments;
  return {
    failures: failures.length,
    deployments,
    ...(rate !== undefined ? { rate } : {}),
    ...failureRateBand(rate),
  };
}
