import { describe, expect, it } from 'vitest';
import {
  DURATION_PATTERN,
  DURATION_RANGES,
  describeDurationRange,
  formatDuration,
  parseDuration,
} from '../../src/common/durations.js';
import { errorOf } from '../helpers/input-error.js';

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
