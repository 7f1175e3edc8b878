import { describe, expect, it } from 'vitest';
import {
  type Answer,
  type AssertionSpec,
  deepEqual,
  evaluateAnswer,
  formatStatusRanges,
  getJsonPath,
  needsBody,
  parseJsonPath,
} from '../../src/probe/assertions.js';

const OK = [{ min: 200, max: 299 }];

function spec(overrides: Partial<AssertionSpec> = {}): AssertionSpec {
  return {
    expectStatus: OK,
    bodyContains: [],
    bodyMatches: [],
    json: [],
    headerAssertions: [],
    ...overrides,
  };
}

const document = {
  status: 'ok',
  version: 'v2.1.0',
  count: 3,
  build: { ready: true, tags: ['a', 'b'] },
  items: [{ id: 1, name: 'alpha' }, { id: 2 }],
  'odd.key': 'x',
  nothing: null,
};

function answer(overrides: Partial<Answer> = {}): Answer {
  return {
    status: 200,
    headers: { 'content-type': 'application/json', 'x-app-version': 'v2', 'set-cookie': ['a=1', 'b=2'] },
    body: JSON.stringify(document),
    ...overrides,
  };
}

describe('status', () => {
  it('formats ranges the way people write them', () => {
    expect(formatStatusRanges([{ min: 200, max: 299 }])).toBe('2xx');
    expect(
      formatStatusRanges([
        { min: 200, max: 200 },
        { min: 301, max: 302 },
      ]),
    ).toBe('200, 301-302');
  });

  it('accepts a status in any range and explains one outside them', () => {
    expect(evaluateAnswer(spec(), answer())).toEqual([]);
    expect(evaluateAnswer(spec(), answer({ status: 404 }))).toEqual(['status 404 not in 2xx']);
    const some = spec({
      expectStatus: [
        { min: 200, max: 200 },
        { min: 300, max: 399 },
      ],
    });
    expect(evaluateAnswer(some, answer({ status: 302 }))).toEqual([]);
    expect(evaluateAnswer(some, answer({ status: 204 }))).toEqual(['status 204 not in 200, 3xx']);
  });

  it('treats no ranges as 2xx', () => {
    expect(evaluateAnswer(spec({ expectStatus: [] }), answer({ status: 500 }))).toEqual([
      'status 500 not in 2xx',
    ]);
  });
});

describe('body', () => {
  it('checks contained text and patterns, whatever the regex flags', () => {
    const s = spec({ bodyContains: ['"status":"ok"', 'missing-text'], bodyMatches: [/v2\.\d+/g, /^nope/] });
    const reasons = evaluateAnswer(s, answer());
    expect(reasons).toEqual(['body does not contain "missing-text"', 'body does not match /^nope/']);
    // A global regex keeps lastIndex between test() calls; evaluating again must give the same answer.
    expect(evaluateAnswer(s, answer())).toEqual(reasons);
  });

  it('says when the body is needed', () => {
    expect(needsBody(spec())).toBe(false);
    expect(needsBody(spec({ json: [{ path: 'a' }] }))).toBe(true);
    expect(needsBody(spec({ bodyContains: ['x'] }))).toBe(true);
  });
});

describe('JSON paths', () => {
  it('parses dotted paths with indexes, with or without $', () => {
    expect(parseJsonPath('items[0].id')).toEqual(['items', 0, 'id']);
    expect(parseJsonPath('$.items[1].name')).toEqual(['items', 1, 'name']);
    expect(parseJsonPath("$['odd.key']")).toEqual(['odd.key']);
    expect(parseJsonPath('$')).toEqual([]);
    expect(parseJsonPath('$[0][1]')).toEqual([0, 1]);
  });

  it('rejects malformed paths with a message naming them', () => {
    expect(() => parseJsonPath('a..b')).toThrow("invalid JSON path 'a..b'");
    expect(() => parseJsonPath('a[')).toThrow('unclosed [');
    expect(() => parseJsonPath('a[x]')).toThrow('neither an index nor a quoted key');
    expect(() => parseJsonPath('a.')).toThrow('ends with .');
    expect(() => parseJsonPath('')).toThrow('empty');
  });

  it('finds values, and tells missing from null', () => {
    expect(getJsonPath(document, 'build.tags[1]')).toEqual({ found: true, value: 'b' });
    expect(getJsonPath(document, 'nothing')).toEqual({ found: true, value: null });
    expect(getJsonPath(document, 'items[5]').found).toBe(false);
    expect(getJsonPath(document, 'status.length').found).toBe(false);
    expect(getJsonPath(document, 'items.id').found).toBe(false);
    expect(getJsonPath(document, '$').value).toBe(document);
  });

  it('compares deeply', () => {
    expect(deepEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(deepEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 3 }] })).toBe(false);
    expect(deepEqual([1], { 0: 1 })).toBe(false);
    expect(deepEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(deepEqual(null, {})).toBe(false);
  });
});

