// The four keys week by week (weeks of 7 days from the period's start), for the report's charts: changes live
// that week, the median lead time of the commits they brought, the share of them that failed, and the median
// time to restore of those failures.
import { median } from './stats.js';
import type { ChangeFailure, CommitLead, DeliveryRecord, WeekPoint } from './types.js';

const WEEK_MS = 7 * 86_400_000;
const HOUR_MS = 3_600_000;

export function weekByWeek(
  record: DeliveryRecord,
  leads: CommitLead[],
  failures: ChangeFailure[],
): WeekPoint[] {
  const start = Date.parse(record.period.since);
  const count = Math.max(1, Math.ceil((Date.parse(record.period.until) - start) / WEEK_MS));
  const weekOf = (at: string) => Math.floor((Date.parse(at) - start) / WEEK_MS);
  const liveAt = new Map(record.deliveries.map((d) => [d.id, d.liveAt]));
  const weeks = Array.from({ length: count }, (_, i) => ({
    start: new Date(start + i * WEEK_MS).toISOString().slice(0, 10),
    changes: 0,
    leads: [] as number[],
    failed: 0,
    restores: [] as number[],
  }));
  for (const d of record.deliveries) {
    const week = weeks[weekOf(d.liveAt)];
    if (week && d.kind === 'change') week.changes += 1;
  }
  for (const lead of leads)
    weeks[weekOf(liveAt.get(lead.deploymentId) ?? lead.committedAt)]?.leads.push(lead.leadMs);
  for (const failure of failures) {
    const week = weeks[weekOf(failure.liveAt)];
    if (!week) continue;
    week.failed += 1;
    if (failure.restoreMs !== undefined) week.restores.push(failure.restoreMs);
  }
  return weeks.map((w): WeekPoint => {
    const lead = median(w.leads);
    const restore = median(w.restores);
    return {
      start: w.start,
      deployments: w.changes,
      ...(lead !== undefined ? { leadMedianHours: lead / HOUR_MS } : {}),
      ...(w.changes > 0 ? { failureRate: w.failed / w.changes } : {}),
      ...(restore !== undefined ? { restoreMedianHours: restore / HOUR_MS } : {}),
    };
  });
}
