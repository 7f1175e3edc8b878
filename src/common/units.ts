// Parsers for the values users write in action inputs and config files: durations, percentages, status
// codes, URLs, header lines. Pure (no @actions/*), shared by every action.
//
// Every parser takes a `label` naming what is parsed, either an input (`latency-p95`) or a key path in a
// config file (`checks[0].timeout`), and throws an InputError that names it and the expected form:
//   'latency-p95' must be a duration like 200ms or 1.5s, got 'fast'
//   checks[0].timeout: must be a duration like 200ms or 1.5s, got 'fast'
import type { StatusRange } from '../probe/types.js';

/** Where in a config file a problem sits (1-based line and column); `file` is absent for inline text. */
export interface SourceLocation {
  file?: string;
  line: number;
  column: number;
}

/** An error the user caused and can fix: `input` is the input or key path at fault. */
export class InputError extends Error {
  override name = 'InputError';
  readonly input: string;
  readonly location?: SourceLocation;

  constructor(input: string, message: string, location?: SourceLocation) {
    super(message);
    this.input = input;
    if (location) this.location = location;
  }
}

/** A key path (`checks[0].timeout`) is followed by a colon; an input name is quoted (`'timeout' must ...`). */
export function isKeyPath(label: string): boolean {
  return /[.[]/.test(label);
}

/** `'<label>' <rest>` for an input, `<label>: <rest>` for a key path. */
export function describe(label: string, rest: string): string {
  return isKeyPath(label) ? `${label}: ${rest}` : `'${label}' ${rest}`;
}

/** A value quoted for an error message, shortened when long; an empty value is said so. */
export function quote(text: string): string {
  if (text === '') return 'an empty value';
  const oneLine = text.replace(/\r?\n/g, '\\n');
  return `'${oneLine.length > 80 ? `${oneLine.slice(0, 77)}...` : oneLine}'`;
}

function fail(label: string, expected: string, text: string, hint?: string): never {
  throw new InputError(
    label,
    describe(label, `must be ${expected}, got ${quote(text)}${hint ? ` (${hint})` : ''}`),
  );
}

// ---------------------------------------------------------------------------------------------------------
// Durations

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
type DurationUnit = keyof typeof UNIT_MS;
const NUMBER = String.raw`(?:\d+(?:\.\d+)?|\.\d+)`;
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
  if (value === '') fail(label, DURATION_EXPECTED, text);
  if (/^[+-]?\d*\.?\d+$/.test(value)) {
    if (value.startsWith('-')) fail(label, DURATION_EXPECTED, text, 'a duration cannot be negative');
    const n = value.replace(/^\+/, '');
    fail(label, DURATION_EXPECTED, text, `add a unit: ${n}s or ${n}ms`);
  }
  if (value.startsWith('-')) fail(label, DURATION_EXPECTED, text, 'a duration cannot be negative');
  if (!new RegExp(DURATION_PATTERN).test(value))
    fail(label, DURATION_EXPECTED, text, 'units are ms, s, m and h');
  const seen = new Set<DurationUnit>();
  let ms = 0;
  for (const match of value.matchAll(new RegExp(DURATION_PART, 'g'))) {
    const unit = match[2] as DurationUnit;
    if (seen.has(unit)) fail(label, DURATION_EXPECTED, text, `'${unit}' is given twice`);
    seen.add(unit);
    ms += Number(match[1]) * UNIT_MS[unit];
  }
  ms = Math.round(ms * 1000) / 1000;
  const { min, max } = bounds;
  if ((min !== undefined && ms < min) || (max !== undefined && ms > max)) {
    fail(label, describeDurationRange(bounds), text);
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

// ---------------------------------------------------------------------------------------------------------
// Numbers

/** `5%`, `0.1%`, or a fraction `0.05`. Shared with the checks schema. */
export const PERCENT_PATTERN = String.raw`^\s*(?:${NUMBER}\s*%|${NUMBER})\s*$`;
const PERCENT_EXPECTED = 'a percentage like 5% or a fraction like 0.05';

/** A fraction 0..1 from `5%`, `0.1%` (0.001), `100%`, or a bare fraction `0.05` (a bare number must be ≤ 1). */
export function parsePercentOrFraction(label: string, text: string): number {
  const value = text.trim();
  if (/^-/.test(value)) fail(label, PERCENT_EXPECTED, text, 'it cannot be negative');
  if (!new RegExp(PERCENT_PATTERN).test(value)) fail(label, PERCENT_EXPECTED, text);
  if (value.endsWith('%')) {
    const percent = Number(value.slice(0, -1).trim());
    if (percent > 100) fail(label, PERCENT_EXPECTED, text, 'at most 100%');
    return Number((percent / 100).toPrecision(12));
  }
  const fraction = Number(value);
  if (fraction > 1)
    fail(
      label,
      PERCENT_EXPECTED,
      text,
      `a bare number is a fraction from 0 to 1; write ${value}% for a percentage`,
    );
  return fraction;
}

export interface IntBounds {
  /** Default 1. */
  min?: number;
  max?: number;
}

/** A whole number within bounds (min defaults to 1): `10`, not `10.5`, `1e3` or `ten`. */
export function parsePositiveInt(label: string, text: string, bounds: IntBounds = {}): number {
  const min = bounds.min ?? 1;
  const max = bounds.max;
  const expected =
    max === undefined ? `a whole number of at least ${min}` : `a whole number from ${min} to ${max}`;
  const value = text.trim();
  if (!/^\+?\d+$/.test(value)) fail(label, expected, text);
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min || (max !== undefined && n > max)) fail(label, expected, text);
  return n;
}

// ---------------------------------------------------------------------------------------------------------
// Words

const TRUE_WORDS = ['true', 'True', 'TRUE'];
const FALSE_WORDS = ['false', 'False', 'FALSE'];

/** The booleans @actions/core's getBooleanInput accepts (YAML 1.2 core schema): true|True|TRUE|false|False|FALSE. */
export function parseBoolean(label: string, text: string): boolean {
  const value = text.trim();
  if (TRUE_WORDS.includes(value)) return true;
  if (FALSE_WORDS.includes(value)) return false;
  return fail(label, 'true or false (also True, TRUE, False, FALSE)', text);
}

/** One of `allowed`; an exact match first, else a case-insensitive one, returned as spelled in `allowed`. */
export function parseEnum<const T extends string>(label: string, text: string, allowed: readonly T[]): T {
  const value = text.trim();
  const exact = allowed.find((a) => a === value);
  if (exact !== undefined) return exact;
  const folded = allowed.filter((a) => a.toLowerCase() === value.toLowerCase());
  if (folded.length === 1) return folded[0] as T;
  return fail(label, `one of ${allowed.join(', ')}`, text);
}

// ---------------------------------------------------------------------------------------------------------
// HTTP

const STATUS_ITEM = String.raw`[1-5]\d\d|[1-5][xX][xX]|[1-5]\d\d\s*-\s*[1-5]\d\d`;
/** A status code, class or range, or a comma-separated list of them. Shared with the checks schema. */
export const STATUS_PATTERN = String.raw`^\s*(?:${STATUS_ITEM})(?:\s*,\s*(?:${STATUS_ITEM}))*\s*$`;
const STATUS_EXPECTED = 'a status code like 200, a class like 2xx or a range like 200-299';

/** `200`, `2xx`, `200-299`, or a comma-separated list of them (`200,204,3xx`), as inclusive ranges. */
export function parseStatusRanges(label: string, text: string): StatusRange[] {
  const items = text.split(',').map((item) => item.trim());
  const inList = items.length > 1 ? `in ${quote(text.trim())}` : undefined;
  const bad = (item: string, hint?: string): never =>
    fail(label, STATUS_EXPECTED, item, [inList, hint].filter(Boolean).join('; ') || undefined);
  return items.map((item) => {
    const cls = /^([1-5])[xX][xX]$/.exec(item);
    if (cls) return { min: Number(cls[1]) * 100, max: Number(cls[1]) * 100 + 99 };
    const codes = /^(\d{3})(?:\s*-\s*(\d{3}))?$/.exec(item);
    if (!codes) return bad(item);
    const min = Number(codes[1]);
    const max = codes[2] === undefined ? min : Number(codes[2]);
    if (min < 100 || max > 599) return bad(item, 'codes run from 100 to 599');
    if (min > max) return bad(item, 'a range goes from low to high');
    return { min, max };
  });
}

/** An absolute http(s) URL, returned normalised (`https://example.com` becomes `https://example.com/`). */
export function parseUrl(label: string, text: string): string {
  const value = text.trim();
  const expected = 'an http or https URL like https://example.com/health';
  if (value === '') return fail(label, expected, text);
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    return fail(
      label,
      expected,
      text,
      value.startsWith('/') ? 'it is not absolute' : `add the scheme: https://${value}`,
    );
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail(label, expected, text);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    fail(label, expected, text, `only http and https are supported, not ${url.protocol.slice(0, -1)}`);
  }
  return url.href;
}

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Characters that cannot appear in a header value (tab is allowed). */
const HEADER_VALUE_FORBIDDEN = /[\x00-\x08\x0a-\x1f\x7f]/;

