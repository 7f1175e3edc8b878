// Deployment frequency: changes that went live in the period (redeploys of the live version and rollbacks
// are counted apart: neither delivers a change), per day and per week, and the days (UTC) with one.
import { frequencyBand } from './bands.js';
import { inPeriod, periodDays } from './period.js';
import type { DeliveryRecord, Insights } from './types.js';

export function deploymentFrequency(record: DeliveryRecord): Insights['frequency'] {
  const during = record.deliveries.filter((d) => inPeriod(record.period, d.liveAt));
  const changes = during.filter((d) => d.kind === 'change');
  const days = periodDays(record.period);
  const perDay = changes.length / days;
  return {
    deployments: changes.length,
    perDay,
    perWeek: perDay * 7,
    daysWithDeployment: new Set(changes.map((d) => new Date(d.liveAt).toISOString().slice(0, 10))).size,
    redeploys: during.filter((d) => d.kind === 'redeploy').length,
    rollbacks: during.filter((d) => d.kind === 'rollback').length,
    ...frequencyBand(perDay),
  };
}
