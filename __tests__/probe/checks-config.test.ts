import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DURATION_PATTERN } from '../../src/common/durations.js';
import { InputError } from '../../src/common/input-error.js';
import { PERCENT_PATTERN } from '../../src/common/numbers.js';
import { STATUS_PATTERN } from '../../src/http/status-ranges.js';
import {
  type CheckDefaults,
  checksSchema,
  isChecksFilePath,
  keyPath,
  type LoadChecksOptions,
  loadChecks,
} from '../../src/probe/checks-config.js';

const root = join(import.meta.dirname, '../..');
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

const base: CheckDefaults = {
  headers: { 'User-Agent': 'deploy-kit', Accept: '*/*' },
  timeoutMs: 10_000,
  samples: 1,
  followRedirects: true,
  maxRedirects: 5,
  expectStatus: [{ min: 200, max: 299 }],
  thresholds: { maxErrorRate: 0 },
  tls: { insecure: false },
};

/** A fake file system for readFile; unknown paths fail like fs does. */
function files(entries: Record<string, string>): LoadChecksOptions['readFile'] {
  return (path: string) => {
    const content = entries[path];
    if (content === undefined) {
      throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
    }
    return content;
  };
}

const opts: LoadChecksOptions = { baseDir: '/work', readFile: files({ '/work/certs/ca.pem': PEM }) };

async function load(text: string, defaults: CheckDefaults = base, options: LoadChecksOptions = opts) {
  return loadChecks(text, defaults, options);
}

/** The InputError loading throws: its message (and that it names the input). */
async function problem(text: string, defaults: CheckDefaults = base, options: LoadChecksOptions = opts) {
  const error = await loadChecks(text, defaults, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputError);
  expect((error as InputError).input).toBe(options.input ?? 'checks');
  return (error as InputError).message;
}

const STATUS = 'must be a status code like 200, a class like 2xx or a range like 200-299';

describe('loadChecks: the documented example', () => {
  const example = `
defaults:
  headers: { Authorization: Bearer x }
  timeout: 5s
  samples: 20
  follow-redirects: true
checks:
  - name: health
    url: https://example.test/health
    method: GET
    headers: { X-Token: abc }
    expect:
      status: [200, 3xx]
      body-contains: [ok]
      body-matches: ['"version":"v\\d+"']
      json:
        - { path: $.status, equals: ok }
        - { path: 'data.items[0].id', exists: true }
        - { path: data.count, min: 1, max: 10 }
        - { path: data.name, matches: '^svc-' }
      headers:
        content-type: { matches: json }
        x-request-id: { exists: true }
        x-exact: v1
    follow-redirects: true
    max-redirects: 5
    timeout: 2s
    tls: { min-valid-days: 14, insecure: false, ca-file: ./certs/ca.pem }
    samples: 50
    latency: { p50: 50ms, p95: 200ms, p99: 500ms, max: 2s }
    max-error-rate: 1%
  - url: https://example.test/items?page=2
    method: POST
    body: { a: 1 }
`;

  it('expands every key into a CheckSpec', async () => {
    const [health, post] = await load(example);
    expect(health).toEqual({
      name: 'health',
      url: 'https://example.test/health',
      method: 'GET',
      headers: { 'User-Agent': 'deploy-kit', Accept: '*/*', Authorization: 'Bearer x', 'X-Token': 'abc' },
      expectStatus: [
        { min: 200, max: 200 },
        { min: 300, max: 399 },
      ],
      bodyContains: ['ok'],
      bodyMatches: [/"version":"v\d+"/],
      json: [
        { path: '$.status', equals: 'ok' },
        { path: 'data.items[0].id', exists: true },
        { path: 'data.count', min: 1, max: 10 },
        { path: 'data.name', matches: /^svc-/ },
      ],
      headerAssertions: [
        { name: 'content-type', matches: /json/ },
        { name: 'x-request-id', exists: true },
        { name: 'x-exact', equals: 'v1' },
      ],
      followRedirects: true,
      maxRedirects: 5,
      timeoutMs: 2000,
      tls: { minValidDays: 14, insecure: false, ca: PEM },
      samples: 50,
      thresholds: { p50Ms: 50, p95Ms: 200, p99Ms: 500, maxMs: 2000, maxErrorRate: 0.01 },
    });
    expect(post).toEqual({
      name: 'POST /items?page=2',
      url: 'https://example.test/items?page=2',
      method: 'POST',
      headers: {
        'User-Agent': 'deploy-kit',
        Accept: '*/*',
        Authorization: 'Bearer x',
        'content-type': 'application/json',
      },
      body: '{"a":1}',
      expectStatus: [{ min: 200, max: 299 }],
      bodyContains: [],
      bodyMatches: [],
      json: [],
      headerAssertions: [],
      followRedirects: true,
      maxRedirects: 5,
      timeoutMs: 5000,
      tls: { insecure: false },
      samples: 20,
      thresholds: { maxErrorRate: 0 },
    });
  });

  it('validates with the published schema file', () => {
    const published = JSON.parse(readFileSync(join(root, 'schemas/smoke-test-checks.schema.json'), 'utf8'));
    expect(checksSchema).toEqual(published);
  });
});

