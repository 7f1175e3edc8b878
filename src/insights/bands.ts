// The DORA performance band of each key, by the thresholds the Accelerate State of DevOps Report 2023
// published for its four clusters (elite, high, medium, low):
//   deployment frequency:  on demand (several a day) | daily to weekly | weekly to monthly | weekly to monthly
//   change lead time:      < 1 day | 1 day to 1 week | 1 week to 1 month | 1 week to 1 month
//   change failure rate:   5% | 10% | 15% | 64%
//   recovery time:         < 1 hour | < 1 day | 1 day to 1 week | 1 to 6 months
// The 2023 low and medium clusters share their frequency and lead-time ranges; a value in that range is read
// as medium, and low is what falls beyond it (less than monthly, more than a month), as in earlier reports.
import type { Band, KeyBand } from './types.js';

export const DORA_REPORT = 'Accelerate State of DevOps Report 2023';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Deployments per day on average: at least one a day is on demand. */
export function frequencyBand(perDay: number): KeyBand {
  if (perDay >= 1) return { band: 'elite', why: 'at least one deployment a day on average (on demand)' };
  if (perDay * 7 >= 1) return { band: 'high', why: 'between once a day and once a week' };
  if (perDay * 30 >= 1) return { band: 'medium', why: 'between once a week and once a month' };
  return { band: 'low', why: 'less than once a month' };
}

export function leadTimeBand(medianMs: number | undefined): KeyBand {
  if (medianMs === undefined) return { why: 'no commit reached the environment in the period' };
  return byDuration(medianMs, [
    [DAY, 'elite', 'median under one day'],
    [7 * DAY, 'high', 'median between one day and one week'],
    [30 * DAY, 'medium', 'median between one week and one month'],
    [Number.POSITIVE_INFINITY, 'low', 'median over one month'],
  ]);
}

export function failureRateBand(rate: number | undefined): KeyBand {
  if (rate === undefined) return { why: 'no deployment went live in the period' };
  if (rate <= 0.05) return { band: 'elite', why: 'at most 5%' };
  if (rate <= 0.1) return { band: 'high', why: 'at most 10%' };
  if (rate <= 0.15) return { band: 'medium', why: 'at most 15%' };
  return { band: 'low', why: 'over 15%' };
}

/** `unrestored`: failures not restored by the period's end, counted in the median with their time so far. */
export function restoreBand(medianMs: number | undefined, unrestored: number): KeyBand {
  if (medianMs === undefined) return { why: 'no failure to restore from in the period' };
  const band = byDuration(medianMs, [
    [HOUR, 'elite', 'median under one hour'],
    [DAY, 'high', 'median under one day'],
    [7 * DAY, 'medium', 'median between one day and one week'],
    [Number.POSITIVE_INFINITY, 'low', 'median over one week'],
  ]);
  return unrestored > 0
    ? {
        ...band,
        why: `${band.why}, counting ${unrestored} failure(s) not restored yet as lasting until the period's end`,
      }
    : band;
}

function byDuration(ms: number, levels: [number, Band, string][]): KeyBand {
  const [, band, why] = levels.find(([limit]) => ms < limit)!;
  return { band, why };
}
