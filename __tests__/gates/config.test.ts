import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/common/input-error.js';
import {
  CHECKS_DEFAULTS,
  gatesSchema,
  isGatesFilePath,
  keyPath,
  parseGatesConfig,
} from '../../src/gates/config.js';
import { GATE_ORDER } from '../../src/gates/types.js';

const require = createRequire(import.meta.url);

async function problem(text: string): Promise<InputError> {
  try {
    await parseGatesConfig(text);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be refused`);
}

const EVERY_KEY = `
branch:
  production: [main, 'v*']
  staging: '*'
freeze:
  timezone: Europe/Berlin
  override-label: emergency
  windows:
    - { name: weekend, from: 'Fri 16:00', to: 'Mon 08:00', environments: [production] }
    - { name: year-end, from: 2026-12-20, to: 2027-01-02, timezone: America/New_York, environments: production }
    - { from: '2026-07-01 18:30', to: 2026-07-02T06:00 }
env:
  variables: [API_URL]
  secrets: [DEPLOY_TOKEN]
reviews:
  min-approvals: 2
  no-changes-requested: false
vulnerabilities:
  fail-on: high
  sarif: [trivy.sarif, 'reports/**/*.sarif']
  npm-audit: npm-audit.json
  dependabot: true
  ignore: [CVE-2024-12345]
migrations:
  run: npx prisma migrate status
  name: prisma
  cwd: api
  timeout: 2m
command:
  - ./scripts/check-config.sh
  - { name: plan, run: terraform plan -detailed-exitcode, cwd: infra, timeout: 1m30s }
checks:
  mode: named
  names: [test, 'build (*)']
  ignore: [lint]
  allowed-conclusions: [success, skipped]
  grace: 0s
  interval: 5s
  max-interval: 30s
  timeout: 20m
  fail-fast: false
`;

describe('parseGatesConfig: every key', () => {
  it('reads every gate and key into the typed config', async () => {
    const config = await parseGatesConfig(EVERY_KEY);
    expect(Object.keys(config)).toEqual([
      'branch',
      'freeze',
      'env',
      'reviews',
      'vulnerabilities',
      'migrations',
      'command',
      'checks',
    ]);
    expect(config.branch).toEqual({
      rules: [
        { environment: 'production', refs: ['main', 'v*'] },
        { environment: 'staging', refs: ['*'] },
      ],
    });
    expect(config.freeze).toEqual({
      overrideLabel: 'emergency',
      windows: [
        {
          kind: 'weekly',
          name: 'weekend',
          timezone: 'Europe/Berlin',
          from: { day: 5, minutes: 960 },
          to: { day: 1, minutes: 480 },
          environments: ['production'],
        },
        {
          kind: 'dates',
          name: 'year-end',
          timezone: 'America/New_York',
          from: '2026-12-20T00:00',
          to: '2027-01-03T00:00',
          environments: ['production'],
        },
        {
          kind: 'dates',
          timezone: 'Europe/Berlin',
          from: '2026-07-01T18:30',
          to: '2026-07-02T06:00',
          environments: [],
        },
      ],
    });
    expect(config.env).toEqual({ variables: ['API_URL'], secrets: ['DEPLOY_TOKEN'] });
    expect(config.reviews).toEqual({ minApprovals: 2, noChangesRequested: false });
    expect(config.vulnerabilities).toEqual({
      failOn: 'high',
      sarif: ['trivy.sarif', 'reports/**/*.sarif'],
      npmAudit: ['npm-audit.json'],
      dependabot: true,
      ignore: ['CVE-2024-12345'],
    });
    expect(config.migrations).toEqual({
      name: 'prisma',
      run: 'npx prisma migrate status',
      cwd: 'api',
      timeoutMs: 120_000,
    });
    expect(config.command).toEqual([
      { name: './scripts/check-config.sh', run: './scripts/check-config.sh', timeoutMs: 600_000 },
      { name: 'plan', run: 'terraform plan -detailed-exitcode', cwd: 'infra', timeoutMs: 90_000 },
    ]);
    expect(config.checks).toEqual({
      mode: 'named',
      names: ['test', 'build (*)'],
      ignore: ['lint'],
      allowedConclusions: ['success', 'skipped'],
      graceMs: 0,
      intervalMs: 5000,
      maxIntervalMs: 30_000,
      timeoutMs: 1_200_000,
      failFast: false,
    });
  });

  it('reads the short forms with their defaults', async () => {
    const config = await parseGatesConfig(
      'freeze:\n  - { from: Sat 00:00, to: Sun 23:59, timezone: utc }\nenv: [A, B]\nreviews:\nmigrations: alembic check\ncommand: make verify\nchecks: required\n',
    );
    expect(config.freeze?.windows[0]).toMatchObject({ kind: 'weekly', timezone: 'UTC' });
    expect(config.freeze?.overrideLabel).toBeUndefined();
    expect(config.env).toEqual({ variables: ['A', 'B'], secrets: [] });
    expect(config.reviews).toEqual({ minApprovals: 1, noChangesRequested: true });
    expect(config.migrations).toEqual({ name: 'alembic', run: 'alembic check', timeoutMs: 600_000 });
    expect(config.command).toEqual([{ name: 'make verify', run: 'make verify', timeoutMs: 600_000 }]);
    expect(config.checks).toEqual({ mode: 'required', names: [], ...CHECKS_DEFAULTS });
    expect((await parseGatesConfig('checks:\n')).checks?.mode).toBe('all');
    expect((await parseGatesConfig('checks: [test]')).checks).toMatchObject({
      mode: 'named',
      names: ['test'],
    });
    expect((await parseGatesConfig('reviews: 0')).reviews?.minApprovals).toBe(0);
    expect((await parseGatesConfig('{"env": ["A"]}')).env?.variables).toEqual(['A']);
  });

  it('names migrations by their program, skipping variables and npx', async () => {
    const name = async (run: string) =>
      (await parseGatesConfig(`migrations: ${JSON.stringify(run)}`)).migrations?.name;
    expect(await name('DATABASE_URL=x npx prisma migrate status')).toBe('prisma');
    expect(await name('./bin/rails db:migrate:status')).toBe('rails');
  });

  it('reads a gates file named by the input, with positions in that file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gates-config-'));
    try {
      await writeFile(
        join(dir, 'gates.yml'),
        'checks: all\nfreeze:\n  - { from: Fri 16:00, to: Mon 08:00, timezone: CET1 }\n',
      );
      const error = await parseGatesConfig('.github/../gates.yml', {
        baseDir: dir,
        input: 'gates-file',
      }).catch((e) => e);
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toMatch(
        /^gates-file: freeze\[0\]\.timezone: unknown time zone 'CET1' .*\(at \.github\/\.\.\/gates\.yml:3:49\)$/,
      );
      expect(error.location).toEqual({ file: '.github/../gates.yml', line: 3, column: 49 });
      const missing = await parseGatesConfig('nope.yaml', { baseDir: dir }).catch((e) => e);
      expect(missing.message).toBe(
        `gates: names the file 'nope.yaml' (${join(dir, 'nope.yaml')}), which does not exist`,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    expect(isGatesFilePath('gates.yml')).toBe(true);
    expect(isGatesFilePath('checks: gates.yml')).toBe(false);
    expect(isGatesFilePath('- a.yml')).toBe(false);
  });
});

describe('parseGatesConfig: errors with key paths and positions', () => {
  it('unknown gate, with a guess', async () => {
    const error = await problem('checks: all\nfreez: []\n');
    expect(error.message).toBe(
      "gates: unknown gate 'freez' (did you mean 'freeze'? known: branch, freeze, env, reviews, vulnerabilities, migrations, command, checks) (at line 2, column 1)",
    );
    expect(error.location).toEqual({ line: 2, column: 1 });
  });

  it('unknown keys in every gate, at the key', async () => {
    const cases: [string, string][] = [
      [
        'checks:\n  names: [test]\n  graec: 10s\n',
        "checks: unknown key 'graec' (did you mean 'grace'? allowed: mode, names, ignore, allowed-conclusions, grace, interval, max-interval, timeout, fail-fast) (at line 3, column 3)",
      ],
      [
        'reviews: { min-approval: 2 }',
        "reviews: unknown key 'min-approval' (did you mean 'min-approvals'? allowed: min-approvals, no-changes-requested) (at line 1, column 12)",
      ],
      [
        'vulnerabilities: { sarif: a.sarif, severity: high }',
        "vulnerabilities: unknown key 'severity' (allowed: fail-on, sarif, npm-audit, dependabot, ignore) (at line 1, column 36)",
      ],
      ['env: { vars: [A] }', "env: unknown key 'vars' (allowed: variables, secrets) (at line 1, column 8)"],
      [
        'migrations: { run: x, dir: y }',
        "migrations: unknown key 'dir' (allowed: run, name, cwd, timeout) (at line 1, column 23)",
      ],
      [
        'command:\n  - run: x\n    cmd: y\n',
        "command[0]: unknown key 'cmd' (did you mean 'cwd'? allowed: run, name, cwd, timeout) (at line 3, column 5)",
      ],
      [
        'freeze:\n  windows: [{ from: Fri 16:00, to: Mon 08:00, timezone: UTC, zone: UTC }]\n',
        "freeze.windows[0]: unknown key 'zone' (allowed: name, from, to, timezone, environments) (at line 2, column 62)",
      ],
      [
        'freeze:\n  windows: [{ from: Fri 16:00, to: Mon 08:00, timezone: UTC }]\n  override: x\n',
        "freeze: unknown key 'override' (allowed: windows, timezone, override-label) (at line 3, column 3)",
      ],
    ];
    for (const [text, message] of cases) expect((await problem(text)).message).toBe(`gates: ${message}`);
  });

  it('bad time zones, with the zone meant', async () => {
    const error = await problem('freeze:\n  - { from: Fri 16:00, to: Mon 08:00, timezone: Berlin }\n');
    expect(error.message).toBe(
      "gates: freeze[0].timezone: unknown time zone 'Berlin' (did you mean 'Europe/Berlin'? give an IANA zone like Europe/Berlin, America/New_York or UTC) (at line 2, column 49)",
    );
    expect(
      (await problem('freeze:\n  timezone: CEST\n  windows: [{ from: Fri 16:00, to: Mon 08:00 }]\n')).message,
    ).toBe(
      "gates: freeze.timezone: unknown time zone 'CEST' (give an IANA zone like Europe/Berlin, America/New_York or UTC) (at line 2, column 13)",
    );
    expect((await problem('freeze:\n  windows:\n    - { from: Fri 16:00, to: Mon 08:00 }\n')).message).toBe(
      "gates: freeze.windows[0]: missing required key 'timezone' (an IANA time zone like Europe/Berlin; or set freeze.timezone for every window) (at line 3, column 7)",
    );
  });

  it('bad durations: no unit, no number, zero timeouts', async () => {
    expect((await problem('checks:\n  timeout: 10\n')).message).toBe(
      "gates: checks.timeout: must be a duration like 200ms or 1.5s, got '10' (add a unit: 10s or 10ms) (at line 2, column 12)",
    );
    expect((await problem('checks: { interval: fast }')).message).toBe(
      "gates: checks.interval: must be a duration like 200ms or 1.5s, got 'fast' (units are ms, s, m and h) (at line 1, column 21)",
    );
    expect((await problem('command:\n  - run: x\n    timeout: 0s\n')).message).toBe(
      "gates: command[0].timeout: must be a duration of at least 1 ms, got '0s' (at line 3, column 14)",
    );
    expect((await problem('migrations: { run: x, timeout: 5 }')).message).toMatch(
      /^gates: migrations\.timeout: must be a duration like 200ms or 1\.5s, got '5'/,
    );
    expect((await problem('checks: { interval: 30s, max-interval: 10s }')).message).toBe(
      "gates: checks.max-interval: must not be shorter than 'interval' (30s) (at line 1, column 40)",
    );
    expect((await parseGatesConfig('checks: { grace: 0s }')).checks?.graceMs).toBe(0);
  });

  it('bad freeze times', async () => {
    const at = (from: string, to: string) => `freeze:\n  - { from: '${from}', to: '${to}', timezone: UTC }\n`;
    expect((await problem(at('Fry 16:00', 'Mon 08:00'))).message).toContain(
      "freeze[0].from: must be a weekday and time like 'Fri 16:00', or a date like 2026-12-20 (with a time: 2026-12-20T18:00), got 'Fry 16:00' ('Fry' is not a weekday; use Mon, Tue, Wed, Thu, Fri, Sat or Sun)",
    );
    expect((await problem(at('Fri 24:00', 'Mon 08:00'))).message).toContain('hours run from 00 to 23');
    expect((await problem(at('2026-02-30', '2026-03-02'))).message).toContain(
      '2026-02-30 is not a date in the calendar',
    );
    expect((await problem(at('2026-03-02', '2026-03-01'))).message).toContain(
      "freeze[0].to: must be after 'from' (2026-03-02), got '2026-03-01'",
    );
    expect((await problem(at('Fri 16:00', '2026-03-01'))).message).toContain(
      'freeze[0].to: must be of the same kind as',
    );
    expect((await problem(at('Fri 16:00', 'friday 16:00'))).message).toContain(
      'a window cannot be empty or the whole week',
    );
    expect((await problem(at('tomorrow', 'Mon 08:00'))).message).toContain("got 'tomorrow'");
  });

  it('wrong types and values, named by key path', async () => {
    const cases: [string, string][] = [
      [
        'reviews: two',
        "reviews: must be a whole number, a mapping (key: value) or empty, got 'two' (at line 1, column 10)",
      ],
      ['reviews: -1', 'reviews: must be a whole number of at least 0, got -1 (at line 1, column 10)'],
      [
        'vulnerabilities: { fail-on: severe, sarif: a }',
        "vulnerabilities.fail-on: must be one of low, medium, high, critical, got 'severe' (at line 1, column 29)",
      ],
      [
        'vulnerabilities: {}',
        "vulnerabilities: has nothing to read: give 'sarif', 'npm-audit' or 'dependabot: true' (at line 1, column 18)",
      ],
      [
        'vulnerabilities: { dependabot: yes please }',
        "vulnerabilities.dependabot: must be true or false, got 'yes please' (at line 1, column 32)",
      ],
      [
        'checks: requird',
        "checks: must be one of all, required, a list of check names or a mapping, got 'requird' (did you mean 'required'?) (at line 1, column 9)",
      ],
      [
        'checks: { allowed-conclusions: [success, passed] }',
        "checks.allowed-conclusions[1]: must be one of success, neutral, skipped, failure, cancelled, timed_out, action_required, stale, startup_failure, got 'passed' (at line 1, column 42)",
      ],
      [
        'checks: { mode: named }',
        "checks.mode: is 'named' but no 'names' are given; list the checks under 'names' (at line 1, column 17)",
      ],
      [
        'checks: { mode: all, names: [x] }',
        "checks.names: apply only to mode 'named', but mode is 'all'; remove 'mode' or 'names' (at line 1, column 29)",
      ],
      [
        'env: [1abc]',
        "env[0]: must be a variable name (letters, digits and _, not starting with a digit), got '1abc' (at line 1, column 7)",
      ],
      [
        'env: {}',
        "env: must name at least one variable or secret: 'variables: [NAME]' or 'secrets: [NAME]' (at line 1, column 6)",
      ],
      ['branch: {}', 'branch: must not be empty (at line 1, column 9)'],
      ['branch: { production: [] }', 'branch.production: must not be an empty list (at line 1, column 23)'],
      [
        'command: [a, a]',
        "command[1]: the name 'a' is already used by command[0]; give each command a distinct name (at line 1, column 14)",
      ],
      ['command: []', 'command: must not be an empty list (at line 1, column 10)'],
      ['migrations: { name: x }', "migrations: missing required key 'run' (at line 1, column 13)"],
      [
        'freeze:\n  - { name: a, from: Fri 16:00, to: Mon 08:00, timezone: UTC }\n  - { name: a, from: Sat 16:00, to: Sun 08:00, timezone: UTC }\n',
        "freeze[1].name: the name 'a' is already used by freeze[0] (at line 3, column 13)",
      ],
    ];
    for (const [text, message] of cases) expect((await problem(text)).message).toBe(`gates: ${message}`);
  });

  it('lists several problems at once, in document order', async () => {
    const meaning = await problem(
      'env: {}\nfreeze:\n  - { from: Fri 16:00, to: Mon 08:00, timezone: Berlin }\ncommand: [a, a]\n',
    );
    expect(meaning.message).toBe(
      [
        'gates: 3 problems:',
        "  env: must name at least one variable or secret: 'variables: [NAME]' or 'secrets: [NAME]' (at line 1, column 6)",
        "  freeze[0].timezone: unknown time zone 'Berlin' (did you mean 'Europe/Berlin'? give an IANA zone like Europe/Berlin, America/New_York or UTC) (at line 3, column 49)",
        "  command[1]: the name 'a' is already used by command[0]; give each command a distinct name (at line 4, column 14)",
      ].join('\n'),
    );
    expect(meaning.location).toEqual({ line: 1, column: 6 });
    // Shape problems are found first, all together; meaning is judged once the shape is right.
    const shape = await problem(
      'reviews: two\nchecks: { timeout: 10 }\nfreeze: [{ from: Fri 16:00, to: Mon 08:00, timezone: Berlin }]\n',
    );
    expect(shape.message).toBe(
      [
        'gates: 2 problems:',
        "  reviews: must be a whole number, a mapping (key: value) or empty, got 'two' (at line 1, column 10)",
        "  checks.timeout: must be a duration like 200ms or 1.5s, got '10' (add a unit: 10s or 10ms) (at line 2, column 20)",
      ].join('\n'),
    );
  });

  it('empty, not a mapping, or not YAML', async () => {
    expect((await problem('')).message).toBe(
      "gates: is empty; give the gates as YAML, like 'checks: required'",
    );
    expect((await problem('[1, 2]')).message).toBe(
      'gates: must be a mapping of gates (branch, freeze, env, reviews, vulnerabilities, migrations, command, checks), got a list',
    );
    const yaml = await problem('checks: [\n');
    expect(yaml.message).toMatch(/^gates: not valid YAML: .* \(at line 2, column 1\)$/);
    expect(yaml.location).toEqual({ line: 2, column: 1 });
  });

  it('key paths bracket keys that are not words', () => {
    expect(keyPath(['branch', 'my env'])).toBe('branch["my env"]');
    expect(keyPath(['freeze', 'windows', 0, 'timezone'])).toBe('freeze.windows[0].timezone');
  });
});

describe('the published JSON Schema', () => {
  it('is a valid draft-07 schema that ajv compiles in strict mode', async () => {
    const { default: Ajv } = (await import('ajv')) as unknown as { default: typeof import('ajv').Ajv };
    const ajv = new Ajv({ strict: true, allowUnionTypes: true });
    expect(ajv.validateSchema(gatesSchema)).toBe(true);
    expect(() => ajv.compile(gatesSchema)).not.toThrow();
    const onDisk = JSON.parse(
      readFileSync(require.resolve('../../schemas/preflight-gates.schema.json'), 'utf8'),
    );
    expect(onDisk).toEqual(gatesSchema);
  });

  it('names exactly the gates config.ts knows, and every gate has a title and description for editors', () => {
    const properties = gatesSchema.properties as Record<string, { title?: string; description?: string }>;
    expect(Object.keys(properties).sort()).toEqual([...GATE_ORDER].sort());
    for (const [name, gate] of Object.entries(properties)) {
      expect(gate.title, name).toBeTruthy();
      expect(gate.description, name).toBeTruthy();
    }
  });

  it('accepts what config.ts accepts: every example in the schema parses', async () => {
    const schema = gatesSchema as unknown as Record<string, unknown>;
    const examples: { gate?: string; value: unknown }[] = [];
    const visit = (node: unknown, gate: string | undefined) => {
      if (!node || typeof node !== 'object') return;
      const record = node as Record<string, unknown>;
      if (Array.isArray(record.examples) && gate)
        for (const value of record.examples) examples.push({ gate, value });
      for (const [key, child] of Object.entries(record)) {
        if (key !== 'examples') visit(child, gate);
      }
    };
    for (const [gate, node] of Object.entries(schema.properties as object)) visit(node, gate);
    const gateLevel = examples.filter(({ gate, value }) => {
      const node = (schema.properties as Record<string, { examples?: unknown[] }>)[gate ?? ''];
      return node?.examples?.includes(value);
    });
    expect(gateLevel.length).toBeGreaterThanOrEqual(3);
    for (const { gate, value } of gateLevel) {
      await expect(
        parseGatesConfig(JSON.stringify({ [gate ?? '']: value })),
        `${gate}: ${JSON.stringify(value)}`,
      ).resolves.toBeDefined();
    }
    // The full document above uses every key the schema lists, so the schema and config.ts agree on keys.
    const { parse } = await import('yaml');
    const document = parse(EVERY_KEY) as Record<string, unknown>;
    const keysOf = (value: unknown): string[] =>
      value && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : [];
    const definitions = schema.definitions as Record<string, { properties?: object }>;
    expect(keysOf(document.checks).sort()).toEqual(
      Object.keys(definitions.checksSettings?.properties ?? {}).sort(),
    );
    expect(keysOf(document.freeze).sort()).toEqual(
      Object.keys(definitions.freezeSettings?.properties ?? {}).sort(),
    );
    expect(keysOf(document.migrations).sort()).toEqual(
      Object.keys(definitions.command?.properties ?? {}).sort(),
    );
    expect(keysOf(document.vulnerabilities).sort()).toEqual(
      Object.keys(
        (schema.properties as Record<string, { properties?: object }>).vulnerabilities?.properties ?? {},
      ).sort(),
    );
  });
});
