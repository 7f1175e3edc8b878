// The job summary of insights: the four keys and their bands in a table, deployments per week as a Mermaid
// bar chart, the failures with why they count and how they were restored; outputs per key; a warning
// annotation for each failure not restored yet.
import { failureLine, formatSpan, keyLines, notCountedLine } from '../../insights/format.js';
import type { Insights } from '../../insights/types.js';
import * as core from '../kit/core.js';
import { footer, table } from '../kit/markdown.js';

const BAND_ICON: Record<string, string> = { elite: '🟢', high: '🔵', medium: '🟡', low: '🔴', 'n/a': '⚪' };
const HOUR = 3_600_000;

export function writeOutputs(insights: Insights, report: string | undefined): void {
  const { frequency: f, leadTime: l, changeFailureRate: c, timeToRestore: r } = insights;
  const hours = (ms: number | undefined) =>
    ms === undefined ? '' : String(Math.round((ms / HOUR) * 100) / 100);
  core.setOutput('deployment-frequency', String(Math.round(f.perWeek * 1000) / 1000));
  core.setOutput('deployment-frequency-band', f.band ?? '');
  core.setOutput('lead-time-hours', hours(l.medianMs));
  core.setOutput('lead-time-band', l.band ?? '');
  core.setOutput(
    'change-failure-rate',
    c.rate === undefined ? '' : String(Math.round(c.rate * 10_000) / 10_000),
  );
  core.setOutput('change-failure-rate-band', c.band ?? '');
  core.setOutput('time-to-restore-hours', hours(r.medianMs));
  core.setOutput('time-to-restore-band', r.band ?? '');
  core.setOutput('insights', JSON.stringify(insights));
  core.setOutput('report', report ?? '');
}

export function annotate(insights: Insights): void {
  for (const failure of insights.failures) {
    if (failure.restoredBy) continue;
    core.warning(`${insights.environment}: ${failureLine(failure)}`, {
      title: `insights: ${failure.version} failed in ${insights.environment}, not restored yet`,
    });
  }
}

/** Deployments per week as a Mermaid bar chart (labels are the weeks' first days). */
export function weeklyChart(insights: Insights): string {
  const weeks = insights.weeks;
  const top = Math.max(1, ...weeks.map((w) => w.deployments));
  return [
    '```mermaid',
    'xychart-beta',
    '  title "Deployments per week"',
    `  x-axis [${weeks.map((w) => `"${w.start.slice(5)}"`).join(', ')}]`,
    `  y-axis "deployments" 0 --> ${top}`,
    `  bar [${weeks.map((w) => w.deployments).join(', ')}]`,
    '```',
  ].join('\n');
}

export function insightsSummary(insights: Insights, facts: string[]): string {
  const keys = keyLines(insights);
  const lines = [
    `## Delivery insights: ${insights.environment}`,
    '',
    `${insights.period.since.slice(0, 10)} to ${insights.period.until.slice(0, 10)} (${Math.round(insights.days)} days); bands by the ${insights.report}.`,
    '',
    table(
      ['Key', 'Value', 'Band', 'Detail'],
      keys.map((k) => [k.name, k.value, `${BAND_ICON[k.band] ?? ''} ${k.band}`, `${k.detail} (${k.why})`]),
    ),
    '',
    weeklyChart(insights),
    '',
  ];
  if (insights.failures.length > 0) {
    lines.push(
      '### Failures and restores',
      '',
      table(
        ['Version', 'Deployment', 'Why it counts', 'Restored by', 'Time to restore'],
        insights.failures.map((f) => [
          f.version,
          f.deploymentId,
          f.why,
          f.restoredBy ? `${f.restoredBy.version} (${f.restoredBy.deploymentId})` : 'not yet',
          f.restoreMs === undefined ? '–' : formatSpan(f.restoreMs),
        ]),
      ),
      '',
    );
  }
  const notCounted = notCountedLine(insights);
  if (notCounted) lines.push(notCounted, '');
  lines.push(footer('insights', [...facts, insights.source.commits].filter(Boolean)));
  return `${lines.join('\n')}\n`;
}
