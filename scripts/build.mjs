#!/usr/bin/env node
// Bundles every action entry (and the CLI) with ncc into <out>/<name>/index.js.
// Usage: node scripts/build.mjs [--out dist] [name...]
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const out = resolve(root, outIndex >= 0 ? args[outIndex + 1] : 'dist');
const only = args.filter((arg, i) => !arg.startsWith('--') && (outIndex < 0 || i !== outIndex + 1));

/** Every src/actions/<name>/index.ts (release is the root action.yml's), plus the CLI. */
export function entries() {
  const actions = readdirSync(join(root, 'src/actions'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, 'src/actions', d.name, 'index.ts')))
    .map((d) => ({ name: d.name, file: join('src/actions', d.name, 'index.ts') }));
  return [...actions, { name: 'cli', file: 'src/cli.ts' }];
}

// Each bundle is built beside its folder and swapped in only when ncc succeeds, so a build that fails
// (a type error anywhere) leaves the last good bundle in place instead of an empty folder.
function ncc(entry) {
  const target = join(out, entry.name);
  const staging = `${target}.building-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const bin = join(root, 'node_modules/@vercel/ncc/dist/ncc/cli.js');
  const argv = [
    bin,
    'build',
    entry.file,
    '-o',
    staging,
    '-m',
    '-q',
    '--target',
    'es2022',
    '--license',
    'licenses.txt',
  ];
  return new Promise((resolveBuild, reject) => {
    const child = spawn(process.execPath, argv, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('exit', (code) => {
      if (code !== 0) {
        rmSync(staging, { recursive: true, force: true });
        return reject(new Error(`ncc failed for ${entry.name} (exit ${code})`));
      }
      rmSync(target, { recursive: true, force: true });
      renameSync(staging, target);
      resolveBuild();
    });
  });
}

const queue = entries().filter((e) => only.length === 0 || only.includes(e.name));
const started = Date.now();
const workers = Array.from({ length: Math.max(1, Math.min(cpus().length, 4)) }, async () => {
  for (let entry = queue.shift(); entry; entry = queue.shift()) await ncc(entry);
});
await Promise.all(workers);
console.log(`built ${out} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