describe('loadChecks: forms and defaults', () => {
  it('takes just a list of checks', async () => {
    const [check] = await load('- url: https://example.test/health');
    expect(check?.name).toBe('GET /health');
    expect(check?.timeoutMs).toBe(10_000);
    expect(check?.headers).toEqual(base.headers);
    expect(check?.expectStatus).toEqual([{ min: 200, max: 299 }]);
    expect(check?.expectStatus).not.toBe(base.expectStatus);
  });

  it('takes JSON', async () => {
    const checks = await load('{"checks": [{"url": "https://example.test/", "samples": 3}]}');
    expect(checks.map((c) => [c.name, c.samples])).toEqual([['GET /', 3]]);
  });

  it('applies base, then file defaults, then the check, key by key', async () => {
    const withBase: CheckDefaults = {
      ...base,
      thresholds: { p95Ms: 1000, p99Ms: 3000, maxErrorRate: 0.05 },
      tls: { insecure: true, minValidDays: 7, ca: 'BASE' },
      expectStatus: [{ min: 200, max: 204 }],
    };
    const [a, b] = await load(
      `
defaults:
  headers: { user-agent: file-agent, X-Env: staging }
  latency: { p95: 300ms }
  tls: { min-valid-days: 30 }
  max-error-rate: 0.1%
  max-redirects: 2
  follow-redirects: false
checks:
  - url: https://example.test/a
    headers: { x-env: prod }
    latency: { p50: 20ms }
    tls: { insecure: false }
    max-redirects: 0
    follow-redirects: true
  - url: https://example.test/b
    expect: { status: 2xx }
`,
      withBase,
    );
    expect(a?.headers).toEqual({ Accept: '*/*', 'user-agent': 'file-agent', 'x-env': 'prod' });
    expect(a?.thresholds).toEqual({ p50Ms: 20, p95Ms: 300, p99Ms: 3000, maxErrorRate: 0.001 });
    expect(a?.tls).toEqual({ insecure: false, minValidDays: 30, ca: 'BASE' });
    expect([a?.maxRedirects, a?.followRedirects]).toEqual([0, true]);
    expect(a?.expectStatus).toEqual([{ min: 200, max: 204 }]);
    expect(b?.headers).toEqual({ Accept: '*/*', 'user-agent': 'file-agent', 'X-Env': 'staging' });
    expect(b?.thresholds).toEqual({ p95Ms: 300, p99Ms: 3000, maxErrorRate: 0.001 });
    expect(b?.tls).toEqual({ insecure: true, minValidDays: 30, ca: 'BASE' });
    expect([b?.maxRedirects, b?.followRedirects]).toEqual([2, false]);
    expect(b?.expectStatus).toEqual([{ min: 200, max: 299 }]);
  });

  it('sends a string body as is and keeps a given content-type for a JSON body', async () => {
    const [a, b] = await load(`
- url: https://example.test/a
  method: PUT
  body: 'plain text'
- url: https://example.test/b
  method: PATCH
  headers: { Content-Type: application/merge-patch+json, X-N: 5, X-B: true }
  body: [1, "two"]
`);
    expect(a?.body).toBe('plain text');
    expect(a?.headers['content-type']).toBeUndefined();
    expect(b?.body).toBe('[1,"two"]');
    expect(b?.headers).toMatchObject({
      'Content-Type': 'application/merge-patch+json',
      'X-N': '5',
      'X-B': 'true',
    });
    expect(b?.headers['content-type']).toBeUndefined();
  });

  it('accepts a single status, a status list string and lowercase classes', async () => {
    const [a, b] = await load(`
- { url: https://example.test/a, expect: { status: 204 } }
- { url: https://example.test/b, expect: { status: '200,3xx', body-contains: ok, body-matches: 'v\\d' } }
`);
    expect(a?.expectStatus).toEqual([{ min: 204, max: 204 }]);
    expect(b?.expectStatus).toEqual([
      { min: 200, max: 200 },
      { min: 300, max: 399 },
    ]);
    expect(b?.bodyContains).toEqual(['ok']);
    expect(b?.bodyMatches).toEqual([/v\d/]);
  });

  it('resolves a relative url against the base URL', async () => {
    const [a, b] = await load('- url: /health\n- url: https://other.test/x', {
      ...base,
      baseUrl: 'https://staging.example.test/app/',
    });
    expect(a?.url).toBe('https://staging.example.test/health');
    expect(a?.name).toBe('GET /health');
    expect(b?.url).toBe('https://other.test/x');
  });

  it('keeps YAML anchors and merge keys working', async () => {
    const [a, b] = await load(`
checks:
  - &first
    url: https://example.test/a
    timeout: 3s
  - <<: *first
    url: https://example.test/b
`);
    expect([a?.timeoutMs, b?.timeoutMs, b?.url]).toEqual([3000, 3000, 'https://example.test/b']);
  });
});

