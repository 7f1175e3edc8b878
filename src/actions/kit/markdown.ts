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
