// README, docs/, examples/ and the action READMEs name no command that could fetch a package other than this
// project: on the public registry `deploy-kit` is someone else's package, so `npx deploy-kit …` outside a
// clone (or in a mistyped folder) would download and run it. Ours is package.json's scoped name.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { actionNames, repoRoot } from '../helpers/repo.js';

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  name: string;
  bin: Record<string, string>;
};
const BIN = Object.keys(pkg.bin)[0]!;

/** Commands that download a package when it is not installed, and those that install one. */
const RUNNERS = /(?:^|[\s`'"(;|&])(npx|bunx|pnpx|(?:npm|pnpm|yarn)\s+(?:exec|x|dlx))\s+([^`'"\n;|&)]*)/g;
const INSTALLERS = /(?:^|[\s`'"(;|&])((?:npm|pnpm|yarn)\s+(?:i|install|add))\s+([^`'"\n;|&)]*)/g;
/** Options of npx / npm exec that take a value (the next word). */
const VALUE_OPTIONS = new Set([
  '--package',
  '-p',
  '--call',
  '-c',
  '--workspace',
  '-w',
  '--registry',
  '--cache',
]);

/** `@scope/name@1.2.3` → `@scope/name`; `name@^2` → `name`. */
function packageName(spec: string): string {
  const at = spec.indexOf('@', spec.startsWith('@') ? 1 : 0);
  return at > 0 ? spec.slice(0, at) : spec;
}

interface Fetch {
  /** The packages the command may download or install. */
  packages: string[];
  /** The command it runs (npx and npm exec), when it names one. */
  runs?: string;
}

/** What each package-fetching command on a line would fetch. */
function fetchesOf(line: string): Fetch[] {
  const found: Fetch[] = [];
  for (const match of line.matchAll(RUNNERS)) {
    const words = (match[2] ?? '').trim().split(/\s+/).filter(Boolean);
    const packages: string[] = [];
    let runs: string | undefined;
    for (let i = 0; i < words.length; i++) {
      const word = words[i]!;
      if (word === '--') continue;
      const [flag, inline] = word.split(/=(.*)/s);
      if (flag === '--package' || flag === '-p') {
        const value = inline ?? words[++i];
        if (value) packages.push(packageName(value));
      } else if (word.startsWith('-')) {
        if (VALUE_OPTIONS.has(word) && inline === undefined) i++;
      } else {
        runs = word;
        break;
      }
    }
    // Without --package the command's first word is the package npx fetches.
    if (packages.length === 0 && runs !== undefined) packages.push(packageName(runs));
    found.push({ packages, ...(runs !== undefined ? { runs } : {}) });
  }
  for (const match of line.matchAll(INSTALLERS)) {
    const words = (match[2] ?? '')
      .trim()
      .split(/\s+/)
      .filter((word) => word && !word.startsWith('-'));
    found.push({ packages: words.map(packageName) });
  }
  return found;
}

/** A problem with a command, or undefined when it can only fetch this project (or a stranger's own tool). */
function problemOf(fetch: Fetch): string | undefined {
  if (fetch.packages.includes(BIN)) {
    return `fetches the unscoped package '${BIN}', which is not this project's: use npx --package ${pkg.name} ${BIN}`;
  }
  if (fetch.runs === BIN && !fetch.packages.includes(pkg.name)) {
    return `runs ${BIN} from ${fetch.packages.join(', ') || 'no package'}, not ${pkg.name}`;
  }
  if (fetch.packages.some((name) => name !== pkg.name && /deploy-kit/.test(name))) {
    return `names ${fetch.packages.join(', ')}, while this project is ${pkg.name} (package.json)`;
  }
  return undefined;
}

function docFiles(): string[] {
  const files = ['README.md', ...actionNames().map((action) => `${action}/README.md`)];
  for (const dir of ['docs', 'examples']) {
    for (const entry of readdirSync(join(repoRoot, dir), { recursive: true }) as string[]) {
      if (/\.(md|ya?ml|sh)$/.test(entry)) files.push(join(dir, entry));
    }
  }
  return files.sort();
}

describe('the scanner', () => {
  it('finds the commands that could fetch another package', () => {
    const bad = [
      'npx deploy-kit smoke-test --url http://x',
      'run `npx deploy-kit status`',
      'npx -y deploy-kit@latest smoke-test',
      'npm exec deploy-kit -- status',
      'npm x -- deploy-kit status',
      'pnpm dlx deploy-kit status',
      'yarn dlx deploy-kit status',
      'bunx deploy-kit status',
      'npm install -g deploy-kit',
      'npm i deploy-kit@1',
      'npx --package deploy-kit deploy-kit status',
      'npx --package=@someone/deploy-kit deploy-kit status',
      'npx -p @deploy-kit/other deploy-kit status',
    ];
    for (const line of bad) {
      expect({ line, problems: fetchesOf(line).map(problemOf).filter(Boolean).length }).toEqual({
        line,
        problems: 1,
      });
    }
    const good = [
      `npx --package ${pkg.name} deploy-kit smoke-test --url http://x`,
      `npx --package=${pkg.name}@0.1.0 deploy-kit status`,
      `npm exec --package ${pkg.name} -- deploy-kit status`,
      `npm install --global ${pkg.name}`,
      'npm run cli -- smoke-test --url http://x',
      'npx --yes vercel@39.1.1 build --prod',
      'npx tsx __tests__/fakes/test-app.ts --port 8080',
      'deploy-kit status --environment production',
      'uses: acme/deploy-kit/smoke-test@v1',
    ];
    for (const line of good) {
      expect({ line, problems: fetchesOf(line).map(problemOf).filter(Boolean) }).toEqual({
        line,
        problems: [],
      });
    }
  });
});

describe('README, docs, examples and the action READMEs', () => {
  it('scans every one of them', () => {
    const files = docFiles();
    expect(files).toEqual(
      expect.arrayContaining([
        'README.md',
        'docs/BENCHMARKS.md',
        'examples/README.md',
        'smoke-test/README.md',
      ]),
    );
    expect(files.some((file) => file.startsWith('examples/') && file.endsWith('.yml'))).toBe(true);
  });

  it('name no command that could fetch a package other than this project', () => {
    const problems: string[] = [];
    let ours = 0;
    for (const file of docFiles()) {
      readFileSync(join(repoRoot, file), 'utf8')
        .split('\n')
        .forEach((line, index) => {
          for (const fetch of fetchesOf(line)) {
            if (fetch.packages.includes(pkg.name)) ours++;
            const problem = problemOf(fetch);
            if (problem) problems.push(`${relative('.', file)}:${index + 1}: ${problem}: ${line.trim()}`);
          }
        });
    }
    expect(problems).toEqual([]);
    // The CLI is documented, under this project's name.
    expect(ours).toBeGreaterThanOrEqual(5);
  });

  it('README still starts with the two set-up commands', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const firstBlock = /```bash\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(firstBlock.split('\n').map((line) => line.replace(/\s+#.*$/, '').trim())).toEqual([
      'npm ci && npm run demo',
      'npm ci && npm test',
      '',
    ]);
  });
});
