// Small Markdown builders for job summaries. Values are escaped: a reason or URL must not break the table
// or inject HTML into the job page.

export function escapeCell(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, '<br>');
}

export function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map((row) => line(row.map(escapeCell)))].join(
    '\n',
  );
}

/** How a deploy or rollback ended, at a glance. */
export const RESULT_ICON = {
  success: '✅',
  failure: '❌',
  cancelled: '⏹️',
  blocked: '⛔',
  skipped: '⏭️',
} as const;

/** The footer every action ends its summary with. */
export function footer(action: string, facts: string[]): string {
  return `<sub>deploy-kit ${action} · ${facts.map(escapeCell).join(' · ')}</sub>`;
}

/** Open deployments closed because their holder was gone: a table, or nothing when there were none. */
export function abandonedTable(
  abandoned: { id: string; version: string; holder: string; since: string; how: string }[],
): string {
  if (abandoned.length === 0) return '';
  return [
    '**Abandoned leases closed** (their holder was gone, so they were marked error instead of waited for):',
    '',
    table(
      ['Deployment', 'Version', 'Holder', 'Gone since', 'Proof'],
      abandoned.map((a) => [a.id, a.version, a.holder, a.since, a.how]),
    ),
    '',
  ].join('\n');
}
