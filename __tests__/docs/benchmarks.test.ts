// docs/BENCHMARKS.md says each figure once, in its table; where the prose repeats one (a goal, a note, the
// summary at the top) it must be the table's. bench/ generates both from the same measurements; this test
// fails when they drift apart, whether by a hand edit or by a benchmark whose notes were written by hand.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/repo.js';

interface Section {
  title: string;
  /** Tables in order, each a list of rows of cells (header row first, the --- row dropped). */
  tables: string[][][];
  /** Everything that is not a table: goal, method and notes. */
  prose: string;
}

function cells(line: string): string[] {
  return line
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split('|')
    .map((cell) => cell.trim());
}

function parse(markdown: string): { head: Section; sections: Section[] } {
  const parts = markdown.split(/^## /m);
  const toSection = (text: string, title: string): Section => {
    const tables: string[][][] = [];
    const prose: string[] = [];
    let current: string[][] | undefined;
    for (const line of text.split('\n')) {
      if (line.startsWith('|')) {
        if (!current) {
          current = [];
          tables.push(current);
        }
        if (!/^\|\s*-/.test(line)) current.push(cells(line));
      } else {
        current = undefined;
        prose.push(line);
      }
    }
    return { title, tables, prose: prose.join('\n') };
  };
  const [head = '', ...rest] = parts;
  return {
    head: toSection(head, ''),
    sections: rest.map((part) =>
      toSection(part.slice(part.indexOf('\n') + 1), part.slice(0, part.indexOf('\n'))),
    ),
  };
}

const doc = parse(readFileSync(join(repoRoot, 'docs/BENCHMARKS.md'), 'utf8'));

function section(title: string): Section {
  const found = doc.sections.find((s) => s.title.startsWith(title));
  if (!found) throw new Error(`docs/BENCHMARKS.md has no section '${title}…'`);
  return found;
}

/** The row of `table` whose first cell starts with `label`, as a map from column header to cell. */
function row(table: string[][] | undefined, label: string): Record<string, string> {
  const [header = [], ...rows] = table ?? [];
  const found = rows.find((r) => r[0]?.startsWith(label));
  if (!found) throw new Error(`no row '${label}…' in the table ${header.join(' | ')}`);
  return Object.fromEntries(header.map((name, index) => [name, found[index] ?? '']));
}

function figure(text: string, pattern: RegExp, what: string): RegExpExecArray {
  const match = pattern.exec(text);
  if (!match) throw new Error(`docs/BENCHMARKS.md no longer says ${what} (${pattern})`);
  return match;
}

const num = (text: string | undefined) => Number(text?.replace(/[^\d.]/g, ''));

describe('docs/BENCHMARKS.md: the prose repeats its tables', () => {
  it('GitHub API calls of a deploy: the calls listed, the history reads and the common total are the table’s', () => {
    const { tables, prose } = section('GitHub API calls of a deploy');
    const ours = row(tables[0], 'deploy-kit');
    const common = row(tables[0], 'Common');
    const [, count, list] = figure(
      prose,
      /deploy-kit's (\d+) calls?, in order: ([^(]+(?:\(GraphQL\)[^(]*)*)/,
      'the calls',
    );
    const calls = list!
      .replace(/\s*$/, '')
      .split(/,\s*/)
      .flatMap((part) => {
        const repeated = /^(\d+) × (.+)$/.exec(part.trim());
        return repeated ? Array(Number(repeated[1])).fill(repeated[2]) : [part.trim()];
      });
    expect(Number(count)).toBe(num(ours.Calls));
    expect(calls).toHaveLength(num(ours.Calls));
    expect(calls.filter((call) => call.includes('GraphQL'))).toHaveLength(num(ours.GraphQL));
    expect(calls.filter((call) => !call.includes('GraphQL'))).toHaveLength(num(ours.REST));
    const [, reads] = figure(prose, /in (\d+) history reads?/, 'how many history reads');
    expect(Number(reads)).toBe(num(ours.GraphQL));
    const [, commonTotal] = figure(prose, /= (\d+) for N = \d+/, "the common approach's total");
    expect(Number(commonTotal)).toBe(num(common.Calls));
    const [, limit] = figure(prose, /costs ≤ (\d+) API calls/, 'the goal');
    expect(num(ours.Calls) <= Number(limit)).toBe(/— ✅ met/.test(prose));
  });

  it('GitHub API calls per poll of the checks gate: the first and last REST polls, and every total', () => {
    const { tables, prose } = section('GitHub API calls per poll of the checks gate');
    const [header = [], ...rows] = tables[0] ?? [];
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      const values = Object.fromEntries(header.map((name, index) => [name, r[index] ?? '']));
      const perPoll = (values['Calls per poll'] ?? '').split('·').map(num);
      expect(perPoll, r[0]).toHaveLength(num(values.Polls));
      expect(
        perPoll.reduce((a, b) => a + b, 0),
        r[0],
      ).toBe(num(values.Calls));
    }
    const rest = row(tables[0], 'Per-check-run REST')['Calls per poll']!.split('·').map(num);
    const [, first, last] = figure(
      prose,
      /(\d+) calls? at the first poll here, (\d+) calls? at the last/,
      'the REST polls',
    );
    expect([Number(first), Number(last)]).toEqual([rest[0], rest.at(-1)]);
  });

  it('GitHub API calls of a rollback plan: the goal’s calls for the longest read are the table’s', () => {
    const { tables, prose } = section('GitHub API calls of a rollback plan');
    const [, calls, limit] = figure(prose, /\((\d+) for (\d+)\)/, 'the calls for the longest read');
    const longest = row(tables[0], `(b)`);
    expect(longest.Case).toContain(`limit ${limit}`);
    expect(Number(calls)).toBe(num(longest.GraphQL));
  });

  it('Release version from git: the agreement counts add up to the ranges the method names', () => {
    const { tables, prose } = section('Release version from git');
    const [, agree, total, ours] = figure(
      prose,
      /Bump agreement with commit-analyzer (\d+)\/(\d+) ranges \(ours: ([^)]*)\)/,
      'the agreement',
    );
    const [, checked] = figure(prose, /bump agreement checked on (\d+) ranges/, 'the ranges checked');
    expect(Number(total)).toBe(Number(checked));
    expect(Number(agree)).toBeLessThanOrEqual(Number(total));
    // The sampled ranges, plus the two of the table.
    const sampled = ours!.split(',').reduce((sum, part) => sum + num(part), 0);
    expect(sampled + 2).toBe(Number(total));
    const [, commits] = figure(row(tables[0], 'analyzeRelease').Case!, /(\d+) commits/, 'the typical range');
    expect(row(tables[0], `commit-analyzer, same ${commits} commits`)).toBeDefined();
    const [, tags] = figure(prose, /Tags read per call: (\d+)/, 'the tags read');
    expect(prose).toContain(`${tags} lightweight tags`);
  });

  it('Canary analysis: the goals note and the limits repeat the table’s figures', () => {
    const { tables, prose } = section('Canary analysis');
    const ours = Object.values(row(tables[0], 'ours'));
    const limit = Object.values(row(tables[0], 'information limit'));
    const timing = tables.find((t) => t[0]?.[0] === 'Judgment time');
    const [, falseAborts, slow30, slow10, errors, cpu, wall] = figure(
      prose,
      /false aborts (?:not )?met \(([\d.]+)%\), 30% slower (?:not )?met \(([\d.]+)%\), 10% slower (?:not )?met \(([\d.]+)%.*?\), errors (?:not )?met \(([\d.]+)%\), time (?:not )?met \(max ([\d.]+) ms of CPU, ([\d.]+) ms wall/,
      'the goals',
    );
    expect([falseAborts, slow30, slow10, errors].map(Number)).toEqual(
      ours.slice(1, 5).map((cell) => Number(/^([\d.]+)%/.exec(cell)?.[1])),
    );
    // The prose rounds the table's two decimals to one: within half a tenth (3.45 may print as 3.4).
    const roundsTo = (oneDecimal: string, twoDecimals: number) =>
      expect(Math.abs(Number(oneDecimal) - twoDecimals)).toBeLessThanOrEqual(0.05 + 1e-9);
    roundsTo(cpu!, num(row(timing, 'the same looks: CPU time').ms));
    roundsTo(wall!, num(row(timing, 'worst look').ms));
    const limits = [...prose.matchAll(/\(limit ([\d.]+)%/g)].map((m) => Number(m[1]));
    const [, limit10] = figure(prose, /whose limit ([\d.]+)%/, 'the 10% limit');
    expect([...limits, Number(limit10)]).toEqual([
      num(limit[2]),
      Number(/^([\d.]+)%/.exec(limit[4] ?? '')?.[1]),
      num(limit[3]),
    ]);
  });

  it('Probe engine beside autocannon: the medians of the rounds are the table’s, and so are the ratios', () => {
    const { tables, prose } = section('Probe engine beside autocannon');
    const a = row(tables[0], 'a.');
    const b = row(tables[0], 'b.');
    const c = row(tables[0], 'c.');
    const median = (list: string) => {
      const values = list
        .split(',')
        .map(num)
        .sort((x, y) => x - y);
      return values[(values.length - 1) / 2]!;
    };
    const rounds = figure(
      prose,
      /a\. p50 ours ([\d., ]+) ms, autocannon ([\d., ]+) ms; b\. req\/s ours ([\d, ]+), autocannon ([\d, ]+), bare node:http ([\d, ]+); c\. ours ([\d, ]+) ms, autocannon ([\d, ]+) ms/,
      'the rounds',
    );
    expect(median(rounds[1]!)).toBe(num(a.runSmoke));
    expect(median(rounds[2]!)).toBe(num(a.autocannon));
    expect(median(rounds[3]!)).toBe(num(b.runSmoke?.split('req/s')[0]));
    expect(median(rounds[4]!)).toBe(num(b.autocannon?.split('req/s')[0]));
    expect(median(rounds[6]!)).toBe(num(c.runSmoke));
    expect(median(rounds[7]!)).toBe(num(c.autocannon?.split('ms')[0]));
    const [, bare, bareRatio, oursRatio] = figure(
      prose,
      /did (\d+) req\/s, ([\d.]+)× autocannon; runSmoke did ([\d.]+)× of it/,
      'the bare loop',
    );
    expect(median(rounds[5]!)).toBe(Number(bare));
    const ours = num(b.runSmoke?.split('req/s')[0]);
    const theirs = num(b.autocannon?.split('req/s')[0]);
    expect(Number(bareRatio)).toBeCloseTo(Number(bare) / theirs, 2);
    expect(Number(oursRatio)).toBeCloseTo(ours / Number(bare), 2);
  });

  it('Start-up: the Node named is the machine table’s', () => {
    const { prose } = section('Start-up of the action bundles');
    const node = row(doc.head.tables[0], 'Node')[''];
    expect(node).toMatch(/^v\d+\./);
    expect(prose).toContain(`- Node ${node} at `);
  });

  it('the summary at the top repeats each section’s goal and verdict', () => {
    const summary = doc.head.tables.find((table) => table[0]?.[0] === 'Benchmark');
    expect(summary?.length).toBe(doc.sections.length + 1);
    for (const s of doc.sections) {
      const line = summary!.find((r) => r[0]?.startsWith(`[${s.title}]`));
      expect(line, s.title).toBeDefined();
      const goal = figure(s.prose, /\*\*Goal:\*\* (.*) — (✅ met|❌ not met)$/m, `the goal of ${s.title}`);
      expect([line![1], line![2]], s.title).toEqual([goal[1], goal[2]!.slice(0, 1)]);
    }
  });

  it('counts one thing in the singular: no "1 requests"', () => {
    const text = readFileSync(join(repoRoot, 'docs/BENCHMARKS.md'), 'utf8');
    const wrong = text.match(
      /(?<![\d.,×/])\b1 (?:[a-z]+ )?(?:requests|calls|commits|polls|runs|rounds|files|tags|deployments|errors|timeouts|reads|checks|ranges|looks|writes|retries)\b/g,
    );
    expect(wrong).toBeNull();
  });
});