describe('loadChecks: a file or inline text', () => {
  it.each([
    ['checks.yml', true],
    ['./ci/smoke.yaml', true],
    ['C:\\ci\\smoke.JSON', true],
    ['  smoke.yml  ', true],
    ['- url: https://x.test/a.json', false],
    ['{checks: [{url: https://x.test/a.json}]}', false],
    ['url: https://x.test/a.yml', false],
    ['checks.yml\n- url: x', false],
    ['smoke.txt', false],
  ])('%j is a path: %s', (text, isPath) => {
    expect(isChecksFilePath(text)).toBe(isPath);
  });

  it('reads a file relative to baseDir and resolves ca-file from its folder', async () => {
    const readFile = files({
      '/work/ci/smoke.yml': 'checks:\n  - url: https://example.test/\n    tls: { ca-file: ca.pem }\n',
      '/work/ci/ca.pem': PEM,
    });
    const [check] = await load('ci/smoke.yml', base, { baseDir: '/work', readFile });
    expect(check?.tls.ca).toBe(PEM);
  });

  it('reads from the real file system by default', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'checks-config-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(
      join(dir, 'smoke.json'),
      JSON.stringify({ checks: [{ url: 'https://example.test/json' }] }),
    );
    const [check] = await loadChecks('smoke.json', base, { baseDir: dir });
    expect(check?.url).toBe('https://example.test/json');
  });

  it('names a missing file', async () => {
    expect(await problem('ci/missing.yml')).toBe(
      "'checks' names the file 'ci/missing.yml' (/work/ci/missing.yml), which does not exist",
    );
  });

  it('names the file in the position of a problem', async () => {
    const readFile = files({
      '/work/ci/smoke.yml': 'checks:\n  - url: https://example.test/\n    timeout: 5\n',
    });
    const error = await loadChecks('ci/smoke.yml', base, { baseDir: '/work', readFile }).catch(
      (e: InputError) => e,
    );
    expect((error as InputError).message).toBe(
      "checks[0].timeout: must be a duration like 200ms or 1.5s, got '5' (add a unit: 5s or 5ms) (at ci/smoke.yml:3:14)",
    );
    expect((error as InputError).location).toEqual({ file: 'ci/smoke.yml', line: 3, column: 14 });
  });

  it('uses the input name it is given', async () => {
    expect(await problem('', base, { ...opts, input: 'suite' })).toBe(
      "'suite' is empty; give the checks as YAML, or a path to a .yml or .json file",
    );
  });
});

