// tag-release's job summary: the version and why, the tag and release made (or that would be), the notes;
// and a warning annotation for each thing publishing noticed.
import * as core from '../kit/core.js';
import { footer, table } from '../kit/markdown.js';

/** Nothing to release: why, and what was read. */
export async function noTagSummary(reason: string, read: string): Promise<void> {
  await core.summary
    .addRaw([`### ⏸️ No release: ${reason}`, '', footer('tag-release', [read, 'no API calls']), ''].join('\n'))
    .write();
}

interface ReleaseDone {
  tag: string;
  dryRun: boolean;
  /** The summary's table: version, tag, why, and what was published or would move. */
  rows: string[][];
  warnings: string[];
  notes: string;
  facts: string[];
}

export async function tagSummary(done: ReleaseDone): Promise<void> {
  for (const warning of done.warnings) core.warning(`tag-release: ${warning}`);
  await core.summary
    .addRaw(
      [
        `### 🏷️ ${done.dryRun ? 'Would release' : 'Released'} ${done.tag}`,
        '',
        table(['', ''], done.rows),
        '',
        ...done.warnings.map((w) => `> ⚠️ ${w}\n`),
        '<details><summary>Release notes</summary>',
        '',
        done.notes,
        '',
        '</details>',
        '',
        footer('tag-release', done.facts),
        '',
      ].join('\n'),
    )
    .write();
}
