// Next version from git alone on a big repository: 50,000 commits and 2,000 tags made with git fast-import,
// analyzeRelease timed on a typical range (since the last tag) and on a 10,000-commit range, and
// @semantic-release/commit-analyzer's analyzeCommits run on the same commits to check the bump agrees.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeRelease } from '../src/versioning/analyze.js';
import { readCommits } from '../src/versioning/git.js';
import { type BenchResult, fixed, median, nowMs, progress, table, timed } from './lib.js';

const COMMITS = 50_000;
const TAGS = 2_000;
const TAG_EVERY = 20; // tags on the first 40,000 commits; the last 10,000 are not released yet
const RUNS = 5;
const SAMPLES = 40;

/** A small deterministic PRNG (mulberry32), so every run builds the same history. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function message(i: number, rand: () => number): string {
  const r = rand();
  if (r < 0.0005) return `feat(core)!: breaking change ${i}\n\nBREAKING CHANGE: the API changed in ${i}`;
  if (r < 0.03) return `feat(api): feature ${i} (#${i})`;
  if (r < 0.11) return `fix: bug ${i}\n\nLonger explanation of the fix.`;
  if (r < 0.13) return `perf: faster ${i}`;
  if (r < 0.3) return `docs: document ${i}`;
  if (r < 0.5) return `chore(deps): bump ${i}`;
  if (r < 0.6) return `refactor: tidy ${i}`;
  return `Update file ${i}`;
}

/** Side branches of reverts compared with commit-analyzer: git's form and the conventional one of released
 * commits, and a commit reverted in the same range. */
const REVERT_RANGES = [
  "git's Revert of a released fix",
  'conventional revert of a released feat',
  'a feat and its revert',
] as const;
type RevertRange = (typeof REVERT_RANGES)[number];

/** Commits on top of `from` (a tag's commit, not moving any branch); returns the last one. */
function revertRange(cwd: string, from: string, kind: RevertRange): string {
  const released = (prefix: string) => {
    const log = git(cwd, ['log', '--format=%H %s', '-n', '200', from]).trim().split('\n');
    const line = log.find((entry) => entry.slice(41).startsWith(prefix));
    if (!line) throw new Error(`no released '${prefix}' commit in the 200 before ${from}`);
    return { sha: line.slice(0, 40), subject: line.slice(41) };
  };
  const commit = (parent: string, text: string) =>
    git(cwd, ['commit-tree', `${parent}^{tree}`, '-p', parent, '-m', text]).trim();
  if (kind === "git's Revert of a released fix") {
    const fix = released('fix:');
    return commit(from, `Revert "${fix.subject}"\n\nThis reverts commit ${fix.sha}.`);
  }
  if (kind === 'conventional revert of a released feat') {
    const feat = released('feat(api):');
    return commit(
      commit(from, 'docs: note'),
      `revert: "${feat.subject}"\n\nThis reverts commit ${feat.sha}.`,
    );
  }
  const feat = commit(from, 'feat: experiment');
  return commit(commit(feat, `revert: "feat: experiment"\n\nThis reverts commit ${feat}.`), 'chore: tidy');
}

function tagName(k: number): string {
  return `v${1 + Math.floor(k / 500)}.${Math.floor(k / 10) % 50}.${k % 10}`;
}

/** The fast-import stream: one commit per mark, a file change each, lightweight tags via `reset`. */
function stream(): string {
  const rand = prng(42);
  const parts: string[] = [];
  const when = 1_700_000_000;
  for (let i = 1; i <= COMMITS; i++) {
    const msg = message(i, rand);
    const content = `line ${i}\n`;
    parts.push(
      `commit refs/heads/main\nmark :${i}\ncommitter Bench <bench@example.com> ${when + i} +0000\n` +
        `data ${Buffer.byteLength(msg)}\n${msg}\n` +
        (i > 1 ? `from :${i - 1}\n` : '') +
        `M 100644 inline src/f${i % 200}.txt\ndata ${Buffer.byteLength(content)}\n${content}\n`,
    );
    if (i % TAG_EVERY === 0 && i / TAG_EVERY <= TAGS) {
      parts.push(`reset refs/tags/${tagName(i / TAG_EVERY - 1)}\nfrom :${i}\n\n`);
    }
  }
  return parts.join('');
}