describe('loadChecks: the schema, in the user’s terms', () => {
  it.each([
    [
      'an unknown key, with a suggestion',
      '- url: https://x.test/\n  expct: {}',
      "checks[0]: unknown key 'expct' (did you mean 'expect'? allowed: name, url, method, headers, body, expect, follow-redirects, max-redirects, timeout, tls, samples, latency, max-error-rate) (at line 2, column 3)",
    ],
    [
      'an unknown top-level key',
      'check:\n  - url: https://x.test/\nchecks:\n  - url: https://x.test/',
      "'checks' has an unknown top-level key 'check' (did you mean 'checks'? allowed: defaults, checks) (at line 1, column 1)",
    ],
    [
      'an unknown key in defaults',
      'defaults: { method: POST }\nchecks: [{ url: https://x.test/ }]',
      "defaults: unknown key 'method' (allowed: headers, follow-redirects, max-redirects, timeout, tls, samples, latency, max-error-rate) (at line 1, column 13)",
    ],
    [
      'a bad status in a list',
      '- url: https://x.test/a\n- url: https://x.test/b\n- url: https://x.test/c\n  expect:\n    status: [2x, 200]',
      `checks[2].expect.status[0]: ${STATUS}, got '2x' (at line 5, column 14)`,
    ],
    [
      'a bad single status',
      '- url: https://x.test/\n  expect: { status: 700 }',
      `checks[0].expect.status: ${STATUS}, got '700' (codes run from 100 to 599) (at line 2, column 21)`,
    ],
    [
      'a bare number as a duration',
      '- url: https://x.test/\n  latency: { p95: 200 }',
      "checks[0].latency.p95: must be a duration like 200ms or 1.5s, got '200' (add a unit: 200s or 200ms) (at line 2, column 19)",
    ],
    [
      'a word as a duration',
      'defaults: { timeout: fast }\nchecks: [{ url: https://x.test/ }]',
      "defaults.timeout: must be a duration like 200ms or 1.5s, got 'fast' (units are ms, s, m and h) (at line 1, column 22)",
    ],
    [
      'a percentage above 1 without %',
      '- url: https://x.test/\n  max-error-rate: 5',
      "checks[0].max-error-rate: must be a percentage like 5% or a fraction like 0.05, got '5' (a bare number is a fraction from 0 to 1; write 5% for a percentage) (at line 2, column 19)",
    ],
    [
      'a number out of range',
      '- url: https://x.test/\n  samples: 0',
      'checks[0].samples: must be a whole number from 1 to 100000, got 0 (at line 2, column 12)',
    ],
    [
      'a fractional integer',
      '- url: https://x.test/\n  tls: { min-valid-days: 1.5 }',
      'checks[0].tls.min-valid-days: must be a whole number, got 1.5 (at line 2, column 26)',
    ],
    [
      'a lowercase method',
      '- url: https://x.test/\n  method: get',
      "checks[0].method: must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, got 'get' (did you mean 'GET'?) (at line 2, column 11)",
    ],
    [
      'yes as a boolean',
      '- url: https://x.test/\n  follow-redirects: yes',
      "checks[0].follow-redirects: must be true or false, got 'yes' (at line 2, column 21)",
    ],
    [
      'a number where strings go',
      '- url: https://x.test/\n  expect: { body-contains: 5 }',
      'checks[0].expect.body-contains: must be a string or a list of strings, got 5 (at line 2, column 28)',
    ],
    [
      'a bad item in a list of strings',
      '- url: https://x.test/\n  expect: { body-contains: [ok, 5] }',
      'checks[0].expect.body-contains[1]: must be a string, got 5 (at line 2, column 33)',
    ],
    [
      'an empty string',
      '- url: https://x.test/\n  name: ""',
      'checks[0].name: must not be empty (at line 2, column 9)',
    ],
    ['an empty value', '- url:', 'checks[0].url: must be a string, got an empty value (at line 1, column 7)'],
    ['a missing url', '- name: x', "checks[0]: missing required key 'url' (at line 1, column 3)"],
    ['no checks', 'checks: []', 'checks: must list at least one check (at line 1, column 9)'],
    [
      'no checks key',
      'defaults: { samples: 2 }',
      "'checks' must have a 'checks' list (or be just the list of checks) (at line 1, column 1)",
    ],
    [
      'a header assertion with an unknown key',
      '- url: https://x.test/\n  expect:\n    headers:\n      etag: { exist: true }',
      "checks[0].expect.headers.etag: unknown key 'exist' (did you mean 'exists'? allowed: exists, equals, matches) (at line 4, column 15)",
    ],
    [
      'a JSON assertion without a path',
      '- url: https://x.test/\n  expect: { json: [{ equals: 1 }] }',
      "checks[0].expect.json[0]: missing required key 'path' (at line 2, column 20)",
    ],
    [
      'a request header value that is a mapping',
      '- url: https://x.test/\n  headers: { X-A: { b: 1 } }',
      'checks[0].headers.X-A: must be a string, a number or true or false, got a mapping (at line 2, column 19)',
    ],
    [
      'a body that is a number',
      '- url: https://x.test/\n  method: POST\n  body: 5',
      'checks[0].body: must be a string, a mapping (key: value) or a list, got 5 (at line 3, column 9)',
    ],
  ])('%s', async (_, text, message) => {
    expect(await problem(text)).toBe(message);
  });

  it('lists every problem, in document order, and locates the first', async () => {
    const text = '- url: https://x.test/\n  samples: 0\n- url: https://x.test/\n  timeout: 1\n  expct: 1';
    const error = await loadChecks(text, base, opts).catch((e: InputError) => e);
    expect((error as InputError).message).toBe(
      [
        "'checks' has 3 problems:",
        '  checks[0].samples: must be a whole number from 1 to 100000, got 0 (at line 2, column 12)',
        "  checks[1].timeout: must be a duration like 200ms or 1.5s, got '1' (add a unit: 1s or 1ms) (at line 4, column 12)",
        "  checks[1]: unknown key 'expct' (did you mean 'expect'? allowed: name, url, method, headers, body, expect, follow-redirects, max-redirects, timeout, tls, samples, latency, max-error-rate) (at line 5, column 3)",
      ].join('\n'),
    );
    expect((error as InputError).location).toEqual({ line: 2, column: 12 });
  });
});

