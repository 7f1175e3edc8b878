// Time to restore: from when a change's failure was known to the next delivery, live after it, of another
// version that did not itself fail (the rollback's redeploy, or a fix rolled forward). A failure with no such
// delivery by the period's end is unrestored: it counts with the time it has lasted so far (at least that
// long), so a failure left broken never makes the median or the band read better than leaving it out would.
import { restoreBand } from './bands.js';
import { median } from './stats.js';
import type { ChangeFailure, DeliveryRecord, Insights } from './types.js';

export function withRestores(record: DeliveryRecord, failures: ChangeFailure[]): ChangeFailure[] {
  const failed = new Set(failures.map((f) => f.deploymentId));
  const live = record.deliveries.map((d) => ({ delivery: d, at: Date.parse(d.liveAt) }));
  return failures.map((failure) => {
    const failedAt = Date.parse(failure.failedAt);
    const restoredBy = live.find(
      ({ delivery, at }) =>
        at >= failedAt && delivery.version !== failure.version && !failed.has(delivery.id),
    );
    if (!restoredBy) return failure;
    return {
      ...failure,
      restoredBy: {
        deploymentId: restoredBy.delivery.id,
        version: restoredBy.delivery.version,
        at: restoredBy.delivery.liveAt,
      },
      restoreMs: restoredBy.at - failedAt,
    };
  });
}

export function timeToRestore(failures: ChangeFailure[], until: string): Insights['timeToRestore'] {
  const times = failures.map((f) => f.restoreMs ?? Math.max(0, Date.parse(until) - Date.parse(f.failedAt)));
  const unrestored = failures.filter((f) => f.restoreMs === undefined).length;
  const medianMs = median(times);
  return {
    restored: failures.length - unrestored,
    unrestored,
    ...(medianMs !== undefined ? { medianMs, maxMs: Math.max(...times) } : {}),
    ...restoreBand(medianMs, unrestored),
  };
}
