#!/usr/bin/env node
// Bundles every action entry (and the CLI) with ncc into <out>/<name>/index.js, then keeps one copy of each
// chunk two or more bundles carry byte for byte, in <out>/chunks/.
// Usage: node scripts/build.mjs [--out dist] [name...]
import { spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { shareChunks } from './share-chunks.mjs';

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

/** Packages an entry's source reaches through a relative `node_modules/` import (kit/core.ts loads parts of
 * @actions/core that way, past its exports map): ncc's license list misses those. */
function relativeModuleImports(entryFile) {
  const seen = new Set();
  const found = new Set();
  const visit = (file) => {
    if (seen.has(file) || !existsSync(file)) return;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/(?:from\s+|import\(\s*)['"](\.[^'"]+)['"]/g)) {
      const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(match[1]);
      if (inModules) found.add(inModules[1]);
      else visit(resolve(dirname(file), match[1]).replace(/\.js$/, '.ts'));
    }
    // Plain package imports too: ncc's list sometimes misses one a chunk carries (yaml in canary-promote).
    for (const match of source.matchAll(/^import\s+(?!type\b)[^;]*?from\s+['"]([^.'"][^'"]*)['"]/gm)) {
      const name = /^((?:@[^/]+\/)?[^/]+)/.exec(match[1])?.[1];
      if (name && !name.startsWith('node:') && existsSync(join(root, 'node_modules', name, 'package.json')))
        found.add(name);
    }
  };
  visit(resolve(root, entryFile));
  return [...found].sort();
}

/** Appends to licenses.txt, in ncc's format, the license of every bundled package ncc did not list. */
function appendMissingLicenses(entry) {
  const file = join(out, entry.name, 'licenses.txt');
  let text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  for (const name of relativeModuleImports(entry.file)) {
    if (text.startsWith(`${name}\n`) || text.includes(`\n\n${name}\n`)) continue;
    const dir = join(root, 'node_modules', name);
    const { license } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const licenseFile = readdirSync(dir).find((f) => /^licen[cs]e/i.test(f));
    const body = licenseFile ? readFileSync(join(dir, licenseFile), 'utf8').trim() : '';
    text = `${text.replace(/\n*$/, text ? '\n\n' : '')}${name}\n${license}\n${body}\n`;
  }
  writeFileSync(file, text);
}

/** The chart library the insights report inlines, read at run time from dist/uplot/ (one copy for all). */
const CHART_BUNDLES = ['cli', 'insights'];
function copyChartLibrary() {
  const from = join(root, 'node_modules/uplot');
  const to = join(out, 'uplot');
  mkdirSync(to, { recursive: true });
  for (const file of ['dist/uPlot.iife.min.js', 'dist/uPlot.min.css', 'LICENSE']) {
    copyFileSync(join(from, file), join(to, file.replace('dist/', '')));
  }
}

const queue = entries().filter((e) => only.length === 0 || only.includes(e.name));
const built = queue.map((entry) => entry.name);
const started = Date.now();
const workers = Array.from({ length: Math.max(1, Math.min(cpus().length, 4)) }, async () => {
  for (let entry = queue.shift(); entry; entry = queue.shift()) {
    await ncc(entry);
    appendMissingLicenses(entry);
  }
});
await Promise.all(workers);
if (built.some((name) => CHART_BUNDLES.includes(name))) copyChartLibrary();
shareChunks(out);
console.log(`built ${out} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