describe('loadChecks: beyond the schema', () => {
  it.each([
    [
      'a regular expression that does not compile',
      "- url: https://x.test/a\n- url: https://x.test/b\n  expect: { body-matches: ['ok', '('] }",
      "checks[1].expect.body-matches[1]: invalid regular expression '(': Unterminated group (at line 3, column 34)",
    ],
    [
      'a single regular expression that does not compile',
      "- url: https://x.test/\n  expect: { body-matches: 'a[' }",
      "checks[0].expect.body-matches: invalid regular expression 'a[': Unterminated character class (at line 2, column 27)",
    ],
    [
      'a JSON matches that does not compile',
      "- url: https://x.test/\n  expect: { json: [{ path: a, matches: '*' }] }",
      "checks[0].expect.json[0].matches: invalid regular expression '*': Nothing to repeat (at line 2, column 40)",
    ],
    [
      'a header matches that does not compile',
      "- url: https://x.test/\n  expect: { headers: { etag: { matches: '(?<' } } }",
      "checks[0].expect.headers.etag.matches: invalid regular expression '(?<': Invalid capture group name (at line 2, column 41)",
    ],
    [
      'a malformed JSON path',
      '- url: https://x.test/\n  expect: { json: [{ path: a..b, exists: true }] }',
      "checks[0].expect.json[0].path: must be a path like data.items[0].id or $.status, got 'a..b' (at line 2, column 28)",
    ],
    [
      'a JSON assertion that asserts nothing',
      '- url: https://x.test/\n  expect: { json: [{ path: a }] }',
      'checks[0].expect.json[0]: give at least one of exists, equals, matches, min, max (at line 2, column 20)',
    ],
    [
      'exists: false with a value',
      '- url: https://x.test/\n  expect: { json: [{ path: a, exists: false, equals: 1 }] }',
      'checks[0].expect.json[0]: exists: false cannot be combined with equals (at line 2, column 20)',
    ],
    [
      'min above max',
      '- url: https://x.test/\n  expect: { json: [{ path: a, min: 5, max: 1 }] }',
      'checks[0].expect.json[0]: min (5) is greater than max (1) (at line 2, column 20)',
    ],
    [
      'an empty header assertion',
      '- url: https://x.test/\n  expect: { headers: { etag: {} } }',
      'checks[0].expect.headers.etag: give a value to equal, or at least one of exists, equals, matches (at line 2, column 30)',
    ],
    [
      'an invalid response header name',
      "- url: https://x.test/\n  expect: { headers: { 'e tag': x } }",
      "checks[0].expect.headers: 'e tag' is not a valid header name (letters, digits and - only) (at line 2, column 24)",
    ],
    [
      'an invalid request header name',
      "- url: https://x.test/\n  headers: { 'X A': x }",
      "checks[0].headers: 'X A' is not a valid header name (letters, digits and - only) (at line 2, column 14)",
    ],
    [
      'a line break in a request header value, not echoed',
      '- url: https://x.test/\n  headers: { X-A: "s3cret\\nx" }',
      'checks[0].headers.X-A: must not contain line breaks or control characters (at line 2, column 19)',
    ],
    [
      'a URL without a scheme',
      '- url: x.test/health',
      "checks[0].url: must be an http or https URL like https://example.com/health, got 'x.test/health' (add the scheme: https://x.test/health) (at line 1, column 8)",
    ],
    [
      'a relative URL without a base URL',
      '- url: /health',
      "checks[0].url: must be an http or https URL like https://example.com/health, got '/health' (a path needs the action's base URL) (at line 1, column 8)",
    ],
    [
      'an ftp URL',
      '- url: ftp://x.test/',
      "checks[0].url: must be an http or https URL like https://example.com/health, got 'ftp://x.test/' (only http and https are supported, not ftp) (at line 1, column 8)",
    ],
    [
      'a status range backwards',
      '- url: https://x.test/\n  expect: { status: 299-200 }',
      `checks[0].expect.status: ${STATUS}, got '299-200' (a range goes from low to high) (at line 2, column 21)`,
    ],
    [
      'a zero timeout',
      '- url: https://x.test/\n  timeout: 0s',
      "checks[0].timeout: must be a duration from 1 ms to 1 h, got '0s' (at line 2, column 12)",
    ],
    [
      'a body on a GET',
      '- url: https://x.test/\n  body: x',
      'checks[0].body: a GET request cannot have a body (at line 2, column 9)',
    ],
    [
      'two checks with the same default name',
      '- url: https://x.test/a\n- url: https://y.test/a',
      "checks[1]: the name 'GET /a' is already used by checks[0]; give one of them a distinct name (at line 2, column 3)",
    ],
    [
      'two checks with the same given name',
      '- { url: https://x.test/a, name: a }\n- { url: https://x.test/b, name: a }',
      "checks[1].name: the name 'a' is already used by checks[0]; give one of them a distinct name (at line 2, column 34)",
    ],
    [
      'a missing ca-file',
      '- url: https://x.test/\n  tls: { ca-file: nope.pem }',
      "checks[0].tls.ca-file: cannot read 'nope.pem': no such file (at line 2, column 19)",
    ],
    [
      'a ca-file that is not PEM',
      'defaults: { tls: { ca-file: certs/key.txt } }\nchecks: [{ url: https://x.test/ }]',
      "defaults.tls.ca-file: 'certs/key.txt' holds no PEM certificate (-----BEGIN CERTIFICATE-----) (at line 1, column 29)",
    ],
  ])('%s', async (_, text, message) => {
    const readFile = files({ '/work/certs/key.txt': 'not a cert' });
    expect(await problem(text, base, { baseDir: '/work', readFile })).toBe(message);
  });

  it('never echoes a header value', async () => {
    expect(await problem('- url: https://x.test/\n  headers: { X-A: "s3cret\\u0001" }')).not.toContain(
      's3cret',
    );
  });
});

