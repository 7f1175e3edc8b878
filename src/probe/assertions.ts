// Evaluates one answer against a check's assertions. Each failure is one line that says what was
// expected and what came back: `status 404 not in 2xx`, `json $.status: expected "ok", got "down"`.

import type { StatusRange } from '../http/status-ranges.js';
import type { CheckSpec, HeaderAssertion, JsonAssertion } from './types.js';

/** The parts of an answer assertions look at. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export type AssertionSpec = Pick<
  CheckSpec,
  'expectStatus' | 'bodyContains' | 'bodyMatches' | 'json' | 'headerAssertions'
>;

export type JsonPathSegment = string | number;

const DEFAULT_STATUS: StatusRange[] = [{ min: 200, max: 299 }];
const SHOWN_CHARS = 80;

/** `2xx`, `200`, `200-204`; several joined with `, `. */
export function formatStatusRanges(ranges: StatusRange[]): string {
  return ranges
    .map(({ min, max }) => {
      if (min === max) return String(min);
      if (min % 100 === 0 && max === min + 99) return `${min / 100}xx`;
      return `${min}-${max}`;
    })
    .join(', ');
}

export function statusAccepted(status: number, ranges: StatusRange[]): boolean {
  const accepted = ranges.length > 0 ? ranges : DEFAULT_STATUS;
  return accepted.some((range) => status >= range.min && status <= range.max);
}

const parsedPaths = new Map<string, JsonPathSegment[]>();

/**
 * Parses `data.items[0].id`, `$.data.items[0].id`, `$['odd key'][2]` into segments.
 * Throws `invalid JSON path '...'` on anything else (so configuration can be checked up front).
 */
