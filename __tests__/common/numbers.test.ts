import { describe, expect, it } from 'vitest';
import { PERCENT_PATTERN, parsePercentOrFraction, parsePositiveInt } from '../../src/common/numbers.js';
import { errorOf } from '../helpers/input-error.js';

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
