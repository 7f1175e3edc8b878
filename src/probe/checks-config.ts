// The `checks` input of smoke-test: YAML (or JSON) checks, inline or in a file, validated against the published
// JSON Schema (schemas/smoke-test-checks.schema.json) and turned into typed CheckSpecs.
//
// Validation runs in two passes: the schema (shape, types, unknown keys) and then the meaning (durations,
// percentages, status codes, URLs, regular expressions, header names). Every problem names its key path in
// the user's terms (`checks[2].expect.status[0]: ...`) and, from the YAML source, its line and column.

import { readFile as readFileAsync } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { ErrorObject } from 'ajv';
import checksSchema from '../../schemas/smoke-test-checks.schema.json' with { type: 'json' };
import { DURATION_RANGES, parseDuration } from '../common/durations.js';
import { InputError, quote } from '../common/input-error.js';
import { parsePercentOrFraction } from '../common/numbers.js';
import { type PathRoots, resolveInside } from '../common/workspace-path.js';
import {
  type DocumentWording,
  isConfigFilePath,
  keyPath,
  mustBeOneOf,
  type Problem,
  readYamlConfig,
  render,
  type SchemaVocabulary,
  type Segment,
  suggest,
} from '../common/yaml-config.js';
import { isHeaderName, isHeaderValue } from '../http/headers.js';
import type { StatusRange } from '../http/status-ranges.js';
import { parseStatusRanges } from '../http/status-ranges.js';
import type { TlsSettings } from '../http/types.js';
import { parseUrl } from '../http/url.js';
import type { CheckSpec, HeaderAssertion, JsonAssertion, Thresholds } from './types.js';

/** The JSON Schema the checks are validated with; the same object as the published schema file. */
export { checksSchema };

/** Action-level settings every check starts from; the file's `defaults`, then the check's own keys, win. */
export interface CheckDefaults {
  /** Resolves a check's relative `url` (`/health`); without it every `url` must be absolute. */
  baseUrl?: string;
  headers: Record<string, string>;
  timeoutMs: number;
  samples: number;
  followRedirects: boolean;
  maxRedirects: number;
  /** Accepted statuses when a check gives no `expect.status` (2xx, usually). */
  expectStatus: StatusRange[];
  thresholds: Thresholds;
  tls: TlsSettings;
}

export interface LoadChecksOptions {
  /** Where a checks file path is resolved from (the workspace). */
  baseDir: string;
  /** Reads a file as UTF-8 (the checks file and `ca-file`s); fs by default. */
  readFile?: (path: string) => string | Promise<string>;
  /** The input's name in messages; 'checks' by default. */
  input?: string;
  /** When given, the checks file and every `ca-file` must lie inside these folders (symlinks followed). */
  roots?: PathRoots;
}

export const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/**
 * Parses, validates and expands the `checks` input into one CheckSpec per check.
 *
 * `text` is either the checks themselves (YAML or JSON) or a path to a file holding them: a single line
 * that ends in `.yml`, `.yaml` or `.json` (and is not itself YAML such as `- url: https://x/a.json`) is a
 * path, resolved from `opts.baseDir`, and must exist. A `ca-file` is resolved from the checks file's folder,
 * or from `opts.baseDir` for inline checks.
 *
 * The document is a mapping `{ defaults?, checks }` or just the list of checks. Throws an InputError naming
 * every problem found (up to 20), each with its key path and source position.
 */
export async function loadChecks(
  text: string,
  base: CheckDefaults,
  opts: LoadChecksOptions,
): Promise<CheckSpec[]> {
  const input = opts.input ?? 'checks';
  const read = opts.readFile ?? ((path: string) => readFileAsync(path, 'utf8'));
  const source = await readYamlConfig(text, {
    wording: checksWording(input),
    baseDir: opts.baseDir,
    readFile: read,
    displayFile: (absolute) => workspacePath(opts.baseDir, absolute),
    roots: opts.roots,
  });

  const raw = source.value;
  if (raw === null || raw === undefined) {
    throw new InputError(
      input,
      `'${input}' is empty; give the checks as YAML, or a path to a .yml or .json file`,
    );
  }
  if (typeof raw !== 'object') {
    const hint = typeof raw === 'string' ? ' (a file path must end in .yml, .yaml or .json)' : '';
    throw new InputError(
      input,
      `'${input}' must be a mapping with a 'checks' list, or a list of checks, got ${render(raw)}${hint}`,
    );
  }
  // The list alone stands for `checks:`; its paths say `checks[0]`, which the source lacks.
  const shorthand = Array.isArray(raw);
  const document = (shorthand ? { checks: raw } : raw) as RawDocument;
  const sourcePath = shorthand ? (path: Segment[]) => path.slice(1) : undefined;

  await source.validate(document, CHECKS_VOCABULARY, sourcePath);

  const problems: Problem[] = [];
  const caDir = source.file === undefined ? opts.baseDir : dirname(resolve(opts.baseDir, source.file));
  const specs = await expand(document, base, problems, async (path) =>
    read(opts.roots ? resolveInside({ what: 'a ca-file' }, path, opts.roots, caDir) : resolve(caDir, path)),
  );
  if (problems.length > 0) source.report(problems, sourcePath);
  return specs;
}

