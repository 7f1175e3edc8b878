#!/usr/bin/env node
// Fails when the committed dist/ differs from a fresh build (the check-dist habit of actions/typescript-action).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const fresh = mkdtempSync(join(tmpdir(), 'deploy-kit-dist-'));

function files(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

try {
  execFileSync(process.execPath, [join(root, 'scripts/build.mjs'), '--out', fresh], { stdio: 'inherit' });
  const committed = new Set(files(join(root, 'dist')).map((f) => relative(join(root, 'dist'), f)));
  const built = new Set(files(fresh).map((f) => relative(fresh, f)));
  const problems = [];
  for (const file of built) {
    if (!committed.has(file)) problems.push(`missing from dist/: ${file}`);
    else if (!readFileSync(join(fresh, file)).equals(readFileSync(join(root, 'dist', file))))
      problems.push(`differs from a fresh build: dist/${file}`);
  }
  for (const file of committed)
    if (!built.has(file)) problems.push(`not produced by the build: dist/${file}`);
  if (problems.length > 0) {
    console.error(
      `check-dist: dist/ is stale. Run 'npm run build' and commit dist/.\n  ${problems.join('\n  ')}`,
    );
    process.exit(1);
  }
  console.log(`check-dist: dist/ matches a fresh build (${built.size} files)`);
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
