// The canary's job summary: the outcome, every step's judgment per metric (samples, values, statistic,
// interval or p-value, threshold, verdict and reason), Mermaid charts of p95 latency and error rate across
// the steps, and the rollback when one ran.
import type { MetricJudgment, Statistic } from '../../analysis/types.js';
import type { BlueGreenReport } from '../../canary/blue-green.js';
import type { CleanupResult } from '../../canary/cleanup.js';
import type { RolloutReport, StepReport } from '../../canary/report.js';
import { describeSteps } from '../../canary/steps.js';
import type { RolloutSettings } from '../../canary/types.js';
import { formatDuration } from '../../common/durations.js';
import { type RollbackOutcome, type RollbackSettings, whyNoRollback } from '../../rollback/run.js';
import { footer, table } from '../kit/markdown.js';
import { dryRunSummary, outcomeSummary } from '../kit/rollback-summary.js';

const HEADING: Record<RolloutReport['status'], string> = {
  promoted: '✅ Canary promoted',
  aborted: '❌ Canary aborted',
  cancelled: '⏹️ Canary cancelled',
};

const VERDICT_ICON: Record<string, string> = {
  pass: '✅ pass',
  fail: '❌ fail',
  continue: '⏳ continue',
  inconclusive: '❔ inconclusive',
  'no-data': '∅ no data',
  error: '⚠️ error',
  'not-judged': '– not judged',
};

function round(value: number, digits = 3): string {
  return String(Number(value.toPrecision(digits)));
}

/** A side's value: p95 in ms for latency, a percentage for the error rate. */
function value(metric: MetricJudgment, side: number | null): string {
  if (side === null || !Number.isFinite(side)) return '–';
  return metric.metric === 'latency' ? `${round(side)} ms` : `${round(side * 100)}%`;
}

function statistic(stat: Statistic | undefined): string {
  if (!stat) return '–';
  const parts = [stat.test];
  if (stat.value !== undefined && Number.isFinite(stat.value)) parts.push(`z = ${round(stat.value)}`);
  if (stat.boundary !== undefined && Number.isFinite(stat.boundary))
    parts.push(`boundary ${round(stat.boundary)}`);
  return parts.join(', ');
}

/** The interval of the effect (a ratio for latency, a difference of rates for errors), else the p-value. */
function interval(metric: MetricJudgment): string {
  const stat = metric.statistic;
  if (!stat) return '–';
  const shown: string[] = [];
  const effect = (x: number) =>
    metric.metric === 'latency' ? `${x.toFixed(2)}×` : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)} pt`;
  if (stat.estimate !== undefined && Number.isFinite(stat.estimate)) shown.push(effect(stat.estimate));
  if (stat.interval) shown.push(`[${effect(stat.interval[0])}, ${effect(stat.interval[1])}]`);
  if (stat.pValue !== undefined && Number.isFinite(stat.pValue)) shown.push(`p = ${round(stat.pValue, 2)}`);
  return shown.length > 0 ? shown.join(' ') : '–';
}

function stepName(step: StepReport): string {
  return `${step.index + 1} (${step.weight}%)`;
}

const OUTCOME_ICON: Record<StepReport['outcome'], string> = {
  passed: '✅ passed',
  failed: '❌ aborted',
  cancelled: '⏹️ cancelled',
};

/** A judgment's reason reads `<verdict in words> — <every metric's sentence>`; the metrics table has those. */
function headline(reason: string): string {
  const cut = reason.indexOf(' — ');
  return cut > 0 ? reason.slice(0, cut) : reason;
}

/** One row per step: how it went and why. */
export function stepRows(steps: StepReport[]): string[][] {
  return steps.map((step) => {
    const samples = step.metrics.find((metric) => metric.metric === 'latency')?.samples;
    const share = step.traffic
      ? `${Math.round(step.traffic.observed * 1000) / 10}%${step.traffic.far ? ' ⚠️' : ''}`
      : '–';
    return [
      stepName(step),
      step.holdMs > 0 ? formatDuration(step.holdMs) : '–',
      String(step.looks),
      samples ? `${samples.baseline} / ${samples.canary}` : '–',
      share,
      formatDuration(step.durationMs),
      OUTCOME_ICON[step.outcome],
      headline(step.reason),
    ];
  });
}