const ENV = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  // For the revert ranges made with commit-tree (fast-import names its own committer).
  GIT_AUTHOR_NAME: 'Bench',
  GIT_AUTHOR_EMAIL: 'bench@example.com',
  GIT_COMMITTER_NAME: 'Bench',
  GIT_COMMITTER_EMAIL: 'bench@example.com',
};

function git(cwd: string, args: string[], input?: string): string {
  return execFileSync('git', args, { cwd, env: ENV, input, encoding: 'utf8', maxBuffer: 1 << 30 });
}

type AnalyzeCommits = (config: object, context: object) => Promise<string | null>;
// No type declarations ship with the plugin: imported by a name TypeScript does not resolve.
const analyzerModule: string = '@semantic-release/commit-analyzer';
const { analyzeCommits } = (await import(analyzerModule)) as { analyzeCommits: AnalyzeCommits };

const semanticConfig = {
  // The same grammar as the engine: `!` after type/scope, both footer spellings.
  parserOpts: {
    headerPattern: /^(\w*)(?:\(([^()\r\n]*)\))?!?: (.*)$/,
    breakingHeaderPattern: /^(\w*)(?:\(([^()\r\n]*)\))?!: (.*)$/,
    noteKeywords: ['BREAKING CHANGE', 'BREAKING-CHANGE'],
  },
};

async function semanticBump(cwd: string, from: string | undefined, to: string): Promise<string | undefined> {
  const raw = await readCommits(cwd, { to, ...(from ? { from } : {}) });
  const commits = raw.map((c) => ({ hash: c.sha, message: c.message }));
  const logger = { log: () => {}, error: () => {} };
  return (await analyzeCommits(semanticConfig, { commits, logger, cwd })) ?? undefined;
}