describe('JSON assertions', () => {
  it('pass when the document matches', () => {
    const s = spec({
      json: [
        { path: '$.status', equals: 'ok' },
        { path: 'build', equals: { ready: true, tags: ['a', 'b'] } },
        { path: 'version', matches: /^v2\./ },
        { path: 'count', min: 1, max: 3 },
        { path: 'items[0].name', exists: true },
        { path: 'items[1].name', exists: false },
        { path: 'build.ready', matches: /^true$/ },
      ],
    });
    expect(evaluateAnswer(s, answer())).toEqual([]);
  });

  it('fail with one clear line each', () => {
    const s = spec({
      json: [
        { path: '$.status', equals: 'down' },
        { path: 'build.tags', equals: ['a'] },
        { path: 'version', matches: /^v3/ },
        { path: 'count', min: 5 },
        { path: 'count', max: 2 },
        { path: 'status', min: 1 },
        { path: 'items[2].id', exists: true },
        { path: 'items[0]', exists: false },
      ],
    });
    expect(evaluateAnswer(s, answer())).toEqual([
      'json $.status: expected "down", got "ok"',
      'json $.build.tags: expected ["a"], got ["a","b"]',
      'json $.version: "v2.1.0" does not match /^v3/',
      'json $.count: 3 is below the minimum 5',
      'json $.count: 3 is above the maximum 2',
      'json $.status: expected a number, got "ok"',
      'json $.items[2].id: missing',
      'json $.items[0]: expected no value, got {"id":1,"name":"alpha"}',
    ]);
  });

  it('report a body that is not JSON once', () => {
    const s = spec({
      json: [
        { path: 'a', exists: true },
        { path: 'b', equals: 1 },
      ],
    });
    const reasons = evaluateAnswer(s, answer({ body: '<html>' }));
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(/^json: body is not JSON \(/);
  });

  it('cut long values short', () => {
    const long = 'x'.repeat(500);
    const [reason] = evaluateAnswer(
      spec({ json: [{ path: 'a', equals: 'y' }] }),
      answer({ body: JSON.stringify({ a: long }) }),
    );
    expect(reason!.length).toBeLessThan(140);
    expect(reason).toMatch(/…$/);
  });
});

describe('header assertions', () => {
  it('pass and fail, with names matched case-insensitively', () => {
    const s = spec({
      headerAssertions: [
        { name: 'X-App-Version', equals: 'v2' },
        { name: 'content-type', matches: /json/ },
        { name: 'x-missing', exists: false },
        { name: 'set-cookie', matches: /a=1, b=2/ },
      ],
    });
    expect(evaluateAnswer(s, answer())).toEqual([]);
    const failing = spec({
      headerAssertions: [
        { name: 'x-app-version', equals: 'v9' },
        { name: 'content-type', matches: /^text\// },
        { name: 'x-request-id', exists: true },
        { name: 'x-app-version', exists: false },
      ],
    });
    expect(evaluateAnswer(failing, answer())).toEqual([
      'header x-app-version: expected "v9", got "v2"',
      'header content-type: "application/json" does not match /^text\\//',
      'header x-request-id: missing',
      'header x-app-version: expected no header, got "v2"',
    ]);
  });
});