describe('loadChecks: the document itself', () => {
  it.each([
    ['', "'checks' is empty; give the checks as YAML, or a path to a .yml or .json file"],
    ['# only a comment\n', "'checks' is empty; give the checks as YAML, or a path to a .yml or .json file"],
    [
      'hello',
      "'checks' must be a mapping with a 'checks' list, or a list of checks, got 'hello' (a file path must end in .yml, .yaml or .json)",
    ],
    ['42', "'checks' must be a mapping with a 'checks' list, or a list of checks, got 42"],
    [
      'checks:\n  - url: a: b',
      "'checks' is not valid YAML: Nested mappings are not allowed in compact mappings (at line 2, column 10)",
    ],
    [
      'checks: [\n',
      "'checks' is not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] (at line 2, column 1)",
    ],
    ['a: 1\na: 2', "'checks' is not valid YAML: Map keys must be unique (at line 2, column 1)"],
    [
      '- url: https://x.test/\n  expect: { json: [{ path: a[0], exists: true }] }',
      "'checks' is not valid YAML: Unexpected flow-seq-start at node end; inside { } or [ ], quote a value that holds [ ] { } or a comma (at line 2, column 29)",
    ],
  ])('%j', async (text, message) => {
    expect(await problem(text)).toBe(message);
  });

  it('gives a YAML error its location', async () => {
    const error = await loadChecks('checks:\n  - url: a: b', base, opts).catch((e: InputError) => e);
    expect((error as InputError).location).toEqual({ line: 2, column: 10 });
  });
});

