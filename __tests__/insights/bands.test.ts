// The DORA 2023 bands at and around each threshold.
import { describe, expect, it } from 'vitest';
import {
  DORA_REPORT,
  failureRateBand,
  frequencyBand,
  leadTimeBand,
  restoreBand,
} from '../../src/insights/bands.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('DORA bands', () => {
  it('names the report', () => {
    expect(DORA_REPORT).toBe('Accelerate State of DevOps Report 2023');
  });
  it('bands deployment frequency', () => {
    expect([1, 0.99, 1 / 7, 1 / 7.1, 1 / 30, 1 / 31, 0].map((r) => frequencyBand(r).band)).toEqual([
      'elite',
      'high',
      'high',
      'medium',
      'medium',
      'low',
      'low',
    ]);
  });
  it('bands lead time', () => {
    expect(
      [DAY - 1, DAY, 7 * DAY - 1, 7 * DAY, 30 * DAY - 1, 30 * DAY].map((ms) => leadTimeBand(ms).band),
    ).toEqual(['elite', 'high', 'high', 'medium', 'medium', 'low']);
    expect(leadTimeBand(undefined).band).toBeUndefined();
  });
  it('bands change failure rate', () => {
    expect([0, 0.05, 0.0501, 0.1, 0.15, 0.1501, 1].map((r) => failureRateBand(r).band)).toEqual([
      'elite',
      'elite',
      'high',
      'high',
      'medium',
      'low',
      'low',
    ]);
  });
  it('bands time to restore', () => {
    expect([HOUR - 1, HOUR, DAY, 7 * DAY].map((ms) => restoreBand(ms, 0).band)).toEqual([
      'elite',
      'high',
      'medium',
      'low',
    ]);
    expect(restoreBand(undefined, 0).band).toBeUndefined();
    expect(restoreBand(HOUR - 1, 2)).toEqual({
      band: 'elite',
      why: "median under one hour, counting 2 failure(s) not restored yet as lasting until the period's end",
    });
  });
});