/** Whether `name` is a valid HTTP header name (an RFC 9110 token). */
export function isHeaderName(name: string): boolean {
  return HEADER_NAME.test(name);
}

/** Whether `value` can be sent as a header value (no line breaks or control characters). */
export function isHeaderValue(value: string): boolean {
  return !HEADER_VALUE_FORBIDDEN.test(value);
}

/**
 * Why headers given to a client cannot be sent, or undefined when they can. It names the header, never its
 * value: the value may be a token.
 */
export function headersProblem(headers: Record<string, string> | undefined): string | undefined {
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!isHeaderName(name)) return `header name '${name}' is not a valid HTTP header name`;
    if (!isHeaderValue(value)) return `the value of header '${name}' has a line break or control character`;
  }
  return undefined;
}

/**
 * `Name: value` lines into a record; empty and `#` comment lines are skipped; a repeated name (in any case)
 * is joined with `, ` as HTTP does. Errors name the line number but never echo a value (it may be a token).
 */
export function parseHeaderLines(label: string, text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const where = `line ${index + 1}`;
    const colon = line.indexOf(':');
    if (colon <= 0) {
      throw new InputError(label, describe(label, `${where} must be 'Name: value' (no 'Name:' found)`));
    }
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (!isHeaderName(name)) {
      throw new InputError(
        label,
        describe(label, `${where}: ${quote(name)} is not a valid header name (letters, digits and - only)`),
      );
    }
    if (!isHeaderValue(value)) {
      throw new InputError(
        label,
        describe(label, `${where}: the value of ${name} contains control characters`),
      );
    }
    const existing = Object.keys(headers).find((key) => key.toLowerCase() === name.toLowerCase());
    if (existing === undefined) headers[name] = value;
    else headers[existing] = `${headers[existing]}, ${value}`;
  });
  return headers;
}

/** Newline-separated items, trimmed; empty lines and `#` comment lines are dropped. */
export function parseLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

// ---------------------------------------------------------------------------------------------------------
// Environment names

const ENVIRONMENT_NAME = /^[^\x00-\x1f\x7f]{1,255}$/;

/** A GitHub environment name: 1 to 255 printable characters, no surrounding spaces. */
export function parseEnvironmentName(label: string, text: string): string {
  if (!ENVIRONMENT_NAME.test(text) || text.trim() !== text) {
    fail(label, 'an environment name of 1 to 255 printable characters', text);
  }
  return text;
}