export async function run(): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'release-bench-'));
  try {
    progress(`release: generating ${COMMITS} commits and ${TAGS} tags with git fast-import`);
    const t0 = nowMs();
    git(dir, ['init', '--quiet', '--initial-branch=main']);
    git(dir, ['fast-import', '--quiet'], stream());
    git(dir, ['checkout', '--quiet', 'main']);
    const generateMs = nowMs() - t0;
    const marks = git(dir, ['rev-list', '--reverse', 'main']).trim().split('\n');
    const shaOf = (i: number) => marks[i - 1]!;

    // A typical deploy: 25 commits after the last of 2,000 tags (commit 40,025).
    const typicalSha = shaOf(TAGS * TAG_EVERY + 25);
    const bigSha = shaOf(COMMITS);
    const measure = async (sha: string) => {
      const times: number[] = [];
      let last: Awaited<ReturnType<typeof analyzeRelease>> | undefined;
      for (let r = 0; r < RUNS; r++) {
        const { value, ms } = await timed(() => analyzeRelease({ cwd: dir, sha }));
        times.push(ms);
        last = value;
      }
      return { ms: median(times), max: Math.max(...times), result: last! };
    };
    progress('release: timing analyzeRelease');
    const typical = await measure(typicalSha);
    const big = await measure(bigSha);

    progress('release: timing @semantic-release/commit-analyzer on the same commits');
    const semTimes: number[] = [];
    const semBigTimes: number[] = [];
    const bigRaw = await readCommits(dir, { from: shaOf(TAGS * TAG_EVERY), to: bigSha });
    const bigInput = bigRaw.map((c) => ({ hash: c.sha, message: c.message }));
    const logger = { log: () => {}, error: () => {} };
    let semBig: string | undefined;
    for (let r = 0; r < RUNS; r++) {
      semTimes.push((await timed(() => semanticBump(dir, shaOf(TAGS * TAG_EVERY), typicalSha))).ms);
      const { value, ms } = await timed(
        async () =>
          (await analyzeCommits(semanticConfig, { commits: bigInput, logger, cwd: dir })) ?? undefined,
      );
      semBigTimes.push(ms);
      semBig = value;
    }

    // Agreement: ranges from a tag to a commit 1..19 after it, over the whole history.
    progress(`release: comparing bumps on ${SAMPLES} ranges`);
    const rand = prng(7);
    let agree = 0;
    const disagreements: string[] = [];
    const bumps: Record<string, number> = {};
    for (let s = 0; s < SAMPLES; s++) {
      const k = Math.floor(rand() * (TAGS - 1));
      const to = shaOf((k + 1) * TAG_EVERY + 1 + Math.floor(rand() * (TAG_EVERY - 1)));
      const ours = await analyzeRelease({ cwd: dir, sha: to });
      const theirs = await semanticBump(dir, shaOf((k + 1) * TAG_EVERY), to);
      bumps[ours.bump ?? 'none'] = (bumps[ours.bump ?? 'none'] ?? 0) + 1;
      if (ours.bump === theirs) agree++;
      else disagreements.push(`${tagName(k)}..${to.slice(0, 7)}: ${ours.bump} vs ${theirs}`);
    }
    // Reverts, in both forms commit-analyzer reads (git's `Revert "…"` and the conventional `revert: …`),
    // on side branches from a tag: of released commits (a patch), and a commit with its revert (nothing).
    progress(`release: comparing bumps on ${REVERT_RANGES.length} ranges of reverts`);
    for (const [index, kind] of REVERT_RANGES.entries()) {
      const tag = tagName(TAGS - 2 - index * 7);
      const from = git(dir, ['rev-parse', `${tag}^{commit}`]).trim();
      const to = revertRange(dir, from, kind);
      const ours = await analyzeRelease({ cwd: dir, sha: to });
      const theirs = await semanticBump(dir, from, to);
      bumps[ours.bump ?? 'none'] = (bumps[ours.bump ?? 'none'] ?? 0) + 1;
      if (ours.bump === theirs) agree++;
      else disagreements.push(`${kind} after ${tag}: ${ours.bump} vs ${theirs}`);
    }
    const typicalSem = await semanticBump(dir, shaOf(TAGS * TAG_EVERY), typicalSha);
    const totalAgree =
      agree + (typical.result.bump === typicalSem ? 1 : 0) + (big.result.bump === semBig ? 1 : 0);
    const totalRanges = SAMPLES + REVERT_RANGES.length + 2;

    const met = typical.ms < 1000 && big.ms < 1000 && totalAgree === totalRanges;
    const rows = [
      [
        `analyzeRelease, ${typical.result.stats.commitsRead} commits since ${typical.result.previousTag}`,
        fixed(typical.ms),
        fixed(typical.max),
        typical.result.bump ?? 'none',
        typical.result.nextVersion ?? '–',
      ],
      [
        `analyzeRelease, ${big.result.stats.commitsRead} commits since ${big.result.previousTag}`,
        fixed(big.ms),
        fixed(big.max),
        big.result.bump ?? 'none',
        big.result.nextVersion ?? '–',
      ],
      [
        `commit-analyzer, same ${typical.result.stats.commitsRead} commits (git log included)`,
        fixed(median(semTimes)),
        fixed(Math.max(...semTimes)),
        typicalSem ?? 'none',
        '–',
      ],
      [
        `commit-analyzer, same ${bigInput.length} commits (parse + rules only)`,
        fixed(median(semBigTimes)),
        fixed(Math.max(...semBigTimes)),
        semBig ?? 'none',
        '–',
      ],
    ];
    return {
      title: 'Release version from git (50,000 commits, 2,000 tags)',
      table: table(['Case', 'median ms', 'max ms', 'bump', 'next'], rows, [
        'left',
        'right',
        'right',
        'left',
        'left',
      ]),
      goal: 'analyzeRelease < 1000 ms on both ranges, and the same bump as @semantic-release/commit-analyzer',
      met,
      method:
        `repository generated with git fast-import in ${fixed(generateMs / 1000)} s (${COMMITS} commits, ${TAGS} ` +
        `lightweight tags, one every ${TAG_EVERY} commits on the first ${TAGS * TAG_EVERY}); median of ${RUNS} runs ` +
        `of analyzeRelease (all git calls included: tags reachable, tags listed, one git log, parsing); ` +
        `bump agreement checked on ${totalRanges} ranges.`,
      notes: [
        `Bump agreement with commit-analyzer ${totalAgree}/${totalRanges} ranges (ours: ${Object.entries(
          bumps,
        )
          .map(([b, n]) => `${b} ${n}`)
          .join(', ')})${disagreements.length ? `; differ: ${disagreements.slice(0, 5).join('; ')}` : ''}.`,
        'commit-analyzer was given the conventionalcommits grammar (`!`, BREAKING-CHANGE) so the two read the same rules; ' +
          `${REVERT_RANGES.length} of the ranges hold reverts (${REVERT_RANGES.join(', ')}); the generated history has no squash bodies (where the engine deliberately goes further).`,
        `Tags read per call: ${big.result.stats.tagsRead}; no commit-graph file (as in a fresh actions/checkout clone).`,
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