describe('the published schema', () => {
  const schema = checksSchema as unknown as { definitions: Record<string, Record<string, unknown>> };

  it('shares its patterns with the parsers', () => {
    expect(schema.definitions.duration?.pattern).toBe(DURATION_PATTERN);
    expect(schema.definitions.percent?.pattern).toBe(PERCENT_PATTERN);
    const status = schema.definitions.status?.anyOf as { pattern?: string }[];
    expect(status.map((s) => s.pattern).filter(Boolean)).toEqual([STATUS_PATTERN]);
  });

  it('gives every property a title and a description, and closes every object', () => {
    const gaps: string[] = [];
    const visit = (node: unknown, at: string): void => {
      if (Array.isArray(node)) {
        node.forEach((n, i) => {
          visit(n, `${at}/${i}`);
        });
        return;
      }
      if (node === null || typeof node !== 'object') return;
      const record = node as Record<string, unknown>;
      if (record.properties) {
        if (record.additionalProperties !== false) gaps.push(`${at}: additionalProperties is not false`);
        for (const [name, property] of Object.entries(
          record.properties as Record<string, Record<string, unknown>>,
        )) {
          if (!property.title || !property.description)
            gaps.push(`${at}/properties/${name}: no title or description`);
        }
      }
      for (const [key, value] of Object.entries(record)) visit(value, `${at}/${key}`);
    };
    visit(checksSchema, '#');
    expect(gaps).toEqual([]);
  });

  it('is only imported for types by checks-config, so ajv loads lazily', () => {
    const source = readFileSync(join(root, 'src/probe/checks-config.ts'), 'utf8');
    expect(source).toMatch(/^import type \{[^}]*\} from 'ajv';$/m);
    expect(source).not.toMatch(/^import (?!type )[^;]*from 'ajv'/m);
    expect(source).toContain("import('ajv')");
  });
});

describe('keyPath', () => {
  it('writes paths the way users read them', () => {
    expect(keyPath(['checks', 2, 'expect', 'status', 0])).toBe('checks[2].expect.status[0]');
    expect(keyPath(['checks', 0, 'expect', 'headers', 'x-request-id'])).toBe(
      'checks[0].expect.headers.x-request-id',
    );
    expect(keyPath(['checks', 0, 'headers', 'a.b c'])).toBe('checks[0].headers["a.b c"]');
    expect(keyPath([])).toBe('');
  });
});
