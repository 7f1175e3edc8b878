// What preflight-gates shows: one table of the gates (job summary and check run alike), the items behind
// each gate, the one-line verdicts used for annotations and the check run's title, and the step's failure.
import { formatDuration } from '../../common/durations.js';
import type { GateResult, GatesReport } from '../../gates/types.js';
import * as core from '../kit/core.js';
import { GATE_VERDICT, gatesTable } from '../kit/gates-table.js';
import { escapeCell, footer } from '../kit/markdown.js';

/**
 * The report with every secret value replaced by ***. A command's output is kept in the report, and the check
 * run and job summary are not masked as logs are: a check run of a public pull request is public.
 */
export function redact<T>(value: T, secrets: readonly string[]): T {
  const values = [...new Set(secrets.filter((secret) => secret.length >= 4))].sort(
    (a, b) => b.length - a.length,
  );
  if (values.length === 0) return value;
  const clean = (text: string) => values.reduce((out, secret) => out.split(secret).join('***'), text);
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return clean(node);
    if (Array.isArray(node)) return node.map(walk);
    if (node && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([key, inner]) => [key, walk(inner)]));
    }
    return node;
  };
  return walk(value) as T;
}

/** A check run's output.summary and output.text are each limited to 65535 characters. */
export const CHECK_RUN_TEXT_LIMIT = 65_535;

/** The gates that did not pass: failed, or could not be evaluated. */
export function gatesNotPassed(report: GatesReport): GateResult[] {
  return report.gates.filter((gate) => gate.verdict === 'fail' || gate.verdict === 'error');
}

function headline(report: GatesReport): string {
  const failed = gatesNotPassed(report);
  const total = report.gates.length;
  if (failed.length === 0) return `All ${total} gate${total === 1 ? '' : 's'} passed`;
  const names = failed.map((gate) => (gate.verdict === 'error' ? `${gate.gate} (not evaluated)` : gate.gate));
  return `${failed.length} of ${total} gate${total === 1 ? '' : 's'} did not pass: ${names.join(', ')}`;
}

function itemsTable(gate: GateResult): string {
  const rows = (gate.items ?? []).map((item) => [
    item.url ? `[${escapeCell(item.name)}](${encodeURI(item.url)})` : escapeCell(item.name),
    GATE_VERDICT[item.verdict],
    escapeCell(item.detail ?? ''),
  ]);
  // Names are escaped above so the link syntax survives; the rest goes through table()'s escaping.
  const header = '| Item | Verdict | Detail |\n| --- | --- | --- |';
  return [header, ...rows.map((cells) => `| ${cells.join(' | ')} |`)].join('\n');
}

/** The items of each gate, folded; those of gates that did not pass are open. */
export function itemDetails(report: GatesReport): string {
  return report.gates
    .filter((gate) => (gate.items ?? []).length > 0)
    .map((gate) => {
      const open = gate.verdict === 'fail' || gate.verdict === 'error' ? ' open' : '';
      const count = gate.items!.length;
      return [
        `<details${open}><summary><b>${escapeCell(gate.gate)}</b>: ${count} item${count === 1 ? '' : 's'}</summary>`,
        '',
        itemsTable(gate),
        '',
        '</details>',
      ].join('\n');
    })
    .join('\n\n');
}

function targetLine(report: GatesReport): string {
  const { target } = report;
  const parts = [
    `commit \`${target.sha.slice(0, 7)}\``,
    `ref \`${escapeCell(target.ref)}\``,
    target.environment ? `environment **${escapeCell(target.environment)}**` : 'no environment given',
    target.pullNumber !== undefined ? `pull request #${target.pullNumber}` : `${target.eventName} event`,
  ];
  return parts.join(' · ');
}

function overrides(report: GatesReport): string {
  const lines = report.gates
    .filter((gate) => gate.override)
    .map((gate) => `> **Override of ${gate.gate}:** ${escapeCell(gate.override!)}`);
  return lines.length > 0 ? `${lines.join('\n>\n')}\n` : '';
}

function jobSummary(report: GatesReport, facts: string[]): string {
  const icon = report.passed ? '✅' : '❌';
  return [
    `### ${icon} Preflight gates: ${escapeCell(headline(report))}`,
    '',
    targetLine(report),
    '',
    gatesTable(report),
    '',
    overrides(report),
    itemDetails(report),
    '',
    footer('preflight-gates', [...facts, `${formatDuration(report.durationMs)} in all`]),
    '',
  ].join('\n');
}

function clip(text: string): string {
  if (text.length <= CHECK_RUN_TEXT_LIMIT) return text;
  const note = '\n\n… cut to fit the check run; the job summary has it all.';
  return text.slice(0, CHECK_RUN_TEXT_LIMIT - note.length) + note;
}

/** The check run's output: the same table as the job summary, and the items as its text. */
export function checkRunOutput(
  report: GatesReport,
  runUrl: string,
): { title: string; summary: string; text?: string } {
  const link = runUrl ? `\n\n[The run's log and job summary](${runUrl})` : '';
  const summary = clip(`${targetLine(report)}\n\n${gatesTable(report)}\n\n${overrides(report)}${link}`);
  const details = itemDetails(report);
  return { title: headline(report), summary, ...(details ? { text: clip(details) } : {}) };
}

/** The error annotation of a gate that did not pass. */
function annotationOf(gate: GateResult): { title: string; message: string } {
  const what = gate.verdict === 'error' ? 'could not be evaluated' : 'failed';
  // Items the detail does not already name (it lists a few; a gate with many failures says "and N more").
  const failedItems = (gate.items ?? []).filter(
    (item) => (item.verdict === 'fail' || item.verdict === 'error') && !gate.detail.includes(item.name),
  );
  const listed = failedItems
    .slice(0, 10)
    .map((item) => `${item.name}${item.detail ? ` (${item.detail})` : ''}`)
    .join(', ');
  const more = failedItems.length > 10 ? ` and ${failedItems.length - 10} more` : '';
  return {
    title: `preflight gate ${gate.gate} ${what}`,
    message: `${gate.gate}: ${gate.detail}${listed ? ` — ${listed}${more}` : ''}`,
  };
}

/** An error annotation per gate that did not pass, the job summary, and the step failed unless all passed. */
export async function gatesJobSummary(report: GatesReport, facts: string[]): Promise<void> {
  for (const gate of gatesNotPassed(report)) {
    const { title, message } = annotationOf(gate);
    core.error(message, { title });
  }
  await core.summary.addRaw(jobSummary(report, facts)).write();
  if (!report.passed) core.setFailed(`preflight-gates: ${headline(report)}`);
}