/** One row per step and metric: the judgment with its numbers. */
export function judgmentRows(steps: StepReport[]): string[][] {
  const rows: string[][] = [];
  for (const step of steps) {
    for (const [i, metric] of step.metrics.entries()) {
      rows.push([
        i === 0 ? stepName(step) : '',
        metric.metric,
        `${metric.samples.baseline} / ${metric.samples.canary}`,
        value(metric, metric.baseline),
        value(metric, metric.canary),
        statistic(metric.statistic),
        interval(metric),
        metric.threshold,
        VERDICT_ICON[metric.verdict] ?? metric.verdict,
        metric.reason,
      ]);
    }
  }
  return rows;
}

function metricOf(step: StepReport, name: MetricJudgment['metric']): MetricJudgment | undefined {
  return step.metrics.find((metric) => metric.metric === name);
}

/** A Mermaid xychart of one metric, baseline and canary per judged step; empty when nothing was measured. */
function chart(steps: StepReport[], name: MetricJudgment['metric'], title: string, scale: number): string {
  const judged = steps.filter((step) => {
    const metric = metricOf(step, name);
    return metric && (metric.baseline !== null || metric.canary !== null);
  });
  if (judged.length === 0) return '';
  const series = (side: 'baseline' | 'canary') =>
    judged.map((step) => {
      const v = metricOf(step, name)![side];
      return v === null || !Number.isFinite(v) ? 0 : Number((v * scale).toPrecision(4));
    });
  const baseline = series('baseline');
  const canary = series('canary');
  const top = Math.max(...baseline, ...canary) * 1.2 || 1;
  return [
    '```mermaid',
    'xychart-beta',
    `  title "${title} (line 1 baseline, line 2 canary)"`,
    `  x-axis [${judged.map((step) => `"${step.weight}%"`).join(', ')}]`,
    `  y-axis "${name === 'latency' ? 'p95 (ms)' : 'errors (%)'}" 0 --> ${Number(top.toPrecision(3))}`,
    `  line [${baseline.join(', ')}]`,
    `  line [${canary.join(', ')}]`,
    '```',
  ].join('\n');
}

export function abortMessage(report: RolloutReport): string {
  const last = report.steps.at(-1);
  const where = last ? ` at step ${stepName(last)}` : '';
  const dry = report.dryRun ? ' (dry run)' : '';
  return `canary-promote: ${report.canaryVersion} ${report.status}${where}${dry}: ${report.reason}`;
}

function factRows(report: RolloutReport): string[][] {
  const { settings } = report;
  return [
    ['Environment', report.environment],
    ['Baseline → canary', `${report.baselineVersion} → ${report.canaryVersion}`],
    ['Steps', describeSteps(settings.steps)],
    ['Verdict', report.verdict],
    ['Why', report.reason],
    ['Canary weight now', report.dryRun ? '0% (dry run: traffic was not moved)' : `${report.finalWeight}%`],
    ...(report.trafficRestored ? [] : [['⚠️ Traffic', "the canary's weight could not be set back to 0"]]),
    ...(report.resumed ? [['Resumed', report.resumed.note]] : []),
    [
      'Policies',
      `on-no-data: ${settings.policies.onNoData}, on-inconclusive: ${settings.policies.onInconclusive}, on-error: ${settings.policies.onError}`,
    ],
    [
      'Interval / max-duration',
      `${formatDuration(settings.intervalMs)} / ${formatDuration(settings.maxDurationMs)}`,
    ],
    ['Duration', formatDuration(report.durationMs)],
  ];
}

function notesOf(steps: StepReport[]): string[] {
  const lines: string[] = [];
  for (const step of steps) {
    for (const policy of step.policies) lines.push(`- step ${stepName(step)}: ${policy.reason}`);
    for (const note of step.notes) lines.push(`- step ${stepName(step)}: ${note}`);
    for (const control of step.controls ?? [])
      lines.push(
        `- step ${stepName(step)}: ${control.from} said ${control.command}${control.reason ? ` (${control.reason})` : ''} at ${control.at}`,
      );
  }
  return lines;
}

/** The rollback after an abort: the engine's outcome, or how it crashed. */
export type CanaryRollback = RollbackOutcome | { kind: 'failed'; reason: string };

function rollbackSection(run: CanaryRollback | undefined, settings: RollbackSettings | undefined): string {
  if (!run || !settings) return '';
  const who = settings.run.actor;
  switch (run.kind) {
    case 'planned':
      return dryRunSummary(settings.environment, run.plan, run.history, who, settings.reason, []);
    case 'ran':
      return outcomeSummary(
        settings.environment,
        run.plan,
        run.history,
        run.redeploy,
        who,
        settings.reason,
        [],
      );
    case 'failed':
      return `#### Rollback\n\nNo rollback: ${run.reason}\n`;
    default:
      return `#### Rollback\n\nNo rollback: ${whyNoRollback(run)}\n`;
  }
}