export function parseJsonPath(path: string): JsonPathSegment[] {
  const cached = parsedPaths.get(path);
  if (cached) return cached;
  const invalid = (why: string) => new Error(`invalid JSON path '${path}': ${why}`);
  const segments: JsonPathSegment[] = [];
  let i = path.startsWith('$') ? 1 : 0;
  let expectName = i === 0;
  while (i < path.length) {
    const char = path[i];
    if (char === '.') {
      if (expectName) throw invalid(`empty name at position ${i}`);
      i += 1;
      expectName = true;
      continue;
    }
    if (char === '[') {
      const close = path.indexOf(']', i);
      if (close === -1) throw invalid('unclosed [');
      const inner = path.slice(i + 1, close).trim();
      if (/^\d+$/.test(inner)) segments.push(Number(inner));
      else if (/^(['"]).*\1$/.test(inner)) segments.push(inner.slice(1, -1));
      else throw invalid(`[${inner}] is neither an index nor a quoted key`);
      i = close + 1;
      expectName = false;
      continue;
    }
    if (!expectName) throw invalid(`expected . or [ at position ${i}`);
    let end = i;
    while (end < path.length && path[end] !== '.' && path[end] !== '[') end += 1;
    segments.push(path.slice(i, end));
    i = end;
    expectName = false;
  }
  if (expectName) throw invalid(path === '' ? 'empty' : 'ends with .');
  if (parsedPaths.size < 1000) parsedPaths.set(path, segments);
  return segments;
}

/** The value at `path` in a parsed JSON document. */
export function getJsonPath(document: unknown, path: string): { found: boolean; value?: unknown } {
  let value = document;
  for (const segment of parseJsonPath(path)) {
    if (typeof segment === 'number') {
      if (!Array.isArray(value) || segment >= value.length) return { found: false };
      value = value[segment];
    } else {
      if (
        value === null ||
        typeof value !== 'object' ||
        Array.isArray(value) ||
        !Object.hasOwn(value, segment)
      ) {
        return { found: false };
      }
      value = (value as Record<string, unknown>)[segment];
    }
  }
  return { found: true, value };
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  }
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  return (
    keysA.length === keysB.length &&
    keysA.every(
      (key) =>
        Object.hasOwn(b, key) &&
        deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
    )
  );
}

/** A value as it would be written in JSON, cut to a readable length. */
export function show(value: unknown): string {
  const text =
    value === undefined ? 'undefined' : typeof value === 'string' ? JSON.stringify(value) : jsonText(value);
  return text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS - 1)}…` : text;
}

function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function displayPath(path: string): string {
  if (path.startsWith('$')) return path;
  return path.startsWith('[') ? `$${path}` : `$.${path}`;
}

/** True when evaluating the spec needs the body (so it must be kept). */
export function needsBody(spec: AssertionSpec): boolean {
  return spec.bodyContains.length > 0 || spec.bodyMatches.length > 0 || spec.json.length > 0;
}

function checkJson(assertion: JsonAssertion, document: unknown, reasons: string[]): void {
  const label = `json ${displayPath(assertion.path)}`;
  let at: { found: boolean; value?: unknown };
  try {
    at = getJsonPath(document, assertion.path);
  } catch (error) {
    reasons.push(`${label}: ${(error as Error).message}`);
    return;
  }
  if (!at.found) {
    if (assertion.exists !== false) reasons.push(`${label}: missing`);
    return;
  }
  const value = at.value;
  if (assertion.exists === false) {
    reasons.push(`${label}: expected no value, got ${show(value)}`);
    return;
  }
  if (assertion.equals !== undefined && !deepEqual(value, assertion.equals)) {
    reasons.push(`${label}: expected ${show(assertion.equals)}, got ${show(value)}`);
  }
  if (assertion.matches) {
    const text = typeof value === 'string' ? value : jsonText(value);
    if (text.search(assertion.matches) === -1)
      reasons.push(`${label}: ${show(value)} does not match ${assertion.matches}`);
  }
  if (assertion.min !== undefined || assertion.max !== undefined) {
    if (typeof value !== 'number') {
      reasons.push(`${label}: expected a number, got ${show(value)}`);
    } else if (assertion.min !== undefined && value < assertion.min) {
      reasons.push(`${label}: ${value} is below the minimum ${assertion.min}`);
    } else if (assertion.max !== undefined && value > assertion.max) {
      reasons.push(`${label}: ${value} is above the maximum ${assertion.max}`);
    }
  }
}

function checkHeader(assertion: HeaderAssertion, headers: Answer['headers'], reasons: string[]): void {
  const name = assertion.name.toLowerCase();
  const raw = headers[name];
  const value = Array.isArray(raw) ? raw.join(', ') : raw;
  const label = `header ${name}`;
  if (value === undefined) {
    if (assertion.exists !== false) reasons.push(`${label}: missing`);
    return;
  }
  if (assertion.exists === false) {
    reasons.push(`${label}: expected no header, got ${show(value)}`);
    return;
  }
  if (assertion.equals !== undefined && value !== assertion.equals) {
    reasons.push(`${label}: expected ${show(assertion.equals)}, got ${show(value)}`);
  }
  if (assertion.matches && value.search(assertion.matches) === -1) {
    reasons.push(`${label}: ${show(value)} does not match ${assertion.matches}`);
  }
}

/** Every assertion the answer fails, one line each; empty when it passes them all. */
export function evaluateAnswer(spec: AssertionSpec, answer: Answer): string[] {
  const reasons: string[] = [];
  if (!statusAccepted(answer.status, spec.expectStatus)) {
    const ranges = spec.expectStatus.length > 0 ? spec.expectStatus : DEFAULT_STATUS;
    reasons.push(`status ${answer.status} not in ${formatStatusRanges(ranges)}`);
  }
  for (const assertion of spec.headerAssertions) checkHeader(assertion, answer.headers, reasons);
  for (const text of spec.bodyContains) {
    if (!answer.body.includes(text)) reasons.push(`body does not contain ${show(text)}`);
  }
  for (const pattern of spec.bodyMatches) {
    if (answer.body.search(pattern) === -1) reasons.push(`body does not match ${pattern}`);
  }
  if (spec.json.length > 0) {
    let document: unknown;
    try {
      document = JSON.parse(answer.body);
    } catch (error) {
      reasons.push(`json: body is not JSON (${(error as Error).message.slice(0, SHOWN_CHARS)})`);
      return reasons;
    }
    for (const assertion of spec.json) checkJson(assertion, document, reasons);
  }
  return reasons;
}
