// The size of what the runner downloads for every job that uses one of our actions: the repository archive
// at the action's ref (`uses: owner/deploy-kit/smoke-test@v1` fetches the whole tree as a tarball).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type BenchResult, bundles, bytes, plural, ROOT, table } from './lib.js';

/** Goal, in bytes (5 MB, decimal). */
const GOAL_BYTES = 5_000_000;
/** The actions of the finished toolkit (README). */
const PLANNED = [
  'smoke-test',
  'preflight-gates',
  'deploy-env',
  'canary-promote',
  'rollback',
  'tag-release',
  'watch',
  'insights',
];

/** Runs git read-only and returns stdout as bytes. */
function git(args: string[]): Promise<Buffer> {
  return new Promise((done, fail) => {
    const child = spawn('git', args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) done(Buffer.concat(chunks));
      else fail(new Error(`git ${args.join(' ')} exited ${code}: ${stderr.trim()}`));
    });
  });
}

interface FileSize {
  path: string;
  size: number;
  gzip: number;
}

/** Every file under dir, with paths relative to base (so `dist/...`). */
function walk(dir: string, base: string): FileSize[] {
  if (!existsSync(dir)) return [];
  const files: FileSize[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...walk(path, base));
    else if (entry.isFile()) {
      files.push({
        path: relative(base, path),
        size: statSync(path).size,
        gzip: gzipSync(readFileSync(path)).length,
      });
    }
  }
  return files;
}

const sum = (files: FileSize[], key: 'size' | 'gzip') => files.reduce((total, file) => total + file[key], 0);

export async function run(): Promise<BenchResult> {
  const sha = (await git(['rev-parse', '--short', 'HEAD'])).toString().trim();
  const archive = (await git(['archive', '--format=tar.gz', 'HEAD'])).length;
  const committedDist = new Set(
    (await git(['ls-tree', '-r', '--name-only', 'HEAD', '--', 'dist']))
      .toString()
      .split('\n')
      .filter((line) => line.length > 0),
  );
  const bundled = await bundles();
  const dist = walk(join(bundled.root, 'dist'), bundled.root);
  const where = bundled.fromRepo
    ? 'dist/ in the working tree'
    : 'dist/ from a fresh build (none in the working tree)';
  const uncommitted = dist.filter((file) => !committedDist.has(file.path));
  const download = archive + sum(uncommitted, 'gzip');

  const actions = PLANNED.map((name) => {
    const files = dist.filter((file) => file.path.startsWith(`dist/${name}/`));
    return {
      name,
      declared: existsSync(join(ROOT, name, 'action.yml')),
      built: files.length > 0,
      size: sum(files, 'size'),
      gzip: sum(files, 'gzip'),
    };
  });
  const built = actions.filter((a) => a.built);
  const meanGzip = built.length > 0 ? built.reduce((total, a) => total + a.gzip, 0) / built.length : 0;
  const projected = built.length > 0 ? download + (PLANNED.length - built.length) * meanGzip : Number.NaN;
  const met = download < GOAL_BYTES && (built.length === 0 || projected < GOAL_BYTES);

  const rows: (string | number)[][] = [
    [`\`git archive --format=tar.gz HEAD\` (committed tree, ${sha})`, bytes(archive)],
    [
      `${where}: ${plural(dist.length, 'file')} (${dist.length - uncommitted.length} of them in HEAD)`,
      `${bytes(sum(dist, 'size'))} raw, ${bytes(sum(dist, 'gzip'))} gzip`,
    ],
    ['Download estimate: archive + gzip of dist/ files not in HEAD', bytes(download)],
    [
      `Projected with all ${PLANNED.length} actions built (missing ones at the mean gzip size of the built ones)`,
      built.length > 0 ? bytes(projected) : '– (no action bundle built)',
    ],
    ...actions.map((a) => [
      `↳ ${a.name}: ${a.declared ? 'action.yml' : 'no action.yml'}, ${a.built ? 'built' : 'not built'}`,
      a.built ? `${bytes(a.size)} raw, ${bytes(a.gzip)} gzip` : '–',
    ]),
  ];
  const cli = dist.filter((file) => file.path.startsWith('dist/cli/'));
  if (cli.length > 0) rows.push([`↳ cli`, `${bytes(sum(cli, 'size'))} raw, ${bytes(sum(cli, 'gzip'))} gzip`]);
  const shared = dist.filter((file) => file.path.startsWith('dist/chunks/'));
  if (shared.length > 0)
    rows.push([
      `↳ chunks: ${shared.length} kept once for the bundles that share them (scripts/build.mjs)`,
      `${bytes(sum(shared, 'size'))} raw, ${bytes(sum(shared, 'gzip'))} gzip`,
    ]);

  return {
    title: 'Size of the repository archive',
    table: table(['What', 'Size'], rows),
    goal: `under ${bytes(GOAL_BYTES)} downloaded per job, with all ${PLANNED.length} actions built`,
    met,
    method:
      '`git archive --format=tar.gz HEAD` measures the committed tree (what a tag would ship), not the working tree; ' +
      'dist/ files not yet committed are added at their gzip size (zlib default level).',
    notes: [
      ...(bundled.note ? [bundled.note] : []),
      `${actions.filter((a) => a.declared).length} of ${PLANNED.length} actions have an action.yml; ` +
        `${built.length} of ${PLANNED.length} have a bundle.`,
    ],
  };
}
