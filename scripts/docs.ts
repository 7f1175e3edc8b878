// npm run docs: regenerates the input/output tables of every action's README from its action.yml.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { withActionTables } from '../src/docs/action-tables.js';
import { readManifest } from '../src/runner/manifest.js';

const root = resolve(import.meta.dirname, '..');
for (const entry of readdirSync(root, { withFileTypes: true })) {
  if (!entry.isDirectory() || !existsSync(join(root, entry.name, 'action.yml'))) continue;
  const readmePath = join(root, entry.name, 'README.md');
  const readme = existsSync(readmePath) ? readFileSync(readmePath, 'utf8') : `# ${entry.name}\n`;
  const updated = withActionTables(readme, readManifest(join(root, entry.name)));
  if (updated !== readme) {
    writeFileSync(readmePath, updated);
    console.log(`updated ${entry.name}/README.md`);
  }
}
