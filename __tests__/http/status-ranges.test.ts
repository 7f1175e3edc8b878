import { describe, expect, it } from 'vitest';
import { parseStatusRanges, STATUS_PATTERN } from '../../src/http/status-ranges.js';
import { errorOf } from '../helpers/input-error.js';

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
