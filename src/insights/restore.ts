// Time to restore: from when a change's failure was known to the next delivery, live after it, of another
// version that did not itself fail (the rollback's redeploy, or a fix rolled forward). A failure with no such
// delivery yet is unrestored: listed, left out of the median, and it keeps the band from reading better.
import { restoreBand } from './bands.js';
import { median } from './stats.js';
import type { ChangeFailure, DeliveryRecord, Insights } from './types.js';

export function withRestores(record: DeliveryRecord, failures: ChangeFailure[]): ChangeFailure[] {
  const failed = new Set(failures.map((f) => f.deploymentId));
  return failures.map((failure) => {
    const restoredBy = record.deliveries.find(
      (d) =>
        Date.parse(d.liveAt) >= Date.parse(failure.failedAt) &&
        d.version !== failure.version &&
        !failed.has(d.id),
    );
    if (!restoredBy) return failure;
    return {
      ...failure,
      restoredBy: { deploymentId: restoredBy.id, version: restoredBy.version, at: restoredBy.liveAt },
      restoreMs: Date.parse(restoredBy.liveAt) - Date.parse(failure.failedAt),
    };
  });
}

export function timeToRestore(failures: ChangeFailure[]): Insights['timeToRestore'] {
  const times = failures.flatMap((f) => (f.restoreMs === undefined ? [] : [f.restoreMs]));
  const unrestored = failures.length - times.length;
  const medianMs = median(times);
  return {
    restored: times.length,
    unrestored,
    ...(medianMs !== undefined ? { medianMs, maxMs: Math.max(...times) } : {}),
    ...restoreBand(medianMs, unrestored),
  };
}
