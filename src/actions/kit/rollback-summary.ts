// A rollback explained in Markdown: the plan, the outcome, and the environment's recent history. The rollback
// action's job summary, and the rollback section of canary-promote's.

import { formatDuration } from '../../common/durations.js';
import type { DeployOutcome } from '../../deploy/deploy.js';
import { redactUrl } from '../../http/safe-url.js';
import { type DeploymentEntry, type DeploymentState, versionOf } from '../../ledger/types.js';
import { everSucceeded, type RollbackNoOp, type RollbackPlan } from '../../rollback/plan.js';
import { escapeCell, footer, RESULT_ICON, table } from './markdown.js';

const HISTORY_ROWS = 10;

function historyTable(history: DeploymentEntry[], marks: Map<string, string>): string {
  const rows = history
    .slice(0, HISTORY_ROWS)
    .map((entry) => [
      entry.id,
      versionOf(entry),
      entry.sha.slice(0, 7),
      entry.task,
      entry.state,
      everSucceeded(entry) ? 'yes' : 'no',
      entry.createdAt,
      marks.get(entry.id) ?? '',
    ]);
  return table(['Deployment', 'Version', 'Commit', 'Task', 'State', 'Ever live', 'Created', ''], rows);
}

function planRows(plan: RollbackPlan, reason: string, actor: string): string[][] {
  const { current, target } = plan;
  return [
    ['Live before', `${versionOf(current)} (deployment ${current.id}, ${current.state})`],
    ['Rolling back to', `${versionOf(target)} (deployment ${target.id})`],
    ['Commit', target.sha],
    ['Chosen as', plan.why],
    ['Why', reason],
    ['Who', actor],
    // An older record may hold a URL with its credentials: never shown.
    ['URL', redactUrl(target.statuses.find((s) => s.environmentUrl)?.environmentUrl ?? '–')],
    ['Release bundle', target.record?.artifactKey ?? 'none recorded (the command redeploys the commit)'],
  ];
}

function marksOf(plan: RollbackPlan): Map<string, string> {
  return new Map([
    [plan.target.id, '⬅ target'],
    [plan.current.id, '✗ rolled back from'],
  ]);
}

export function dryRunSummary(
  environment: string,
  plan: RollbackPlan,
  history: DeploymentEntry[],
  who: string,
  reason: string,
  facts: string[],
): string {
  return [
    `### 🧪 Rollback plan for ${environment} (dry run: nothing changed)`,
    '',
    table(['', ''], planRows(plan, reason, who)),
    '',
    historyTable(history, marksOf(plan)),
    '',
    footer('rollback', facts),
    '',
  ].join('\n');
}

const FINAL_STATE: Record<DeployOutcome['result'], DeploymentState> = {
  success: 'success',
  failure: 'failure',
  cancelled: 'error',
  blocked: 'error',
  skipped: 'inactive',
};

export function outcomeSummary(
  environment: string,
  plan: RollbackPlan,
  history: DeploymentEntry[],
  outcome: DeployOutcome,
  who: string,
  reason: string,
  facts: string[],
): string {
  const to = versionOf(plan.target);
  const from = versionOf(plan.current);
  // The history after the rollback, known without reading it again: the new deployment on top, and what it
  // marked inactive.
  const deactivated = new Set(outcome.deactivated);
  const after = [
    { ...outcome.deployment, state: FINAL_STATE[outcome.result] },
    ...history.map((entry) => (deactivated.has(entry.id) ? { ...entry, state: 'inactive' as const } : entry)),
  ];
  const marks = marksOf(plan);
  marks.set(outcome.deployment.id, outcome.result === 'success' ? '✔ live now' : `✗ ${outcome.result}`);
  const liveNow =
    outcome.result === 'success' ? `${to} (deployment ${outcome.deployment.id})` : `${from} (unchanged)`;
  return [
    `### ${RESULT_ICON[outcome.result]} Rollback of ${environment}: ${from} → ${to} (${outcome.result})`,
    '',
    table(
      ['', ''],
      [
        ...planRows(plan, reason, who),
        ['Live now', liveNow],
        ['Duration', formatDuration(outcome.durationMs)],
      ],
    ),
    '',
    outcome.reason ? `**What went wrong:** ${outcome.reason}\n` : '',
    '#### Recent deployments',
    '',
    historyTable(after, marks),
    '',
    footer('rollback', facts),
    '',
  ].join('\n');
}

/** Nothing redeployed: what was asked for is live already, and who made it so. */
export function noOpSummary(environment: string, noop: RollbackNoOp, who: string, facts: string[]): string {
  const { standing, closed } = noop;
  const record = standing.record;
  const rows = [
    ['Live now', `${versionOf(standing)} (deployment ${standing.id}, ${standing.state})`],
    ...(record?.rollback
      ? [
          [
            'Rolled back from',
            `${record.rollback.fromVersion} (deployment ${record.rollback.fromDeploymentId})`,
          ],
        ]
      : []),
    ...(record?.run?.url || record?.run?.id
      ? [['By', `${record.run.url || `run ${record.run.id}`} (${record.actor})`]]
      : []),
    ['Asked for by', who],
    [
      "This run's deployment",
      closed ? `${closed.id}, closed inactive without running anything` : 'none made',
    ],
  ];
  return [
    `### ${RESULT_ICON.skipped} Rollback of ${environment}: nothing to do`,
    '',
    escapeCell(noop.message),
    '',
    table(['', ''], rows),
    '',
    footer('rollback', facts),
    '',
  ].join('\n');
}
