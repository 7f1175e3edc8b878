// `npm run bench [-- name...]`: runs every bench/*.bench.ts in turn and writes docs/BENCHMARKS.md.
// With names, only the benchmarks whose file name contains one of them run, and the results are printed
// without touching docs/BENCHMARKS.md (a partial document would drop the other sections).
// Adding a benchmark is adding a file bench/<name>.bench.ts that exports `run(): Promise<BenchResult>`.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BenchResult, type Machine, machine, nowMs, ROOT, table } from './lib.js';

interface Outcome {
  name: string;
  result: BenchResult;
  seconds: number;
  error?: unknown;
}

const SUFFIX = '.bench.ts';

function section(outcome: Outcome): string {
  const { result } = outcome;
  const lines = [`## ${result.title}`, '', result.table, ''];
  lines.push(`**Goal:** ${result.goal} — ${result.met ? '✅ met' : '❌ not met'}`, '');
  lines.push(`**Method:** ${result.method}`, '');
  for (const note of result.notes ?? []) lines.push(`- ${note}`);
  if (result.notes?.length) lines.push('');
  return lines.join('\n');
}

function document(facts: Machine, outcomes: Outcome[], totalSeconds: number): string {
  const summary = table(
    ['Benchmark', 'Goal', 'Met'],
    outcomes.map((o) => [
      `[${o.result.title}](#${anchor(o.result.title)})`,
      o.result.goal,
      o.result.met ? '✅' : '❌',
    ]),
    ['left', 'left', 'left'],
  );
  return [
    '# Benchmarks',
    '',
    `Written by \`npm run bench\` (bench/run.ts) on ${facts.date} in ${totalSeconds.toFixed(0)} s; regenerated wholesale, do not edit.`,
    '',
    table(
      ['Machine', ''],
      [
        ['CPU', facts.cpu],
        ['Cores', facts.cores],
        ['Memory', facts.memory],
        ['Node', facts.node],
        ['OS', facts.os],
        ['Date', facts.date],
      ],
      ['left', 'left'],
    ),
    '',
    'The machine is shared and noisy, so every figure that is judged is compared with a reference measured ' +
      'in the same run (interleaved where possible) and the goal is set on the ratio.',
    '',
    summary,
    '',
    ...outcomes.map(section),
  ].join('\n');
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchor(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

async function main(): Promise<void> {
  const filters = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
  const files = readdirSync(join(ROOT, 'bench'))
    .filter((file) => file.endsWith(SUFFIX))
    .sort();
  const selected = files.filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)));
  if (selected.length === 0) {
    process.stderr.write(`bench: nothing matches ${filters.join(', ')}; have ${files.join(', ')}\n`);
    process.exit(2);
  }

  const facts = machine();
  const started = nowMs();
  const outcomes: Outcome[] = [];
  for (const file of selected) {
    const name = file.slice(0, -SUFFIX.length);
    process.stderr.write(`bench: ${name}\n`);
    const t0 = nowMs();
    try {
      const module = (await import(pathToFileURL(join(ROOT, 'bench', file)).href)) as {
        run?: () => Promise<BenchResult>;
      };
      if (typeof module.run !== 'function') throw new Error(`${file} does not export run()`);
      const result = await module.run();
      outcomes.push({ name, result, seconds: (nowMs() - t0) / 1000 });
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      process.stderr.write(`bench: ${name} failed: ${message}\n`);
      outcomes.push({
        name,
        seconds: (nowMs() - t0) / 1000,
        error,
        result: {
          title: name,
          table: '_No figures: the benchmark failed._',
          goal: '–',
          met: false,
          method: `failed with: ${error instanceof Error ? error.message : String(error)}`.replace(
            /\n/g,
            ' ',
          ),
        },
      });
    }
    const last = outcomes.at(-1)!;
    process.stderr.write(`bench: ${name} ${last.result.met ? '✅' : '❌'} in ${last.seconds.toFixed(1)} s\n`);
  }
  const totalSeconds = (nowMs() - started) / 1000;

  const markdown = document(facts, outcomes, totalSeconds);
  if (filters.length === 0) {
    writeFileSync(join(ROOT, 'docs', 'BENCHMARKS.md'), markdown);
    process.stderr.write(`bench: wrote docs/BENCHMARKS.md in ${totalSeconds.toFixed(1)} s\n`);
  } else {
    process.stdout.write(`${outcomes.map(section).join('\n')}\n`);
    process.stderr.write(
      `bench: filtered run (${totalSeconds.toFixed(1)} s), docs/BENCHMARKS.md left as it was\n`,
    );
  }
  // Unmet goals are results, not failures; a benchmark that could not run is.
  process.exitCode = outcomes.some((o) => o.error !== undefined) ? 1 : 0;
}

await main();
