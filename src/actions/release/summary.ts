// The root action's job summary: the release as a flow (Mermaid), one row per stage with its time, then
// the details of the stage that decided it (failed gates, smoke checks, the deploy's last lines, the rollback).
import { formatDuration } from '../../common/durations.js';
import type { DeployOutcome } from '../../deploy/deploy.js';
import type { GatesReport } from '../../gates/types.js';
import { versionOf } from '../../ledger/types.js';
import type { SmokeReport } from '../../probe/types.js';
import { type RollbackOutcome, whyNoRollback } from '../../rollback/run.js';
import { gatesTable } from '../kit/gates-table.js';
import { abandonedTable, escapeCell, footer, RESULT_ICON, table } from '../kit/markdown.js';

export type ReleaseResult = 'released' | 'rolled-back' | 'failed' | 'gates-failed' | 'blocked' | 'cancelled';

export interface ReleaseStep {
  name: 'gates' | 'deploy' | 'smoke test' | 'rollback';
  result: keyof typeof RESULT_ICON;
  durationMs: number;
  detail?: string;
}

export interface ReleaseReport {
  environment: string;
  version: string;
  result: ReleaseResult;
  steps: ReleaseStep[];
  gates?: GatesReport;
  deploy?: DeployOutcome;
  smoke?: SmokeReport;
  why?: string;
  rollback?: RollbackOutcome;
  facts: string[];
}

const HEADLINE: Record<ReleaseResult, string> = {
  released: '✅ released',
  'rolled-back': '↩️ rolled back',
  failed: '❌ failed',
  'gates-failed': '⛔ stopped by the gates',
  blocked: '⛔ blocked',
  cancelled: '⏹️ cancelled',
};

/** Mermaid labels in quotes: a version or reason must not break the diagram. */
function label(text: string): string {
  return `"${text.replace(/"/g, "'").replace(/[<>]/g, '')}"`;
}

function flow(report: ReleaseReport): string {
  const nodes = report.steps.map((step, index) => {
    const what = step.name === 'deploy' ? `deploy ${report.version}` : step.name;
    return `  s${index}[${label(`${RESULT_ICON[step.result]} ${what}`)}]`;
  });
  const edges = report.steps.slice(1).map((_, index) => `  s${index} --> s${index + 1}`);
  return ['```mermaid', 'flowchart LR', ...nodes, ...edges, '```'].join('\n');
}

function smokeTable(smoke: SmokeReport): string {
  const ms = (value: number | undefined) => (value === undefined ? '–' : `${Math.round(value)} ms`);
  return table(
    ['Check', 'Requests', 'Errors', 'p50', 'p95', 'Verdict', 'Reason'],
    smoke.checks.map((check) => [
      check.name,
      String(check.samples.sent),
      `${Math.round(check.samples.errorRate * 1000) / 10}%`,
      ms(check.latencyMs?.p50),
      ms(check.latencyMs?.p95),
      check.passed ? '✅ pass' : '❌ fail',
      check.reasons.join('; '),
    ]),
  );
}

export function releaseSummary(report: ReleaseReport): string {
  const lines = [
    `### ${HEADLINE[report.result]}: ${report.version} to ${report.environment}`,
    '',
    flow(report),
    '',
    table(
      ['Stage', 'Result', 'Time', 'Detail'],
      report.steps.map((step) => [
        step.name,
        `${RESULT_ICON[step.result]} ${step.result}`,
        formatDuration(step.durationMs),
        step.detail ?? '',
      ]),
    ),
    '',
  ];
  if (report.why) lines.push(`**Why:** ${escapeCell(report.why)}`, '');
  const deployed = report.deploy;
  if (deployed) {
    const previous = deployed.previous
      ? `${versionOf(deployed.previous)} (deployment ${deployed.previous.id})`
      : '–';
    lines.push(
      table(
        ['', ''],
        [
          ['Deployment', deployed.deployment.id],
          ['Commit', `${deployed.deployment.sha.slice(0, 12)} (${deployed.deployment.ref})`],
          ['Replaced', previous],
        ],
      ),
      '',
    );
    if (deployed.abandoned.length > 0) lines.push(abandonedTable(deployed.abandoned));
  }
  if (report.gates && !report.gates.passed) lines.push('#### Gates', '', gatesTable(report.gates), '');
  if (report.smoke) lines.push('#### Smoke test', '', smokeTable(report.smoke), '');
  if (deployed && deployed.result !== 'success' && deployed.lastLines.length > 0) {
    lines.push('<details open><summary>Last lines of the deploy command</summary>', '', '<pre>');
    lines.push(...deployed.lastLines.map(escapeCell), '</pre>', '</details>', '');
  }
  const rollback = report.rollback;
  if (rollback?.kind === 'ran' || rollback?.kind === 'planned') {
    const redeploy = rollback.kind === 'ran' ? rollback.redeploy : undefined;
    const live = redeploy?.result === 'success' ? versionOf(rollback.plan.target) : 'unknown';
    lines.push(
      '#### Rollback',
      '',
      table(
        ['', ''],
        [
          ['Rolled back from', versionOf(rollback.plan.current)],
          ['Rolled back to', `${versionOf(rollback.plan.target)} (${rollback.plan.why})`],
          ['Deployment', redeploy?.deployment.id ?? '–'],
          ['Live now', live],
        ],
      ),
      '',
    );
  } else if (rollback) {
    lines.push(`**Rollback:** ${escapeCell(`no rollback: ${whyNoRollback(rollback)}`)}`, '');
  }
  lines.push(footer('release', report.facts), '');
  return lines.join('\n');
}
