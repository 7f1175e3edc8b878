// Input and output tables of an action's README, generated from its action.yml so the two never drift.
import type { ActionManifest } from '../src/runner/manifest.js';

const START = '<!-- action-tables:start (generated from action.yml by npm run docs) -->';
const END = '<!-- action-tables:end -->';

function cell(value: string): string {
  return value.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').trim();
}

export function actionTables(manifest: ActionManifest): string {
  const inputs = manifest.inputs.map((input) => {
    const fallback = input.default === undefined ? '' : `\`${cell(input.default)}\``;
    return `| \`${input.name}\` | ${input.required ? 'yes' : 'no'} | ${fallback} | ${cell(input.description)} |`;
  });
  const outputs = manifest.outputs.map((output) => `| \`${output.name}\` | ${cell(output.description)} |`);
  return [
    START,
    '### Inputs',
    '',
    '| Input | Required | Default | Description |',
    '| --- | --- | --- | --- |',
    ...inputs,
    '',
    '### Outputs',
    '',
    '| Output | Description |',
    '| --- | --- |',
    ...outputs,
    END,
  ].join('\n');
}

/** The README with its generated section replaced (or appended when it has none yet). */
export function withActionTables(readme: string, manifest: ActionManifest): string {
  const tables = actionTables(manifest);
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start >= 0 && end > start) return readme.slice(0, start) + tables + readme.slice(end + END.length);
  return `${readme.trimEnd()}\n\n${tables}\n`;
}
