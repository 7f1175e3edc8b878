// The floor rules of .dependency-cruiser.cjs (run by `npm run lint`) on a small tree made by hand: each rule
// fires on the import it forbids and stays quiet on the imports the layout allows.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/repo.js';

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
}

const FILES: Record<string, string> = {
  // Allowed: an action uses kit, an engine and the ground floor; an engine uses another engine and http.
  'src/actions/deploy-env/main.ts':
    "import '../kit/core.js';\nimport '../../deploy/deploy.js';\nimport '../../http/url.js';\n",
  'src/actions/kit/core.ts': "import '@actions/core';\n",
  'src/deploy/deploy.ts': "import '../ledger/types.js';\nimport '../http/client.js';\n",
  'src/ledger/types.ts': 'export const x = 1;\n',
  'src/http/client.ts': "import '../common/input-error.js';\n",
  'src/common/input-error.ts': 'export const y = 1;\n',
  'src/cli.ts': "import './actions/kit/core.js';\n",
  // Forbidden, one each.
  'src/actions/release/main.ts': "import '../rollback/main.js';\n",
  'src/actions/rollback/main.ts': 'export const z = 1;\n',
  'src/actions/kit/stages.ts': "import '../rollback/main.js';\n",
  'src/probe/smoke.ts': "import '@actions/core';\nimport '../actions/kit/core.js';\n",
  'src/http/retry.ts': "import '../probe/smoke.js';\n",
  'src/common/words.ts': "import '../http/client.js';\n",
  'src/canary/a.ts': "import './b.js';\n",
  'src/canary/b.ts': "import './a.js';\n",
};

let dir: string;
let violations: Violation[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'deploy-kit-floors-'));
  for (const [file, text] of Object.entries(FILES)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' },
      include: ['src'],
    }),
  );
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
  const bin = join(repoRoot, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
  const config = join(repoRoot, '.dependency-cruiser.cjs');
  // depcruise exits non-zero when it finds violations: the JSON report is on stdout either way.
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [bin, 'src', '--config', config, '--output-type', 'json'],
    { cwd: dir, maxBuffer: 16 * 1024 * 1024 },
  ).catch((error: { stdout: string }) => error);
  violations = (JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations;
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const found = (rule: string) =>
  violations
    .filter((v) => v.rule.name === rule)
    .map((v) => `${v.from} -> ${v.to.replace(/^.*node_modules\/(@actions\/[^/]+)\/.*$/, '$1')}`)
    .sort();

describe('the floor rules', () => {
  it('refuse an action folder importing another, kit included', () => {
    expect(found('no-action-imports-another-action')).toEqual([
      'src/actions/release/main.ts -> src/actions/rollback/main.ts',
    ]);
    expect(found('no-kit-imports-an-action')).toEqual([
      'src/actions/kit/stages.ts -> src/actions/rollback/main.ts',
    ]);
  });

  it('refuse an engine importing src/actions or @actions/*', () => {
    expect(found('engines-do-not-import-actions')).toEqual([
      'src/probe/smoke.ts -> @actions/core',
      'src/probe/smoke.ts -> src/actions/kit/core.ts',
    ]);
  });

  it('keep the ground floor below everything, and common below http', () => {
    expect(found('ground-floor-imports-nothing-above')).toEqual(['src/http/retry.ts -> src/probe/smoke.ts']);
    expect(found('common-below-http')).toEqual(['src/common/words.ts -> src/http/client.ts']);
  });

  it('refuse a cycle (reported once, where it is entered)', () => {
    expect(found('no-circular')).toEqual(['src/canary/a.ts -> src/canary/b.ts']);
  });

  it('allow actions on kit, engines and the ground floor, and engines on each other', () => {
    const allowed = violations.filter((v) =>
      ['src/actions/deploy-env/', 'src/actions/kit/core.ts', 'src/deploy/', 'src/cli.ts'].some((p) =>
        v.from.startsWith(p),
      ),
    );
    expect(allowed).toEqual([]);
    expect(violations).toHaveLength(7);
  });
});
