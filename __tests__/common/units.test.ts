import { describe, expect, it } from 'vitest';
import {
  DURATION_PATTERN,
  DURATION_RANGES,
  describeDurationRange,
  formatDuration,
  headersProblem,
  InputError,
  PERCENT_PATTERN,
  parseBoolean,
  parseDuration,
  parseEnum,
  parseHeaderLines,
  parseLines,
  parsePercentOrFraction,
  parsePositiveInt,
  parseStatusRanges,
  parseUrl,
  STATUS_PATTERN,
} from '../../src/common/units.js';

/** The error a call throws, asserting it is an InputError for `input`. */
function errorOf(fn: () => unknown, input: string): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    expect(error).toBeInstanceOf(Error);
    expect((error as InputError).input).toBe(input);
    expect((error as InputError).name).toBe('InputError');
    return (error as Error).message;
  }
  throw new Error('expected an InputError, got none');
}

describe('InputError', () => {
  it('keeps the input and an optional source location', () => {
    const error = new InputError('checks', 'bad', { file: 'a.yml', line: 2, column: 3 });
    expect(error.message).toBe('bad');
    expect(error.input).toBe('checks');
    expect(error.location).toEqual({ file: 'a.yml', line: 2, column: 3 });
    expect(new InputError('x', 'y').location).toBeUndefined();
  });
});

