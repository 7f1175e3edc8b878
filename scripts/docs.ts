// npm run docs: regenerates the input/output tables of every action's README from its action.yml.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readManifest } from '../src/runner/manifest.js';
import { withActionTables } from './action-tables.js';

const root = resolve(import.meta.dirname, '..');
const folders = readdirSync(root, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(root, entry.name, 'action.yml')))
  .map((entry) => entry.name);
// '' is the root action (uses: <owner>/deploy-kit@v1), documented in the repository's README.
for (const folder of ['', ...folders]) {
  const readmePath = join(root, folder, 'README.md');
  const readme = existsSync(readmePath) ? readFileSync(readmePath, 'utf8') : `# ${folder}\n`;
  const updated = withActionTables(readme, readManifest(join(root, folder)));
  if (updated !== readme) {
    writeFileSync(readmePath, updated);
    console.log(`updated ${join(folder, 'README.md')}`);
  }
}