/** Messages about the document itself name the input (`'checks' has 3 problems:`); the others, a key path. */
function checksWording(input: string): DocumentWording {
  const whole = (rest: string) => `'${input}' ${rest}`;
  return {
    input,
    whole,
    notYaml: (detail) => whole(`is not valid YAML: ${detail}`),
    syntaxHint: (code, line) =>
      code === 'UNEXPECTED_TOKEN' && /[[{]/.test(line)
        ? '; inside { } or [ ], quote a value that holds [ ] { } or a comma'
        : '',
    root: whole,
    one: (line) => line,
    many: (count) => whole(`has ${count} problems:`),
  };
}

/** The checks file as the user knows it: relative to the workspace when inside it, else absolute. */
function workspacePath(baseDir: string, absolute: string): string {
  const rel = relative(baseDir, absolute);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : absolute;
}

/** A single line ending in .yml/.yaml/.json that is not YAML itself (no `key: value`, `- item`, `{`, `[`). */
export const isChecksFilePath = isConfigFilePath;

export { keyPath };

// ---------------------------------------------------------------------------------------------------------
// Pass 1: the schema, with ajv's errors in the user's terms

const CHECKS_VOCABULARY: SchemaVocabulary = {
  schema: checksSchema,
  ajv: () => import('ajv'),
  // Values whose form a parser in common/ or http/ knows; its message beats the schema's.
  semantic: [
    { pattern: /^\/(checks\/\d+|defaults)\/timeout$/, parse: parseDuration },
    { pattern: /^\/(checks\/\d+|defaults)\/latency\/(p50|p95|p99|max)$/, parse: parseDuration },
    { pattern: /^\/(checks\/\d+|defaults)\/max-error-rate$/, parse: parsePercentOrFraction },
    { pattern: /^\/checks\/\d+\/expect\/status(\/\d+)?$/, parse: parseStatusRanges },
  ],
  typeWord,
  special: (place) => {
    const { error, segments, schema, say } = place;
    const root = segments.length === 0;
    switch (error.keyword) {
      case 'additionalProperties': {
        if (!root) return undefined;
        const key = String(error.params.additionalProperty);
        const allowed = Object.keys((schema.properties ?? {}) as object);
        return {
          message: say(`has an unknown top-level key '${key}' (${suggest(key, allowed, 'allowed')})`),
          key,
        };
      }
      case 'required':
        return root
          ? {
              message: say(
                `must have a '${String(error.params.missingProperty)}' list (or be just the list of checks)`,
              ),
            }
          : undefined;
      case 'enum':
        // Methods and the like: only a difference of case is worth a guess.
        return { message: mustBeOneOf(place, sameButCase) };
      case 'minItems':
        return segments.length === 1 && segments[0] === 'checks'
          ? { message: say('must list at least one check') }
          : undefined;
      default:
        return undefined;
    }
  },
};

function sameButCase(word: string, allowed: string[]): string | undefined {
  return allowed.find((a) => a.toLowerCase() === word.toLowerCase());
}

/** `a list of strings` where the schema says what the list holds. */
function typeWord(type: string, errors: ErrorObject[]): string | undefined {
  if (type !== 'array') return undefined;
  const items = errors
    .map((e) => (e.parentSchema as { items?: { type?: string } } | undefined)?.items?.type)
    .find((t) => t !== undefined);
  return items === 'string' ? 'a list of strings' : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Pass 2: meaning, defaults and merging

type HeaderValues = Record<string, string | number | boolean>;

interface RawShared {
  headers?: HeaderValues;
  timeout?: string;
  samples?: number;
  'follow-redirects'?: boolean;
  'max-redirects'?: number;
  tls?: { 'min-valid-days'?: number; insecure?: boolean; 'ca-file'?: string };
  latency?: { p50?: string; p95?: string; p99?: string; max?: string };
  'max-error-rate'?: string | number;
}

interface RawExpect {
  status?: number | string | (number | string)[];
  'body-contains'?: string | string[];
  'body-matches'?: string | string[];
  json?: { path: string; exists?: boolean; equals?: unknown; matches?: string; min?: number; max?: number }[];
  headers?: Record<string, string | { exists?: boolean; equals?: string; matches?: string }>;
}

interface RawCheck extends RawShared {
  name?: string;
  url: string;
  method?: (typeof METHODS)[number];
  body?: string | object;
  expect?: RawExpect;
}

interface RawDocument {
  defaults?: RawShared;
  checks: RawCheck[];
}

/** The settings a check inherits: the action's, overridden by the file's `defaults`. */
interface Layer {
  headers: Record<string, string>;
  timeoutMs: number;
  samples: number;
  followRedirects: boolean;
  maxRedirects: number;
  thresholds: Thresholds;
  tls: TlsSettings;
}

async function expand(
  document: RawDocument,
  base: CheckDefaults,
  problems: Problem[],
  readCa: (path: string) => string | Promise<string>,
): Promise<CheckSpec[]> {
  const check = (path: Segment[], fn: () => void): void => {
    try {
      fn();
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push({ path, message: error.message });
    }
  };
  const fail: Fail = (path, rest, key) => {
    const problem: Problem = { path, message: `${keyPath(path)}: ${rest}` };
    if (key !== undefined) problem.key = key;
    problems.push(problem);
  };
  const caFiles = new Map<string, Promise<string | undefined>>();
  const readCaFile = (path: Segment[], file: string): Promise<string | undefined> => {
    let pending = caFiles.get(file);
    if (!pending) {
      pending = Promise.resolve()
        .then(() => readCa(file))
        .then(
          (pem) => {
            if (pem.includes('-----BEGIN CERTIFICATE-----')) return pem;
            fail(path, `${quote(file)} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
            return undefined;
          },
          (error: NodeJS.ErrnoException) => {
            fail(
              path,
              `cannot read ${quote(file)}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`,
            );
            return undefined;
          },
        );
      caFiles.set(file, pending);
    }
    return pending;
  };

  /** Applies one layer of file settings (defaults or a check) over `under`. */
  const overlay = async (raw: RawShared, path: Segment[], under: Layer): Promise<Layer> => {
    const layer: Layer = {
      ...under,
      headers: mergeHeaders(under.headers, headersOf(raw.headers, [...path, 'headers'], fail)),
      thresholds: { ...under.thresholds },
      tls: { ...under.tls },
    };
    if (raw.timeout !== undefined) {
      check([...path, 'timeout'], () => {
        layer.timeoutMs = parseDuration(
          keyPath([...path, 'timeout']),
          raw.timeout as string,
          DURATION_RANGES.request,
        );
      });
    }
    if (raw.samples !== undefined) layer.samples = raw.samples;
    if (raw['follow-redirects'] !== undefined) layer.followRedirects = raw['follow-redirects'];
    if (raw['max-redirects'] !== undefined) layer.maxRedirects = raw['max-redirects'];
    for (const key of ['p50', 'p95', 'p99', 'max'] as const) {
      const text = raw.latency?.[key];
      if (text === undefined) continue;
      const field = `${key}Ms` as const;
      check([...path, 'latency', key], () => {
        layer.thresholds[field] = parseDuration(
          keyPath([...path, 'latency', key]),
          text,
          DURATION_RANGES.request,
        );
      });
    }
    const errorRate = raw['max-error-rate'];
    if (errorRate !== undefined) {
      check([...path, 'max-error-rate'], () => {
        layer.thresholds.maxErrorRate = parsePercentOrFraction(
          keyPath([...path, 'max-error-rate']),
          String(errorRate),
        );
      });
    }
    const tls = raw.tls;
    if (tls?.['min-valid-days'] !== undefined) layer.tls.minValidDays = tls['min-valid-days'];
    if (tls?.insecure !== undefined) layer.tls.insecure = tls.insecure;
    if (tls?.['ca-file'] !== undefined) {
      const ca = await readCaFile([...path, 'tls', 'ca-file'], tls['ca-file']);
      if (ca !== undefined) layer.tls.ca = ca;
    }
    return layer;
  };

  const start: Layer = {
    headers: { ...base.headers },
    timeoutMs: base.timeoutMs,
    samples: base.samples,
    followRedirects: base.followRedirects,
    maxRedirects: base.maxRedirects,
    thresholds: { ...base.thresholds },
    tls: { ...base.tls },
  };
  const defaults = document.defaults ? await overlay(document.defaults, ['defaults'], start) : start;

  const specs: CheckSpec[] = [];
  const names = new Map<string, number>();
  for (const [index, raw] of document.checks.entries()) {
    const path: Segment[] = ['checks', index];
    const sub = (...keys: Segment[]): Segment[] => [...path, ...keys];
    const layer = await overlay(raw, path, defaults);
    const method = raw.method ?? 'GET';

    let url = raw.url;
    check(sub('url'), () => {
      url = resolveUrl(keyPath(sub('url')), raw.url, base.baseUrl);
    });

    const headers = { ...layer.headers };
    let body: string | undefined;
    if (raw.body !== undefined) {
      if (method === 'GET' || method === 'HEAD') fail(sub('body'), `a ${method} request cannot have a body`);
      if (typeof raw.body === 'string') {
        body = raw.body;
      } else {
        body = JSON.stringify(raw.body);
        if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
          headers['content-type'] = 'application/json';
        }
      }
    }

    const expect = raw.expect ?? {};
    let expectStatus = base.expectStatus.map((range) => ({ ...range }));
    if (expect.status !== undefined) {
      const items = Array.isArray(expect.status) ? expect.status : [expect.status];
      const ranges: StatusRange[] = [];
      items.forEach((item, i) => {
        const itemPath = Array.isArray(expect.status) ? sub('expect', 'status', i) : sub('expect', 'status');
        check(itemPath, () => ranges.push(...parseStatusRanges(keyPath(itemPath), String(item))));
      });
      expectStatus = ranges;
    }

    const listOf = (value: string | string[] | undefined): string[] =>
      value === undefined ? [] : Array.isArray(value) ? value : [value];
    const bodyMatches: RegExp[] = [];
    const matches = expect['body-matches'];
    listOf(matches).forEach((source, i) => {
      const regex = compileRegex(
        Array.isArray(matches) ? sub('expect', 'body-matches', i) : sub('expect', 'body-matches'),
        source,
        fail,
      );
      if (regex) bodyMatches.push(regex);
    });

    const json: JsonAssertion[] = [];
    (expect.json ?? []).forEach((rawAssertion, i) => {
      const at = sub('expect', 'json', i);
      const assertion = jsonAssertion(rawAssertion, at, fail);
      if (assertion) json.push(assertion);
    });

    const headerAssertions: HeaderAssertion[] = [];
    for (const [name, rule] of Object.entries(expect.headers ?? {})) {
      const assertion = headerAssertion(name, rule, sub('expect', 'headers', name), fail);
      if (assertion) headerAssertions.push(assertion);
    }

    const name = raw.name ?? defaultName(method, url);
    const earlier = names.get(name);
    if (earlier !== undefined) {
      fail(
        raw.name === undefined ? path : sub('name'),
        `the name ${quote(name)} is already used by checks[${earlier}]; give one of them a distinct name`,
      );
    } else {
      names.set(name, index);
    }

    const spec: CheckSpec = {
      name,
      url,
      method,
      headers,
      expectStatus,
      bodyContains: listOf(expect['body-contains']),
      bodyMatches,
      json,
      headerAssertions,
      followRedirects: layer.followRedirects,
      maxRedirects: layer.maxRedirects,
      timeoutMs: layer.timeoutMs,
      tls: layer.tls,
      samples: layer.samples,
      thresholds: layer.thresholds,
    };
    if (body !== undefined) spec.body = body;
    specs.push(spec);
  }
  return specs;
}

/** Records a problem at `path` (at the key `key` in it, when given). */
type Fail = (path: Segment[], rest: string, key?: string) => void;

/** An absolute http(s) URL, or a path resolved against the action's base URL when there is one. */
function resolveUrl(label: string, url: string, baseUrl: string | undefined): string {
  const hasScheme = /^[a-z][a-z0-9+.-]*:/i.test(url.trim());
  if (hasScheme || baseUrl === undefined) {
    if (!hasScheme && url.trim().startsWith('/')) {
      throw new InputError(
        label,
        `${label}: must be an http or https URL like https://example.com/health, got ${quote(url)} (a path needs the action's base URL)`,
      );
    }
    return parseUrl(label, url);
  }
  return parseUrl(label, new URL(url.trim(), baseUrl).href);
}

function defaultName(method: string, url: string): string {
  try {
    const parsed = new URL(url);
    return `${method} ${parsed.pathname}${parsed.search}`;
  } catch {
    return `${method} ${url}`;
  }
}

function mergeHeaders(...layers: Record<string, string>[]): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const layer of layers) {
    for (const [name, value] of Object.entries(layer)) {
      for (const existing of Object.keys(merged)) {
        if (existing.toLowerCase() === name.toLowerCase()) delete merged[existing];
      }
      merged[name] = value;
    }
  }
  return merged;
}

/** Request headers from the file: names must be tokens, values single-line (never echoed: they may be secrets). */
function headersOf(raw: HeaderValues | undefined, path: Segment[], fail: Fail): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw ?? {})) {
    const text = String(value);
    if (!isHeaderName(name)) {
      fail(path, `${quote(name)} is not a valid header name (letters, digits and - only)`, name);
    } else if (!isHeaderValue(text)) {
      fail([...path, name], 'must not contain line breaks or control characters');
    } else {
      headers[name] = text;
    }
  }
  return headers;
}

