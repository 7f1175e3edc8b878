// How the keys read for people, the same in the table, the job summary and the page.
import type { Insights } from './types.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** `45 min`, `13 h`, `42.5 h`, `3.5 d`. */
export function formatSpan(ms: number): string {
  if (ms < HOUR) return `${Math.round(ms / MINUTE)} min`;
  if (ms < 2 * DAY) return `${round1(ms / HOUR)} h`;
  return `${round1(ms / DAY)} d`;
}

export function formatPercent(rate: number): string {
  return `${round1(rate * 100)}%`;
}

function round1(value: number): string {
  return String(Math.round(value * 10) / 10);
}

export interface KeyLine {
  key: 'deployment-frequency' | 'lead-time' | 'change-failure-rate' | 'time-to-restore';
  name: string;
  value: string;
  detail: string;
  band: string;
  why: string;
}

/** The four keys as lines: the headline value, its detail, the band and why. */
export function keyLines(insights: Insights): KeyLine[] {
  const { frequency: f, leadTime: l, changeFailureRate: c, timeToRestore: r } = insights;
  return [
    {
      key: 'deployment-frequency',
      name: 'Deployment frequency',
      value: `${round1(f.perWeek)} a week`,
      detail: `${f.deployments} deployment${f.deployments === 1 ? '' : 's'}, ${f.daysWithDeployment} day${f.daysWithDeployment === 1 ? '' : 's'} with one; ${f.redeploys} redeploy(s) and ${f.rollbacks} rollback(s) not counted`,
      band: f.band ?? 'n/a',
      why: f.why,
    },
    {
      key: 'lead-time',
      name: 'Lead time for changes',
      value: l.medianMs === undefined ? 'n/a' : `${formatSpan(l.medianMs)} median`,
      detail:
        l.p90Ms === undefined
          ? `no commit reached ${insights.environment}`
          : `p90 ${formatSpan(l.p90Ms)} over ${l.commits} commit${l.commits === 1 ? '' : 's'}`,
      band: l.band ?? 'n/a',
      why: l.why,
    },
    {
      key: 'change-failure-rate',
      name: 'Change failure rate',
      value: c.rate === undefined ? 'n/a' : formatPercent(c.rate),
      detail: `${c.failures} of ${c.deployments} deployment${c.deployments === 1 ? '' : 's'} failed`,
      band: c.band ?? 'n/a',
      why: c.why,
    },
    {
      key: 'time-to-restore',
      name: 'Time to restore',
      value: r.medianMs === undefined ? 'n/a' : `${formatSpan(r.medianMs)} median`,
      detail:
        r.maxMs === undefined
          ? `${r.unrestored} not restored`
          : `max ${formatSpan(r.maxMs)}; ${r.restored} restored, ${r.unrestored} not yet`,
      band: r.band ?? 'n/a',
      why: r.why,
    },
  ];
}

/** One failure in a line: what failed, why it counts, and how it ended. */
export function failureLine(failure: Insights['failures'][number]): string {
  const restored = failure.restoredBy
    ? `restored by ${failure.restoredBy.version} (deployment ${failure.restoredBy.deploymentId}) after ${formatSpan(failure.restoreMs ?? 0)}`
    : 'not restored yet';
  return `${failure.version} (deployment ${failure.deploymentId}, live ${shortTime(failure.liveAt)}): ${failure.why}; ${restored}`;
}

/** `2026-03-05 00:00` (UTC). */
export function shortTime(iso: string): string {
  return new Date(iso).toISOString().slice(0, 16).replace('T', ' ');
}

export function notCountedLine(insights: Insights): string | undefined {
  const { inProgress, neverLive, notDeployKit } = insights.notCounted;
  const parts = [
    inProgress.length > 0 ? `${inProgress.length} in progress (${inProgress.join(', ')})` : '',
    neverLive.length > 0 ? `${neverLive.length} never went live (${neverLive.join(', ')})` : '',
    notDeployKit.length > 0 ? `${notDeployKit.length} not made by deploy-kit` : '',
  ].filter(Boolean);
  return parts.length > 0 ? `Not counted: ${parts.join('; ')}` : undefined;
}