export function rolloutSummary(
  report: RolloutReport,
  rollback: CanaryRollback | undefined,
  rollbackSettings: RollbackSettings | undefined,
  facts: string[],
): string {
  const dry = report.dryRun ? ' (dry run: no traffic moved)' : '';
  const notes = notesOf(report.steps);
  const judged = judgmentRows(report.steps);
  const charts = [
    chart(report.steps, 'latency', 'p95 latency by step', 1),
    chart(report.steps, 'error-rate', 'Error rate by step', 100),
  ].filter(Boolean);
  return [
    `### ${HEADING[report.status]}: ${report.canaryVersion} in ${report.environment}${dry}`,
    '',
    table(['', ''], factRows(report)),
    '',
    '#### Steps',
    '',
    report.steps.length === 0
      ? 'No step was judged in this run.'
      : table(
          [
            'Step',
            'Hold',
            'Looks',
            'Samples (baseline / canary)',
            'Canary share seen',
            'Duration',
            'Outcome',
            'Reason',
          ],
          stepRows(report.steps),
        ),
    '',
    ...(judged.length === 0
      ? []
      : [
          '#### Judgments (the last look of each step)',
          '',
          table(
            [
              'Step',
              'Metric',
              'Samples (baseline / canary)',
              'Baseline',
              'Canary',
              'Statistic',
              'Effect, interval, p',
              'Threshold',
              'Verdict',
              'Reason',
            ],
            judged,
          ),
          '',
        ]),
    ...charts.flatMap((text) => [text, '']),
    ...(notes.length > 0 ? ['#### Policies and notes', '', ...notes, ''] : []),
    rollbackSection(rollback, rollbackSettings),
    footer('canary-promote', facts.filter(Boolean)),
    '',
  ].join('\n');
}

export function cleanupSummary(
  settings: Pick<RolloutSettings, 'environment' | 'canaryVersion' | 'baselineVersion'>,
  result: CleanupResult,
): string {
  const where = result.found
    ? `the saved rollout was ${result.found.status} at step ${result.found.step + 1} (${result.found.weight}%)`
    : 'no saved rollout state was found';
  const outcome = result.restored
    ? `the canary's weight was set back to 0: ${settings.baselineVersion} serves all traffic`
    : `⚠️ the canary's weight could not be set back to 0: ${settings.canaryVersion} may still serve traffic`;
  return [
    `### ⏹️ Canary ${settings.canaryVersion} in ${settings.environment}: cleaned up after the step did not finish`,
    '',
    `${where}; ${outcome}.`,
    '',
  ].join('\n');
}

const BLUE_GREEN_HEADING: Record<BlueGreenReport['status'], string> = {
  switched: '✅ Blue-green: switched',
  'not-switched': '❌ Blue-green: not switched',
  'switched-back': '↩️ Blue-green: switched back',
  stuck: '⚠️ Blue-green: the switch back failed',
};

/** strategy: blue-green: which colour serves, the smoke tests around the switch, and the rollback if any. */
export function blueGreenSummary(
  report: BlueGreenReport,
  rollback: CanaryRollback | undefined,
  rollbackSettings: RollbackSettings | undefined,
  facts: string[],
): string {
  const smoke = (verdict: BlueGreenReport['idleSmoke'] | undefined) =>
    verdict ? `${verdict.passed ? '✅' : '❌'} ${verdict.reason}` : '– (no smoke-url)';
  const serving =
    report.finalWeight === 100
      ? `${report.idleVersion} (${report.liveVersion} on standby)`
      : report.finalWeight === 0
        ? report.liveVersion
        : 'unknown: look at the router';
  return [
    `### ${BLUE_GREEN_HEADING[report.status]}: ${report.idleVersion}`,
    '',
    report.reason,
    '',
    table(
      ['', ''],
      [
        ['Serving now', serving],
        ['Idle colour smoke test (before the switch)', smoke(report.idleSmoke)],
        ['Front door smoke test (after the switch)', smoke(report.frontSmoke)],
        ...(report.switchedForMs !== undefined
          ? [['Traffic on the release before the switch back', formatDuration(report.switchedForMs)]]
          : []),
      ],
    ),
    '',
    '```mermaid',
    'flowchart LR',
    `  I[smoke ${report.idleVersion}] --> S{switch 100%}`,
    `  S --> F[smoke front door] --> D((${report.status}))`,
    `  S -. failure .-> B[back to ${report.liveVersion}]`,
    '```',
    '',
    rollbackSection(rollback, rollbackSettings),
    footer('canary-promote', facts.filter(Boolean)),
    '',
  ].join('\n');
}
