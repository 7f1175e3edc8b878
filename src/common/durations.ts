// Durations users write (`200ms`, `1.5s`, `1m30s`) into milliseconds, their accepted ranges, and
// milliseconds back into words for people (`1.5 s`, `2 m 5 s`).
import { rejectValue } from './input-error.js';
import { NUMBER } from './numbers.js';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
type DurationUnit = keyof typeof UNIT_MS;
const DURATION_PART = String.raw`(${NUMBER})\s*(ms|s|m|h)`;
/** A whole duration: one or more number+unit parts (`1m30s`, `1 m 30 s`). Shared with the checks schema. */
export const DURATION_PATTERN = String.raw`^\s*${NUMBER}\s*(?:ms|s|m|h)(?:\s*${NUMBER}\s*(?:ms|s|m|h))*\s*$`;
const DURATION_EXPECTED = 'a duration like 200ms or 1.5s';

export interface DurationBounds {
  /** Smallest accepted value in ms (inclusive). */
  min?: number;
  /** Largest accepted value in ms (inclusive). */
  max?: number;
}

/**
 * Milliseconds from `200ms`, `1.5s`, `2m`, `1h`, `1m30s` (also with spaces: `1 m 30 s`, the form
 * formatDuration writes). A bare number is refused: `30` could mean seconds or milliseconds.
 */
export function parseDuration(label: string, text: string, bounds: DurationBounds = {}): number {
  const value = text.trim();
  if (value === '') rejectValue(label, DURATION_EXPECTED, text);
  if (/^[+-]?\d*\.?\d+$/.test(value)) {
    if (value.startsWith('-')) rejectValue(label, DURATION_EXPECTED, text, 'a duration cannot be negative');
    const n = value.replace(/^\+/, '');
    rejectValue(label, DURATION_EXPECTED, text, `add a unit: ${n}s or ${n}ms`);
  }
  if (value.startsWith('-')) rejectValue(label, DURATION_EXPECTED, text, 'a duration cannot be negative');
  if (!new RegExp(DURATION_PATTERN).test(value))
    rejectValue(label, DURATION_EXPECTED, text, 'units are ms, s, m and h');
  const seen = new Set<DurationUnit>();
  let ms = 0;
  for (const match of value.matchAll(new RegExp(DURATION_PART, 'g'))) {
    const unit = match[2] as DurationUnit;
    if (seen.has(unit)) rejectValue(label, DURATION_EXPECTED, text, `'${unit}' is given twice`);
    seen.add(unit);
    ms += Number(match[1]) * UNIT_MS[unit];
  }
  ms = Math.round(ms * 1000) / 1000;
  const { min, max } = bounds;
  if ((min !== undefined && ms < min) || (max !== undefined && ms > max)) {
    rejectValue(label, describeDurationRange(bounds), text);
  }
  return ms;
}

/** `a duration from 1 ms to 1 h`, `a duration of at least 1 ms`: the accepted range, in error messages. */
export function describeDurationRange({ min, max }: DurationBounds): string {
  if (min !== undefined && max !== undefined)
    return `a duration from ${formatDuration(min)} to ${formatDuration(max)}`;
  if (min !== undefined) return `a duration of at least ${formatDuration(min)}`;
  if (max !== undefined) return `a duration of at most ${formatDuration(max)}`;
  return DURATION_EXPECTED;
}

/**
 * The accepted ranges of duration inputs. Zero is never one: a zero timeout fails every request, a zero hold
 * judges a canary on no traffic. A wait or budget is capped at a day (a hosted job ends after 6 h), a single
 * request or a latency threshold at an hour.
 */
export const DURATION_RANGES = {
  /** One request's timeout, a latency threshold. */
  request: { min: 1, max: 3_600_000 },
  /** A wait, a hold, a whole run's budget. */
  wait: { min: 1, max: 24 * 3_600_000 },
} as const satisfies Record<string, DurationBounds>;

/** A duration for people: `0.4 ms`, `231 ms`, `1.5 s`, `12 s`, `2 m 5 s`, `1 h 2 m`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 0) return `-${formatDuration(-ms)}`;
  if (ms < 10) {
    const tenth = Math.round(ms * 10) / 10;
    if (tenth < 10) return `${tenth} ms`;
  }
  if (Math.round(ms) < 1000) return `${Math.round(ms)} ms`;
  const tenthsOfSecond = Math.round(ms / 100);
  if (tenthsOfSecond < 100) return `${tenthsOfSecond / 10} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) {
    const m = Math.floor(seconds / 60);
    const s = seconds % 60;
    return s === 0 ? `${m} m` : `${m} m ${s} s`;
  }
  const minutes = Math.round(seconds / 60);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m === 0 ? `${h} h` : `${h} h ${m} m`;
}
