// deploy-env's job summary: what was deployed where, what it replaced, and why it did not go live.
import { formatDuration } from '../../common/durations.js';
import type { DeployOutcome } from '../../deploy/deploy.js';
import { versionOf } from '../../ledger/types.js';
import { abandonedTable, escapeCell, footer, RESULT_ICON, table } from '../kit/markdown.js';

export function summaryMarkdown(outcome: DeployOutcome, url: string | undefined, facts: string[]): string {
  const { deployment, previous } = outcome;
  const record = deployment.record;
  const icon = RESULT_ICON[outcome.result];
  const rows: string[][] = [
    ['Environment', deployment.environment],
    ['Version', record?.version ?? ''],
    ['Commit', `${deployment.sha.slice(0, 12)} (${deployment.ref})`],
    ['Deployment', deployment.id],
    ['Who', record?.actor ?? ''],
    ['Duration', formatDuration(outcome.durationMs)],
    ['URL', url ?? '–'],
    ['Replaced', previous ? `${versionOf(previous)} (deployment ${previous.id})` : '–'],
  ];
  if (outcome.waitedMs > 1000) rows.push(['Waited for the environment', formatDuration(outcome.waitedMs)]);
  if (outcome.artifactKey) rows.push(['Release bundle', outcome.artifactKey]);
  const lines = [
    `### ${icon} deploy ${record?.version ?? ''} to ${deployment.environment}: ${outcome.result}`,
    '',
    table(['', ''], rows),
    '',
  ];
  if (outcome.reason) lines.push(`**Why:** ${outcome.reason}`, '');
  if (outcome.abandoned.length > 0) lines.push(abandonedTable(outcome.abandoned));
  if (outcome.result !== 'success' && outcome.lastLines.length > 0) {
    lines.push('<details open><summary>Last lines of the deploy command</summary>', '', '<pre>');
    lines.push(...outcome.lastLines.map(escapeCell), '</pre>', '</details>', '');
  }
  lines.push(footer('deploy-env', facts), '');
  return lines.join('\n');
}
