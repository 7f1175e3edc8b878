// The watch's job summary: what it watched and its window (start, end, elapsed, a Mermaid timeline), what
// was compared, the verdict so far per metric, and the rollback when one ran; plus the annotation a breach
// or a fault leaves on the run.
import type { MetricJudgment } from '../../analysis/types.js';
import { formatDuration } from '../../common/durations.js';
import { versionOf } from '../../ledger/types.js';
import type { WatchReport, WatchStatus } from '../../watch/watch.js';
import * as core from '../kit/core.js';
import { footer, table } from '../kit/markdown.js';

export const HEADING: Record<WatchStatus, string> = {
  'nothing-to-watch': '💤 Nothing to watch',
  'outside-window': '💤 Outside the watch window',
  healthy: '✅ Healthy so far',
  watching: '⏳ Watching: not judged yet',
  'rolled-back': '↩️ Breach: rolled back',
  breached: '❌ Breach (rollback off)',
  'rollback-failed': '❌ Breach: the rollback did not go live',
  'source-error': '⚠️ The metric source could not answer',
};

const VERDICT: Record<string, string> = {
  pass: '✅ pass',
  fail: '❌ fail',
  continue: '⏳ continue',
  inconclusive: '❔ inconclusive',
  'no-data': '∅ no data',
};

const iso = (ms: number) => new Date(ms).toISOString();

function value(metric: MetricJudgment, side: number | null): string {
  if (side === null || !Number.isFinite(side)) return '–';
  const rounded = (x: number) => String(Number(x.toPrecision(3)));
  return metric.metric === 'latency' ? `${rounded(side)} ms` : `${rounded(side * 100)}%`;
}

/** The window on a timeline: live since, now, window end. */
function timeline(report: WatchReport): string[] {
  const { window, release } = report;
  if (!window || !release) return [];
  const end = Math.min(Date.now(), window.endMs);
  return [
    '```mermaid',
    'gantt',
    `  title ${versionOf(release)} in its watch window`,
    '  dateFormat x',
    '  axisFormat %m-%d %H:%M',
    `  watched so far :done, ${window.startMs}, ${Math.max(end, window.startMs + 1)}`,
    ...(window.inside ? [`  still to watch :active, ${end}, ${window.endMs}`] : []),
    '```',
    '',
  ];
}

export function watchSummary(report: WatchReport, facts: string[]): string {
  const lines = [`## ${HEADING[report.status]}: ${report.environment}`, '', report.message, ''];
  const { release, previous, window, judgment, observation, rollback } = report;
  if (release && window) {
    lines.push(
      table(
        ['', ''],
        [
          ['Release', `${versionOf(release)} (deployment ${release.id})`],
          ['Compared with', previous ? `${versionOf(previous)} (deployment ${previous.id})` : '–'],
          ['Window start (went live)', iso(window.startMs)],
          ['Window end', iso(window.endMs)],
          ['Elapsed', `${formatDuration(window.elapsedMs)}${window.inside ? '' : ' (window closed)'}`],
          ...(judgment ? [['What was compared', judgment.compared]] : []),
        ],
      ),
      '',
      ...timeline(report),
    );
  }
  if (judgment && judgment.metrics.length > 0) {
    lines.push(
      '### Verdict so far',
      '',
      table(
        ['Metric', 'Samples (previous / release)', 'Previous', 'Release', 'Limit', 'Verdict', 'Why'],
        judgment.metrics.map((metric) => [
          metric.metric,
          `${metric.samples.baseline} / ${metric.samples.canary}`,
          value(metric, metric.baseline),
          value(metric, metric.canary),
          metric.threshold,
          VERDICT[metric.verdict] ?? metric.verdict,
          metric.reason,
        ]),
      ),
      '',
    );
  }
  if (judgment && judgment.checks.length > 0) {
    lines.push(
      '### Limits',
      '',
      table(
        ['Limit', 'Release', 'Verdict'],
        judgment.checks.map((check) => [
          check.rule,
          check.reason,
          check.breached ? '❌ breached' : '✅ within',
        ]),
      ),
      '',
    );
  }
  if (observation && observation.notes.length > 0)
    lines.push('**Notes from the metric source:**', '', ...observation.notes.map((note) => `- ${note}`), '');
  if (rollback && rollback.result !== 'failed')
    lines.push(
      `**Rollback:** to ${rollback.toVersion}, deployment ${rollback.deploymentId}${rollback.result === 'answered' ? ' (made by another run for the same breach: no second step back)' : ''}.`,
      '',
    );
  lines.push(footer('watch', facts));
  return lines.join('\n');
}

/** A breach, a failed rollback or a silent source is worth an annotation on the run; the rest is a notice. */
export function annotate(report: WatchReport): void {
  const message = `watch: ${report.message}`;
  if (report.status === 'rolled-back' || report.status === 'breached') core.warning(message);
  else if (report.status === 'rollback-failed' || report.status === 'source-error') core.setFailed(message);
  else core.info(message);
}