function compileRegex(path: Segment[], source: string, fail: Fail): RegExp | undefined {
  try {
    return new RegExp(source);
  } catch (error) {
    const reason = (error as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
    fail(path, `invalid regular expression ${quote(source)}: ${reason}`);
    return undefined;
  }
}

/** `$`, `$.status`, `data.items[0].id`, `$["odd key"].x`. */
const JSON_PATH = /^(?:\$|[^.[\]$"'][^.[\]]*)?(?:\.[^.[\]]+|\[\d+\]|\["[^"]*"\]|\['[^']*'\])*$/;

function jsonAssertion(
  raw: NonNullable<RawExpect['json']>[number],
  path: Segment[],
  fail: Fail,
): JsonAssertion | undefined {
  if (!JSON_PATH.test(raw.path) || raw.path.trim() !== raw.path) {
    fail([...path, 'path'], `must be a path like data.items[0].id or $.status, got ${quote(raw.path)}`);
  }
  const assertion: JsonAssertion = { path: raw.path };
  const given = (['exists', 'equals', 'matches', 'min', 'max'] as const).filter((k) => k in raw);
  if (given.length === 0) {
    fail(path, 'give at least one of exists, equals, matches, min, max');
    return undefined;
  }
  if (raw.exists === false && given.length > 1) {
    fail(path, `exists: false cannot be combined with ${given.filter((k) => k !== 'exists').join(', ')}`);
  }
  if (raw.min !== undefined && raw.max !== undefined && raw.min > raw.max) {
    fail(path, `min (${raw.min}) is greater than max (${raw.max})`);
  }
  if (raw.exists !== undefined) assertion.exists = raw.exists;
  if ('equals' in raw) assertion.equals = raw.equals;
  if (raw.min !== undefined) assertion.min = raw.min;
  if (raw.max !== undefined) assertion.max = raw.max;
  if (raw.matches !== undefined) {
    const regex = compileRegex([...path, 'matches'], raw.matches, fail);
    if (regex) assertion.matches = regex;
  }
  return assertion;
}

function headerAssertion(
  name: string,
  rule: NonNullable<RawExpect['headers']>[string],
  path: Segment[],
  fail: Fail,
): HeaderAssertion | undefined {
  if (!isHeaderName(name)) {
    fail(path.slice(0, -1), `${quote(name)} is not a valid header name (letters, digits and - only)`, name);
    return undefined;
  }
  if (typeof rule === 'string') return { name, equals: rule };
  const given = (['exists', 'equals', 'matches'] as const).filter((k) => rule[k] !== undefined);
  if (given.length === 0) {
    fail(path, 'give a value to equal, or at least one of exists, equals, matches');
    return undefined;
  }
  if (rule.exists === false && given.length > 1) {
    fail(path, `exists: false cannot be combined with ${given.filter((k) => k !== 'exists').join(', ')}`);
  }
  const assertion: HeaderAssertion = { name };
  if (rule.exists !== undefined) assertion.exists = rule.exists;
  if (rule.equals !== undefined) assertion.equals = rule.equals;
  if (rule.matches !== undefined) {
    const regex = compileRegex([...path, 'matches'], rule.matches, fail);
    if (regex) assertion.matches = regex;
  }
  return assertion;
}