describe('parseDuration', () => {
  it.each([
    ['200ms', 200],
    ['1.5s', 1500],
    ['.5s', 500],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1m30s', 90_000],
    ['1h2m3s4ms', 3_723_004],
    ['30s1m', 90_000],
    ['1 m 30 s', 90_000],
    ['  250 ms  ', 250],
    ['0s', 0],
    ['1.1s', 1100],
    ['0.25ms', 0.25],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration('timeout', text)).toBe(ms);
  });

  it('matches the schema pattern on exactly the accepted forms', () => {
    const pattern = new RegExp(DURATION_PATTERN, 'u');
    for (const ok of ['200ms', '1.5s', '1m30s', '1 m 30 s', '.5s']) expect(pattern.test(ok)).toBe(true);
    for (const bad of ['30', 'fast', '-5s', '5 sec', '', '1.5', '5S']) expect(pattern.test(bad)).toBe(false);
  });

  it.each([
    ['fast', "'latency-p95' must be a duration like 200ms or 1.5s, got 'fast' (units are ms, s, m and h)"],
    ['30', "'latency-p95' must be a duration like 200ms or 1.5s, got '30' (add a unit: 30s or 30ms)"],
    ['1.5', "'latency-p95' must be a duration like 200ms or 1.5s, got '1.5' (add a unit: 1.5s or 1.5ms)"],
    ['-5s', "'latency-p95' must be a duration like 200ms or 1.5s, got '-5s' (a duration cannot be negative)"],
    ['-5', "'latency-p95' must be a duration like 200ms or 1.5s, got '-5' (a duration cannot be negative)"],
    ['', "'latency-p95' must be a duration like 200ms or 1.5s, got an empty value"],
    ['NaN', "'latency-p95' must be a duration like 200ms or 1.5s, got 'NaN' (units are ms, s, m and h)"],
    ['5 sec', "'latency-p95' must be a duration like 200ms or 1.5s, got '5 sec' (units are ms, s, m and h)"],
    ['1s2s', "'latency-p95' must be a duration like 200ms or 1.5s, got '1s2s' ('s' is given twice)"],
  ])('refuses %j', (text, message) => {
    expect(errorOf(() => parseDuration('latency-p95', text), 'latency-p95')).toBe(message);
  });

  it('names a key path with a colon instead of quotes', () => {
    expect(errorOf(() => parseDuration('checks[0].timeout', 'soon'), 'checks[0].timeout')).toBe(
      "checks[0].timeout: must be a duration like 200ms or 1.5s, got 'soon' (units are ms, s, m and h)",
    );
  });

  it('applies bounds', () => {
    expect(parseDuration('timeout', '1ms', { min: 1 })).toBe(1);
    expect(errorOf(() => parseDuration('timeout', '0s', { min: 1 }), 'timeout')).toBe(
      "'timeout' must be a duration of at least 1 ms, got '0s'",
    );
    expect(errorOf(() => parseDuration('timeout', '2h', { max: 3_600_000 }), 'timeout')).toBe(
      "'timeout' must be a duration of at most 1 h, got '2h'",
    );
    // Both bounds: the whole range is named, whichever end is passed.
    for (const text of ['0s', '0ms', '25h'])
      expect(errorOf(() => parseDuration('wait', text, DURATION_RANGES.wait), 'wait')).toBe(
        `'wait' must be a duration from 1 ms to 24 h, got '${text}'`,
      );
    expect(describeDurationRange(DURATION_RANGES.request)).toBe('a duration from 1 ms to 1 h');
    expect(describeDurationRange({})).toBe('a duration like 200ms or 1.5s');
  });

  it('reads back what formatDuration writes', () => {
    for (const ms of [0.4, 231, 1500, 12_000, 125_000, 3_720_000]) {
      expect(parseDuration('x', formatDuration(ms))).toBe(ms);
    }
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0 ms'],
    [0.42, '0.4 ms'],
    [9.96, '10 ms'],
    [231, '231 ms'],
    [231.4, '231 ms'],
    [999.6, '1 s'],
    [1000, '1 s'],
    [1500, '1.5 s'],
    [1449, '1.4 s'],
    [9_960, '10 s'],
    [12_340, '12 s'],
    [59_990, '1 m'],
    [60_000, '1 m'],
    [125_000, '2 m 5 s'],
    [3_599_600, '1 h'],
    [3_720_000, '1 h 2 m'],
    [-1500, '-1.5 s'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('parsePercentOrFraction', () => {
  it.each([
    ['0.1%', 0.001],
    ['5%', 0.05],
    ['5 %', 0.05],
    ['1.1%', 0.011],
    ['100%', 1],
    ['0%', 0],
    ['0.05', 0.05],
    ['0', 0],
    ['1', 1],
    ['.5', 0.5],
  ])('%s is %d', (text, fraction) => {
    expect(parsePercentOrFraction('max-error-rate', text)).toBe(fraction);
  });

  it('matches the schema pattern on the well-formed values', () => {
    const pattern = new RegExp(PERCENT_PATTERN, 'u');
    for (const ok of ['5%', '0.1 %', '0.05', '1']) expect(pattern.test(ok)).toBe(true);
    for (const bad of ['-1%', 'five', '5%%', '']) expect(pattern.test(bad)).toBe(false);
  });

  it.each([
    ['101%', "got '101%' (at most 100%)"],
    ['-1%', "got '-1%' (it cannot be negative)"],
    ['-0.5', "got '-0.5' (it cannot be negative)"],
    ['5', "got '5' (a bare number is a fraction from 0 to 1; write 5% for a percentage)"],
    ['lots', "got 'lots'"],
    ['', 'got an empty value'],
  ])('refuses %j', (text, tail) => {
    expect(errorOf(() => parsePercentOrFraction('max-error-rate', text), 'max-error-rate')).toBe(
      `'max-error-rate' must be a percentage like 5% or a fraction like 0.05, ${tail}`,
    );
  });
});

describe('parsePositiveInt', () => {
  it('accepts whole numbers within bounds', () => {
    expect(parsePositiveInt('samples', '10')).toBe(10);
    expect(parsePositiveInt('samples', ' 7 ')).toBe(7);
    expect(parsePositiveInt('max-redirects', '0', { min: 0, max: 50 })).toBe(0);
    expect(parsePositiveInt('samples', '1000', { max: 1000 })).toBe(1000);
  });

  it.each([
    ['0', {}, "'samples' must be a whole number of at least 1, got '0'"],
    ['10.5', {}, "'samples' must be a whole number of at least 1, got '10.5'"],
    ['1e3', {}, "'samples' must be a whole number of at least 1, got '1e3'"],
    ['-3', {}, "'samples' must be a whole number of at least 1, got '-3'"],
    ['ten', { max: 100 }, "'samples' must be a whole number from 1 to 100, got 'ten'"],
    ['101', { max: 100 }, "'samples' must be a whole number from 1 to 100, got '101'"],
    [
      '99999999999999999999',
      {},
      "'samples' must be a whole number of at least 1, got '99999999999999999999'",
    ],
  ])('refuses %j %j', (text, bounds, message) => {
    expect(errorOf(() => parsePositiveInt('samples', text, bounds), 'samples')).toBe(message);
  });
});

describe('parseBoolean', () => {
  it('accepts the values getBooleanInput accepts', () => {
    for (const t of ['true', 'True', 'TRUE', ' true ']) expect(parseBoolean('insecure', t)).toBe(true);
    for (const f of ['false', 'False', 'FALSE']) expect(parseBoolean('insecure', f)).toBe(false);
  });

  it.each(['yes', 'no', 'on', 'off', '1', 'tRUE', ''])('refuses %j, naming the allowed values', (text) => {
    expect(errorOf(() => parseBoolean('insecure', text), 'insecure')).toBe(
      `'insecure' must be true or false (also True, TRUE, False, FALSE), got ${text === '' ? 'an empty value' : `'${text}'`}`,
    );
  });
});

describe('parseEnum', () => {
  const routers = ['command', 'nginx', 'http', 'gateway-api'] as const;

  it('returns the allowed spelling, matching case-insensitively when unambiguous', () => {
    expect(parseEnum('router', 'nginx', routers)).toBe('nginx');
    expect(parseEnum('router', ' NGINX ', routers)).toBe('nginx');
    expect(parseEnum('method', 'get', ['GET', 'POST'])).toBe('GET');
  });

  it('lists the allowed values when refusing', () => {
    expect(errorOf(() => parseEnum('router', 'ngnix', routers), 'router')).toBe(
      "'router' must be one of command, nginx, http, gateway-api, got 'ngnix'",
    );
  });

  it('refuses a case-insensitive match that is ambiguous', () => {
    expect(parseEnum('x', 'a', ['a', 'A'])).toBe('a');
    expect(errorOf(() => parseEnum('x', 'Ab', ['ab', 'AB']), 'x')).toBe(
      "'x' must be one of ab, AB, got 'Ab'",
    );
  });
});

describe('parseStatusRanges', () => {
  it.each([
    ['200', [{ min: 200, max: 200 }]],
    ['2xx', [{ min: 200, max: 299 }]],
    ['3XX', [{ min: 300, max: 399 }]],
    ['200-299', [{ min: 200, max: 299 }]],
    ['200 - 204', [{ min: 200, max: 204 }]],
    [
      '200,204,3xx',
      [
        { min: 200, max: 200 },
        { min: 204, max: 204 },
        { min: 300, max: 399 },
      ],
    ],
    [
      ' 201 , 5xx ',
      [
        { min: 201, max: 201 },
        { min: 500, max: 599 },
      ],
    ],
  ])('%s', (text, ranges) => {
    expect(parseStatusRanges('expect-status', text)).toEqual(ranges);
  });

  it('matches the schema pattern on the well-formed values', () => {
    const pattern = new RegExp(STATUS_PATTERN, 'u');
    for (const ok of ['200', '2xx', '200-299', '200, 204,3xx']) expect(pattern.test(ok)).toBe(true);
    for (const bad of ['2x', '20', '600', '200,', 'ok', '']) expect(pattern.test(bad)).toBe(false);
  });

  const expected = 'must be a status code like 200, a class like 2xx or a range like 200-299';
  it.each([
    ['2x', `'expect-status' ${expected}, got '2x'`],
    ['', `'expect-status' ${expected}, got an empty value`],
    ['600', `'expect-status' ${expected}, got '600' (codes run from 100 to 599)`],
    ['099', `'expect-status' ${expected}, got '099' (codes run from 100 to 599)`],
    ['6xx', `'expect-status' ${expected}, got '6xx'`],
    ['299-200', `'expect-status' ${expected}, got '299-200' (a range goes from low to high)`],
    ['200,2x', `'expect-status' ${expected}, got '2x' (in '200,2x')`],
    ['200,', `'expect-status' ${expected}, got an empty value (in '200,')`],
    ['200,700', `'expect-status' ${expected}, got '700' (in '200,700'; codes run from 100 to 599)`],
  ])('refuses %j', (text, message) => {
    expect(errorOf(() => parseStatusRanges('expect-status', text), 'expect-status')).toBe(message);
  });

  it('names a key path', () => {
    expect(
      errorOf(() => parseStatusRanges('checks[2].expect.status[0]', '2x'), 'checks[2].expect.status[0]'),
    ).toBe(`checks[2].expect.status[0]: ${expected}, got '2x'`);
  });
});

describe('parseUrl', () => {
  it('accepts http and https URLs, normalised', () => {
    expect(parseUrl('url', 'https://example.com')).toBe('https://example.com/');
    expect(parseUrl('url', ' http://127.0.0.1:8080/health?x=1 ')).toBe('http://127.0.0.1:8080/health?x=1');
    expect(parseUrl('url', 'https://user:pw@example.com/a')).toBe('https://user:pw@example.com/a');
    expect(parseUrl('url', 'http://[::1]:3000/')).toBe('http://[::1]:3000/');
  });

  const expected = "'url' must be an http or https URL like https://example.com/health";
  it.each([
    [
      'example.com/health',
      `${expected}, got 'example.com/health' (add the scheme: https://example.com/health)`,
    ],
    ['localhost:8080', `${expected}, got 'localhost:8080' (add the scheme: https://localhost:8080)`],
    ['/health', `${expected}, got '/health' (it is not absolute)`],
    [
      'ftp://example.com/',
      `${expected}, got 'ftp://example.com/' (only http and https are supported, not ftp)`,
    ],
    ['http://exa mple.com/', `${expected}, got 'http://exa mple.com/'`],
    ['', `${expected}, got an empty value`],
  ])('refuses %j', (text, message) => {
    expect(errorOf(() => parseUrl('url', text), 'url')).toBe(message);
  });
});

describe('parseHeaderLines', () => {
  it('reads Name: value lines, skipping blanks and comments, joining repeats', () => {
    const text =
      'Authorization: Bearer a:b:c\n\n# a comment\r\nX-Empty:\n  X-Trace :  1  \naccept: a\nAccept: b';
    expect(parseHeaderLines('headers', text)).toEqual({
      Authorization: 'Bearer a:b:c',
      'X-Empty': '',
      'X-Trace': '1',
      accept: 'a, b',
    });
  });

  it('names the line of a malformed entry without echoing it', () => {
    const message = errorOf(
      () => parseHeaderLines('headers', 'A: 1\nAuthorization Bearer s3cret'),
      'headers',
    );
    expect(message).toBe("'headers' line 2 must be 'Name: value' (no 'Name:' found)");
    expect(message).not.toContain('s3cret');
    expect(errorOf(() => parseHeaderLines('headers', ': x'), 'headers')).toBe(
      "'headers' line 1 must be 'Name: value' (no 'Name:' found)",
    );
  });

  it('refuses invalid names and control characters in values', () => {
    expect(errorOf(() => parseHeaderLines('headers', 'Bad Name: x'), 'headers')).toBe(
      "'headers' line 1: 'Bad Name' is not a valid header name (letters, digits and - only)",
    );
    expect(errorOf(() => parseHeaderLines('headers', 'X-A: a\u0000b'), 'headers')).toBe(
      "'headers' line 1: the value of X-A contains control characters",
    );
  });
});

describe('headersProblem', () => {
  it('names the first header that cannot be sent, never its value', () => {
    expect(headersProblem(undefined)).toBeUndefined();
    expect(headersProblem({ Authorization: 'Bearer t\tok', 'X-Scope-OrgID': '1' })).toBeUndefined();
    expect(headersProblem({ ok: '1', 'bad name': '2' })).toBe(
      "header name 'bad name' is not a valid HTTP header name",
    );
    const problem = headersProblem({ authorization: 'Bearer s3cret\r\nx-injected: 1' });
    expect(problem).toBe("the value of header 'authorization' has a line break or control character");
    expect(problem).not.toContain('s3cret');
  });
});

describe('parseLines', () => {
  it('splits on newlines, trims, drops empty and comment lines', () => {
    expect(parseLines(' https://a/\r\n\n# staging\n  https://b/  \n   \n#x')).toEqual([
      'https://a/',
      'https://b/',
    ]);
    expect(parseLines('')).toEqual([]);
    expect(parseLines('a,b')).toEqual(['a,b']);
  });
});
