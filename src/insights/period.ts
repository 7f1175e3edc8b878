// The period insights look at: `--since 90d` (days back from now), `2w`, `12h`, or an ISO date/time.
import { InputError, quote } from '../common/input-error.js';
import type { Period } from './types.js';

const DAY_MS = 86_400_000;
const UNIT_MS: Record<string, number> = { h: 3_600_000, d: DAY_MS, w: 7 * DAY_MS };
/** A period longer than this is refused: a GitHub record that long is thousands of calls. */
const MAX_DAYS = 3660;
const EXPECTED = 'a span back from now like 90d, 12w or 36h, or an ISO date like 2026-01-01';

/** Parses `since` (and optionally `until`, an ISO time) into a period ending at `until` or now. */
export function parsePeriod(label: string, since: string, now: Date, until?: string): Period {
  const end = until === undefined ? now : parseTime(`${label}-until`, until);
  const text = since.trim();
  const span = /^(\d+)\s*(h|d|w)$/.exec(text);
  let start: Date;
  if (span) {
    const amount = Number(span[1]);
    if (amount <= 0)
      throw new InputError(label, `'${label}' must be ${EXPECTED}, got ${quote(since)} (zero)`);
    start = new Date(end.getTime() - amount * UNIT_MS[span[2]!]!);
  } else if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    start = parseTime(label, text);
  } else {
    throw new InputError(label, `'${label}' must be ${EXPECTED}, got ${quote(since)}`);
  }
  if (start.getTime() >= end.getTime()) {
    throw new InputError(
      label,
      `'${label}' must be before the period's end (${end.toISOString()}), got ${quote(since)}`,
    );
  }
  if (end.getTime() - start.getTime() > MAX_DAYS * DAY_MS) {
    throw new InputError(label, `'${label}' must span at most ${MAX_DAYS} days, got ${quote(since)}`);
  }
  return { since: start.toISOString(), until: end.toISOString() };
}

function parseTime(label: string, text: string): Date {
  const value = new Date(text.trim());
  if (!/^\d{4}-\d{2}-\d{2}/.test(text.trim()) || Number.isNaN(value.getTime())) {
    throw new InputError(
      label,
      `'${label}' must be an ISO date like 2026-01-01 or 2026-01-01T12:00:00Z, got ${quote(text)}`,
    );
  }
  return value;
}

/** The period's length in days (fractional). */
export function periodDays(period: Period): number {
  return (Date.parse(period.until) - Date.parse(period.since)) / DAY_MS;
}

/** The period's ends in ms, parsed once per period (thousands of deliveries are tested against one). */
const bounds = new WeakMap<Period, [number, number]>();

export function inPeriod(period: Period, at: string): boolean {
  let ends = bounds.get(period);
  if (!ends) {
    ends = [Date.parse(period.since), Date.parse(period.until)];
    bounds.set(period, ends);
  }
  const t = Date.parse(at);
  return t >= ends[0] && t < ends[1];
}
