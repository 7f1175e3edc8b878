// The insights as plain text for a terminal: the four keys in a table, then the failures, then what was not
// counted and where it was read from.
import { failureLine, keyLines, notCountedLine, shortTime } from './format.js';
import type { Insights } from './types.js';

export function insightsTable(insights: Insights): string {
  const lines = keyLines(insights);
  const header = ['Key', 'Value', 'Band', 'Detail'];
  const rows = lines.map((l) => [l.name, l.value, l.band, l.detail]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const row = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [
    `Delivery insights for ${insights.environment}: ${shortTime(insights.period.since)} to ${shortTime(insights.period.until)} UTC (${Math.round(insights.days * 10) / 10} days)`,
    `Bands by the ${insights.report}`,
    '',
    row(header),
    row(widths.map((w) => '-'.repeat(w))),
    ...rows.map(row),
    '',
  ];
  if (insights.failures.length > 0) {
    out.push('Failures:', ...insights.failures.map((f) => `  ${failureLine(f)}`), '');
  }
  const notCounted = notCountedLine(insights);
  if (notCounted) out.push(notCounted);
  out.push(
    `Read from: ${insights.source.kind} ledger (${insights.source.deploymentsRead} deployments read); ${insights.source.commits}`,
  );
  return `${out.join('\n')}\n`;
}
