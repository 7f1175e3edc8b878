// The `gates` input of preflight-gates: YAML (or JSON) validated against the published JSON Schema
// (schemas/preflight-gates.schema.json) and turned into a typed GatesConfig, with the defaults of types.ts.
//
// The shape, every key optional; a gate that is not given is not evaluated:
//
//   branch:                              # environment → refs that may go there
//     production: [main, 'v*']           # branches by name; version-like patterns (v*, v1.*) match tags
//     staging: ['*']                     # '*' matches any characters, '/' included
//   freeze:                              # or just the list of windows
//     timezone: Europe/Berlin            # for windows that name none
//     override-label: emergency          # a PR label that lets a frozen deploy through (recorded)
//     windows:
//       - { name: weekend, from: 'Fri 16:00', to: 'Mon 08:00', environments: [production] }
//       - { name: year-end, from: 2026-12-20, to: 2027-01-02, timezone: America/New_York }
//   env: { variables: [API_URL], secrets: [DEPLOY_TOKEN] }   # or a list of names
//   reviews: 2                           # or { min-approvals: 2, no-changes-requested: true }; empty: 1
//   vulnerabilities:
//     fail-on: high                      # low | medium | high | critical (default)
//     sarif: [trivy.sarif, 'reports/**/*.sarif']
//     npm-audit: npm-audit.json
//     dependabot: true
//     ignore: [CVE-2024-12345]
//   migrations: alembic check            # or { run, name, cwd, timeout }
//   command:                             # a command, a mapping, or a list of them
//     - ./scripts/check-config.sh
//     - { name: plan, run: terraform plan -detailed-exitcode, cwd: infra, timeout: 10m }
//   checks: required                     # all | required | [test, 'build (*)'] | a mapping:
//   # checks: { names: [test], ignore: [lint], allowed-conclusions: [success], grace: 60s,
//   #           interval: 10s, max-interval: 60s, timeout: 15m, fail-fast: true }
//
// Freeze times: `from`/`to` are a weekday and a 24-hour time (`Fri 16:00`, `friday 08:30`) or a date
// (`2026-12-20`), optionally with a time (`2026-12-20T18:00`). A date alone as `to` includes that whole day.
// How times that do not exist or repeat on DST days are read is freeze.ts's to say (see there).
//
// Validation runs in two passes: the schema (shape, types, unknown gates and keys), then the meaning (time
// zones, durations, weekdays and dates, duplicate names). Every problem names its key path as the user wrote
// it (`freeze.windows[0].timezone`, or `freeze[0].timezone` for the list form) and its line and column.
import { readFile as readFileAsync } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import gatesSchema from '../../schemas/preflight-gates.schema.json' with { type: 'json' };
import { InputError, parseDuration, quote, type SourceLocation } from '../common/units.js';
import {
  type BranchGateConfig,
  type CheckConclusion,
  type ChecksGateConfig,
  type CommandGateConfig,
  type EnvGateConfig,
  type FreezeGateConfig,
  type FreezeWindow,
  GATE_ORDER,
  type GatesConfig,
  type ReviewsGateConfig,
  type Severity,
  type VulnerabilitiesGateConfig,
} from './types.js';

/** The JSON Schema the gates are validated with; the same object as the published schema file. */
export { gatesSchema };

export interface ParseGatesOptions {
  /** The input's name in messages: 'gates' (default) or 'gates-file'. */
  input?: string;
  /** Where a gates file named in the text is read from (the workspace). */
  baseDir?: string;
  /** Reads a file as UTF-8; fs by default. */
  readFile?: (path: string) => string | Promise<string>;
}

export const CHECKS_DEFAULTS: Omit<ChecksGateConfig, 'mode' | 'names'> = {
  ignore: [],
  allowedConclusions: ['success', 'neutral', 'skipped'],
  graceMs: 60_000,
  intervalMs: 10_000,
  maxIntervalMs: 60_000,
  timeoutMs: 15 * 60_000,
};
export const REVIEWS_DEFAULTS: ReviewsGateConfig = { minApprovals: 1, noChangesRequested: true };
export const COMMAND_TIMEOUT_MS = 10 * 60_000;

const MAX_PROBLEMS = 20;
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

type Segment = string | number;

interface Problem {
  path: Segment[];
  /** The message without the input's name: `freeze.windows[0].timezone: unknown time zone 'Berlin'`. */
  message: string;
  /** Point at the key itself (unknown keys) rather than its value. */
  key?: string;
  location?: SourceLocation;
  offset?: number;
}

/**
 * Parses and validates the gates (YAML or JSON text, or a single line naming a .yml, .yaml or .json file
 * read from `baseDir`) into a GatesConfig with every default applied. Throws an InputError naming every
 * problem found (up to 20), each with its key path and source position.
 */
export async function parseGatesConfig(text: string, opts: ParseGatesOptions = {}): Promise<GatesConfig> {
  const input = opts.input ?? 'gates';
  const source = await readSource(text, input, opts);
  const lineCounter = new LineCounter();
  const doc = parseDocument(source.text, { lineCounter, merge: true, prettyErrors: false });
  const at = (offset: number): SourceLocation => {
    const { line, col } = lineCounter.linePos(offset);
    return source.file === undefined ? { line, column: col } : { file: source.file, line, column: col };
  };
  const syntaxError = doc.errors[0];
  if (syntaxError) {
    const location = at(syntaxError.pos[0]);
    throw new InputError(
      input,
      `${input}: not valid YAML: ${syntaxError.message} (${formatLocation(location)})`,
      location,
    );
  }
  const raw: unknown = doc.toJS({ maxAliasCount: 1000 });
  if (raw === null || raw === undefined) {
    throw new InputError(input, `${input}: is empty; give the gates as YAML, like 'checks: required'`);
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InputError(
      input,
      `${input}: must be a mapping of gates (${GATE_ORDER.join(', ')}), got ${render(raw)}`,
    );
  }

  const report = (problems: Problem[]): never => {
    for (const problem of problems) {
      const offset = nodeOffset(doc, problem.path, problem.key);
      if (offset !== undefined) {
        problem.offset = offset;
        problem.location = at(offset);
      }
    }
    problems.sort((a, b) => (a.offset ?? Number.MAX_SAFE_INTEGER) - (b.offset ?? Number.MAX_SAFE_INTEGER));
    const lines = problems
      .slice(0, MAX_PROBLEMS)
      .map((p) => (p.location ? `${p.message} (${formatLocation(p.location)})` : p.message));
    if (problems.length > MAX_PROBLEMS) lines.push(`... and ${problems.length - MAX_PROBLEMS} more`);
    const message =
      problems.length === 1
        ? `${input}: ${lines[0]}`
        : `${input}: ${problems.length} problems:\n  ${lines.join('\n  ')}`;
    throw new InputError(input, message, problems[0]?.location);
  };

  const validate = await compiledSchema();
  if (!validate(raw)) report(schemaProblems(validate.errors ?? [], raw));
  const problems: Problem[] = [];
  const config = build(raw as RawGates, problems);
  if (problems.length > 0) report(problems);
  return config;
}

// ---------------------------------------------------------------------------------------------------------
// Source

interface Source {
  text: string;
  file?: string;
}

/** A single line ending in .yml/.yaml/.json that is not YAML itself (no `key: value`, `- item`, `{`, `[`). */
export function isGatesFilePath(text: string): boolean {
  const value = text.trim();
  return (
    !/[\r\n]/.test(value) && /\.(ya?ml|json)$/i.test(value) && !/^[-[{]/.test(value) && !/:\s/.test(value)
  );
}

async function readSource(text: string, input: string, opts: ParseGatesOptions): Promise<Source> {
  if (!isGatesFilePath(text)) return { text };
  const file = text.trim();
  const absolute = resolve(opts.baseDir ?? '.', file);
  const read = opts.readFile ?? ((path: string) => readFileAsync(path, 'utf8'));
  try {
    return { text: await read(absolute), file };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'which does not exist' : `which cannot be read (${(error as Error).message})`;
    throw new InputError(input, `${input}: names the file ${quote(file)} (${absolute}), ${why}`);
  }
}

function formatLocation(location: SourceLocation): string {
  return location.file === undefined
    ? `at line ${location.line}, column ${location.column}`
    : `at ${location.file}:${location.line}:${location.column}`;
}

function nodeOffset(doc: Document, segments: Segment[], key?: string): number | undefined {
  let node: unknown = doc.contents;
  let offset = rangeStart(node);
  const steps = segments.map((segment) => ({ segment, key: false }));
  if (key !== undefined) steps.push({ segment: key, key: true });
  for (const step of steps) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(step.segment));
      if (!pair) break;
      node = step.key ? pair.key : pair.value;
    } else if (isSeq(node) && typeof step.segment === 'number') {
      node = node.items[step.segment];
    } else {
      break;
    }
    offset = rangeStart(node) ?? offset;
  }
  return offset;
}

function rangeStart(node: unknown): number | undefined {
  return (node as Node | null)?.range?.[0];
}

/** `freeze.windows[0].timezone`; keys that are not plain words are bracketed: `branch["my env"]`. */
export function keyPath(segments: readonly Segment[]): string {
  return segments
    .map((s, i) => {
      if (typeof s === 'number') return `[${s}]`;
      if (/^[A-Za-z_$][\w$-]*$/.test(s)) return i === 0 ? s : `.${s}`;
      return `[${JSON.stringify(s)}]`;
    })
    .join('');
}

// ---------------------------------------------------------------------------------------------------------
// Pass 1: the schema, with ajv's errors in the user's terms

let compiled: Promise<ValidateFunction> | undefined;

/** ajv is loaded and the schema compiled on first use only. */
function compiledSchema(): Promise<ValidateFunction> {
  compiled ??= import('ajv').then((mod) => {
    // Node and ncc hand over module.exports (the Ajv class) as the default; TypeScript types it as the namespace.
    const Ajv = mod.default as unknown as typeof mod.Ajv;
    const ajv = new Ajv({ allErrors: true, verbose: true, allowUnionTypes: true, strict: true });
    return ajv.compile(gatesSchema);
  });
  return compiled;
}

const WINDOW_TIME_EXPECTED =
  "a weekday and time like 'Fri 16:00', or a date like 2026-12-20 (with a time: 2026-12-20T18:00)";

/** Values whose form a parser knows, found by their JSON pointer; its message beats the schema's. */
const SEMANTIC: { pattern: RegExp; parse: (label: string, text: string) => unknown }[] = [
  {
    pattern:
      /^\/(checks\/(grace|interval|max-interval|timeout)|migrations\/timeout|command(\/\d+)?\/timeout)$/,
    parse: (label, text) => parseDuration(label, text),
  },
  {
    pattern: /^\/freeze(\/windows)?\/\d+\/(from|to)$/,
    parse: (label, text) => parseWindowTime(label, text),
  },
];

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  object: 'a mapping (key: value)',
  array: 'a list',
  null: 'empty',
};

function schemaProblems(errors: ErrorObject[], document: unknown): Problem[] {
  const byPath = new Map<string, ErrorObject[]>();
  for (const error of errors) {
    if (['if', 'anyOf', 'oneOf'].includes(error.keyword)) continue;
    const group = byPath.get(error.instancePath) ?? [];
    group.push(error);
    byPath.set(error.instancePath, group);
  }
  const problems: Problem[] = [];
  for (const [pointer, group] of byPath) {
    const { segments, value } = resolvePointer(document, pointer);
    const label = keyPath(segments);
    const semantic = SEMANTIC.find((s) => s.pattern.test(pointer));
    if (semantic && (typeof value === 'string' || typeof value === 'number')) {
      try {
        semantic.parse(label, String(value));
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        problems.push({ path: segments, message: error.message });
        continue;
      }
    }
    // A type error beside deeper errors, or beside other errors here, is a union branch that did not apply.
    const deeper = [...byPath.keys()].some((p) => p.startsWith(`${pointer}/`));
    const others = group.filter((e) => e.keyword !== 'type');
    if (deeper && others.length === 0) continue;
    const relevant = others.length > 0 ? others : group;
    const types = relevant.filter((e) => e.keyword === 'type');
    if (types.length > 0) {
      const words = types.flatMap((e) => String(e.params.type).split(',')).map((t) => TYPE_WORDS[t] ?? t);
      problems.push({
        path: segments,
        message: `${label}: must be ${either([...new Set(words)])}, got ${render(value)}`,
      });
    }
    for (const error of relevant) {
      if (error.keyword !== 'type') problems.push(describeError(error, segments, label, value));
    }
  }
  return problems;
}

function describeError(error: ErrorObject, segments: Segment[], label: string, value: unknown): Problem {
  const schema = (error.parentSchema ?? {}) as Record<string, unknown>;
  const problem = (message: string, key?: string): Problem =>
    key === undefined ? { path: segments, message } : { path: segments, message, key };
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(error.params.additionalProperty);
      if (segments.length === 0) {
        const guess = closest(key, [...GATE_ORDER]);
        return problem(
          `unknown gate '${key}' (${guess ? `did you mean '${guess}'? ` : ''}known: ${GATE_ORDER.join(', ')})`,
          key,
        );
      }
      const allowed = Object.keys((schema.properties ?? {}) as object);
      const guess = closest(key, allowed);
      return problem(
        `${label}: unknown key '${key}' (${guess ? `did you mean '${guess}'? ` : ''}allowed: ${allowed.join(', ')})`,
        key,
      );
    }
    case 'required':
      return problem(`${label}: missing required key '${String(error.params.missingProperty)}'`);
    case 'enum': {
      const allowed = (error.params.allowedValues as unknown[]).map(String);
      const guess = closest(String(value), allowed);
      const hint = guess ? ` (did you mean '${guess}'?)` : '';
      const more =
        segments.length === 1 && segments[0] === 'checks' ? ', a list of check names or a mapping' : '';
      return problem(`${label}: must be one of ${allowed.join(', ')}${more}, got ${render(value)}${hint}`);
    }
    case 'minimum':
      return problem(
        `${label}: must be a whole number of at least ${String(schema.minimum)}, got ${render(value)}`,
      );
    case 'minItems':
      return problem(`${label}: must not be an empty list`);
    case 'minProperties':
      return problem(`${label}: must not be empty`);
    case 'minLength':
      return problem(`${label}: must not be empty`);
    case 'pattern':
      return /^\/env(\/(variables|secrets))?\/\d+$/.test(`/${segments.join('/')}`)
        ? problem(
            `${label}: must be a variable name (letters, digits and _, not starting with a digit), got ${render(value)}`,
          )
        : problem(`${label}: must match ${String(error.params.pattern)}, got ${render(value)}`);
    default:
      return problem(`${label}: ${error.message ?? 'is not valid'}`);
  }
}

function either(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

function render(value: unknown): string {
  if (value === null || value === undefined) return 'an empty value';
  if (typeof value === 'string') return quote(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

function resolvePointer(document: unknown, pointer: string): { segments: Segment[]; value: unknown } {
  const segments: Segment[] = [];
  let value = document;
  for (const part of pointer === '' ? [] : pointer.slice(1).split('/')) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(value)) {
      segments.push(Number(key));
      value = value[Number(key)];
    } else {
      segments.push(key);
      value =
        value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
    }
  }
  return { segments, value };
}

/** The allowed word nearest to a misspelt one (edit distance ≤ 2, or a case/separator difference). */
function closest(word: string, allowed: string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[-_ ]/g, '');
  const same = allowed.find((a) => norm(a) === norm(word));
  if (same) return same;
  let best: { word: string; distance: number } | undefined;
  for (const candidate of allowed) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { word: candidate, distance };
  }
  return best?.word;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

// ---------------------------------------------------------------------------------------------------------
// Pass 2: meaning and defaults

type StringOrList = string | string[];
type RawCommand = string | { run: string; name?: string; cwd?: string; timeout?: string };
interface RawWindow {
  name?: string;
  from: string;
  to: string;
  timezone?: string;
  environments?: StringOrList;
}

interface RawGates {
  branch?: Record<string, StringOrList>;
  freeze?: RawWindow[] | { windows: RawWindow[]; timezone?: string; 'override-label'?: string };
  env?: string[] | { variables?: string[]; secrets?: string[] };
  reviews?: number | null | { 'min-approvals'?: number; 'no-changes-requested'?: boolean };
  vulnerabilities?: {
    'fail-on'?: Severity;
    sarif?: StringOrList;
    'npm-audit'?: StringOrList;
    dependabot?: boolean;
    ignore?: StringOrList;
  };
  migrations?: RawCommand;
  command?: RawCommand | RawCommand[];
  checks?:
    | 'all'
    | 'required'
    | string[]
    | null
    | {
        mode?: ChecksGateConfig['mode'];
        names?: string[];
        ignore?: string[];
        'allowed-conclusions'?: CheckConclusion[];
        grace?: string;
        interval?: string;
        'max-interval'?: string;
        timeout?: string;
        'fail-fast'?: boolean;
      };
}

type Fail = (path: Segment[], rest: string) => void;
type Attempt = <T>(path: Segment[], fn: () => T) => T | undefined;

function listOf(value: StringOrList | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function build(raw: RawGates, problems: Problem[]): GatesConfig {
  const fail: Fail = (path, rest) => problems.push({ path, message: `${keyPath(path)}: ${rest}` });
  const attempt: Attempt = (path, fn) => {
    try {
      return fn();
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push({ path, message: error.message });
      return undefined;
    }
  };
  // A grace period may be 0s; a timeout or a poll interval may not.
  const duration = (path: Segment[], text: string | undefined, fallback: number): number =>
    text === undefined
      ? fallback
      : (attempt(path, () => parseDuration(keyPath(path), text, { min: path.at(-1) === 'grace' ? 0 : 1 })) ??
        fallback);

  const config: GatesConfig = {};
  if (raw.branch !== undefined) config.branch = branchConfig(raw.branch);
  if (raw.freeze !== undefined) config.freeze = freezeConfig(raw.freeze, fail, attempt);
  if (raw.env !== undefined) config.env = envConfig(raw.env, fail);
  if (raw.reviews !== undefined) config.reviews = reviewsConfig(raw.reviews);
  if (raw.vulnerabilities !== undefined)
    config.vulnerabilities = vulnerabilitiesConfig(raw.vulnerabilities, fail);
  if (raw.migrations !== undefined) {
    config.migrations = commandConfig(raw.migrations, ['migrations'], duration, 'program');
  }
  if (raw.command !== undefined) {
    const list = Array.isArray(raw.command) ? raw.command : [raw.command];
    const commands = list.map((entry, i) =>
      commandConfig(entry, Array.isArray(raw.command) ? ['command', i] : ['command'], duration, 'line'),
    );
    const seen = new Map<string, number>();
    commands.forEach((command, i) => {
      const earlier = seen.get(command.name);
      if (earlier === undefined) {
        seen.set(command.name, i);
        return;
      }
      const entry = list[i];
      const path: Segment[] =
        typeof entry === 'object' && entry.name !== undefined ? ['command', i, 'name'] : ['command', i];
      fail(
        path,
        `the name ${quote(command.name)} is already used by command[${earlier}]; give each command a distinct name`,
      );
    });
    config.command = commands;
  }
  if (raw.checks !== undefined) config.checks = checksConfig(raw.checks, fail, duration);
  return config;
}

function branchConfig(raw: Record<string, StringOrList>): BranchGateConfig {
  return {
    rules: Object.entries(raw).map(([environment, refs]) => ({ environment, refs: listOf(refs) })),
  };
}

function freezeConfig(raw: NonNullable<RawGates['freeze']>, fail: Fail, attempt: Attempt): FreezeGateConfig {
  const listForm = Array.isArray(raw);
  const windows = listForm ? raw : raw.windows;
  const base: Segment[] = listForm ? ['freeze'] : ['freeze', 'windows'];
  const defaultZone = listForm ? undefined : raw.timezone;
  let defaultZoneValid: string | undefined;
  if (defaultZone !== undefined) {
    const zone = canonicalTimeZone(defaultZone);
    if (zone === undefined) fail(['freeze', 'timezone'], unknownZone(defaultZone));
    defaultZoneValid = zone;
  }
  const parsed: FreezeWindow[] = [];
  const names = new Map<string, number>();
  windows.forEach((window, index) => {
    const path = [...base, index];
    let timezone: string | undefined;
    if (window.timezone !== undefined) {
      timezone = canonicalTimeZone(window.timezone);
      if (timezone === undefined) fail([...path, 'timezone'], unknownZone(window.timezone));
    } else if (defaultZone === undefined) {
      fail(
        path,
        "missing required key 'timezone' (an IANA time zone like Europe/Berlin; or set freeze.timezone for every window)",
      );
    } else {
      timezone = defaultZoneValid;
    }
    const from = attempt([...path, 'from'], () => parseWindowTime(keyPath([...path, 'from']), window.from));
    const to = attempt([...path, 'to'], () => parseWindowTime(keyPath([...path, 'to']), window.to, 'end'));
    if (window.name !== undefined) {
      const earlier = names.get(window.name);
      if (earlier !== undefined) {
        fail(
          [...path, 'name'],
          `the name ${quote(window.name)} is already used by ${keyPath([...base, earlier])}`,
        );
      } else {
        names.set(window.name, index);
      }
    }
    if (!from || !to || timezone === undefined) return;
    const environments = listOf(window.environments);
    const named = window.name === undefined ? {} : { name: window.name };
    if (from.kind === 'weekly' && to.kind === 'weekly') {
      if (from.day === to.day && from.minutes === to.minutes) {
        fail(
          [...path, 'to'],
          `must differ from 'from' (${window.from}); a window cannot be empty or the whole week`,
        );
        return;
      }
      parsed.push({
        kind: 'weekly',
        ...named,
        timezone,
        from: { day: from.day, minutes: from.minutes },
        to: { day: to.day, minutes: to.minutes },
        environments,
      });
    } else if (from.kind === 'date' && to.kind === 'date') {
      if (to.wall <= from.wall) {
        fail([...path, 'to'], `must be after 'from' (${window.from}), got ${quote(window.to)}`);
        return;
      }
      parsed.push({ kind: 'dates', ...named, timezone, from: from.wall, to: to.wall, environments });
    } else {
      fail(
        [...path, 'to'],
        `must be of the same kind as 'from': both a weekday and time ('Fri 16:00'), or both dates (2026-12-20), got ${quote(window.from)} and ${quote(window.to)}`,
      );
    }
  });
  const config: FreezeGateConfig = { windows: parsed };
  if (!listForm && raw['override-label'] !== undefined) config.overrideLabel = raw['override-label'];
  return config;
}

type WindowTime =
  | { kind: 'weekly'; day: number; minutes: number }
  /** `YYYY-MM-DDTHH:MM`, a wall time in the window's zone. */
  | { kind: 'date'; wall: string };

/**
 * `Fri 16:00` (a weekday, three letters or in full, any case; a 24-hour time) or `2026-12-20` /
 * `2026-12-20T18:00` (also with a space). As an `end`, a date without a time is the whole day: the window
 * ends at 00:00 of the next day.
 */
export function parseWindowTime(label: string, text: string, as: 'start' | 'end' = 'start'): WindowTime {
  const value = text.trim();
  const bad = (hint?: string): never => {
    throw new InputError(
      label,
      `${label}: must be ${WINDOW_TIME_EXPECTED}, got ${quote(text)}${hint ? ` (${hint})` : ''}`,
    );
  };
  const clock = (h: string, m: string): number => {
    const hours = Number(h);
    const minutes = Number(m);
    if (hours > 23 || minutes > 59) bad('hours run from 00 to 23, minutes from 00 to 59');
    return hours * 60 + minutes;
  };
  const weekly = /^([A-Za-z]+)\s+(\d{1,2}):(\d{2})$/.exec(value);
  if (weekly) {
    const word = (weekly[1] ?? '').toLowerCase();
    const day = WEEKDAYS.findIndex((d) => d === word || (word.length === 3 && d.startsWith(word)));
    if (day < 0) bad(`'${weekly[1]}' is not a weekday; use Mon, Tue, Wed, Thu, Fri, Sat or Sun`);
    return { kind: 'weekly', day, minutes: clock(weekly[2] ?? '', weekly[3] ?? '') };
  }
  const date = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2}))?$/.exec(value);
  if (!date) return bad();
  const [year, month, dayOfMonth] = [Number(date[1]), Number(date[2]), Number(date[3])];
  const probe = new Date(Date.UTC(year, month - 1, dayOfMonth));
  if (
    probe.getUTCFullYear() !== year ||
    probe.getUTCMonth() !== month - 1 ||
    probe.getUTCDate() !== dayOfMonth
  ) {
    bad(`${date[1]}-${date[2]}-${date[3]} is not a date in the calendar`);
  }
  if (date[4] !== undefined) {
    const minutes = clock(date[4], date[5] ?? '');
    return {
      kind: 'date',
      wall: `${date[1]}-${date[2]}-${date[3]}T${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`,
    };
  }
  if (as === 'end') {
    const next = new Date(Date.UTC(year, month - 1, dayOfMonth + 1));
    return { kind: 'date', wall: `${next.toISOString().slice(0, 10)}T00:00` };
  }
  return { kind: 'date', wall: `${date[1]}-${date[2]}-${date[3]}T00:00` };
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** The zone's canonical spelling (`europe/berlin` → `Europe/Berlin`), or undefined when Intl does not know it. */
export function canonicalTimeZone(zone: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone.trim() }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

function unknownZone(zone: string): string {
  const word = zone.trim().toLowerCase().replace(/ /g, '_');
  const known = Intl.supportedValuesOf('timeZone');
  const guesses = known.filter((z) => z.toLowerCase().split('/').at(-1) === word).slice(0, 3);
  const hint = guesses.length > 0 ? `did you mean ${guesses.map((g) => `'${g}'`).join(' or ')}? ` : '';
  return `unknown time zone ${quote(zone)} (${hint}give an IANA zone like Europe/Berlin, America/New_York or UTC)`;
}

function envConfig(raw: NonNullable<RawGates['env']>, fail: Fail): EnvGateConfig {
  const config: EnvGateConfig = Array.isArray(raw)
    ? { variables: [...raw], secrets: [] }
    : { variables: [...(raw.variables ?? [])], secrets: [...(raw.secrets ?? [])] };
  if (config.variables.length === 0 && config.secrets.length === 0) {
    fail(['env'], "must name at least one variable or secret: 'variables: [NAME]' or 'secrets: [NAME]'");
  }
  return config;
}

function reviewsConfig(raw: NonNullable<RawGates['reviews']> | null): ReviewsGateConfig {
  if (raw === null) return { ...REVIEWS_DEFAULTS };
  if (typeof raw === 'number') return { ...REVIEWS_DEFAULTS, minApprovals: raw };
  return {
    minApprovals: raw['min-approvals'] ?? REVIEWS_DEFAULTS.minApprovals,
    noChangesRequested: raw['no-changes-requested'] ?? REVIEWS_DEFAULTS.noChangesRequested,
  };
}

function vulnerabilitiesConfig(
  raw: NonNullable<RawGates['vulnerabilities']>,
  fail: Fail,
): VulnerabilitiesGateConfig {
  const config: VulnerabilitiesGateConfig = {
    failOn: raw['fail-on'] ?? 'critical',
    sarif: listOf(raw.sarif),
    npmAudit: listOf(raw['npm-audit']),
    dependabot: raw.dependabot ?? false,
    ignore: listOf(raw.ignore),
  };
  if (config.sarif.length === 0 && config.npmAudit.length === 0 && !config.dependabot) {
    fail(['vulnerabilities'], "has nothing to read: give 'sarif', 'npm-audit' or 'dependabot: true'");
  }
  return config;
}

function commandConfig(
  raw: RawCommand,
  path: Segment[],
  duration: (path: Segment[], text: string | undefined, fallback: number) => number,
  defaultName: 'program' | 'line',
): CommandGateConfig {
  const entry = typeof raw === 'string' ? { run: raw } : raw;
  const config: CommandGateConfig = {
    name: entry.name ?? nameOfCommand(entry.run, defaultName),
    run: entry.run,
    timeoutMs: duration([...path, 'timeout'], entry.timeout, COMMAND_TIMEOUT_MS),
  };
  if (entry.cwd !== undefined) config.cwd = entry.cwd;
  return config;
}

/** `alembic` for `alembic check` (program), or the first line, shortened (line). */
function nameOfCommand(run: string, form: 'program' | 'line'): string {
  const line = run.trim().split(/\r?\n/)[0]?.trim() ?? '';
  if (form === 'program') {
    const words = line.split(/\s+/).filter((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w));
    const program = (words[0] === 'npx' || words[0] === 'bundle' ? words[1] : words[0]) ?? line;
    return program.split('/').at(-1) || line;
  }
  return line.length > 60 ? `${line.slice(0, 57)}...` : line;
}

function checksConfig(
  raw: NonNullable<RawGates['checks']> | null,
  fail: Fail,
  duration: (path: Segment[], text: string | undefined, fallback: number) => number,
): ChecksGateConfig {
  if (raw === null) return { mode: 'all', names: [], ...CHECKS_DEFAULTS };
  if (typeof raw === 'string') return { mode: raw, names: [], ...CHECKS_DEFAULTS };
  if (Array.isArray(raw)) return { mode: 'named', names: [...raw], ...CHECKS_DEFAULTS };
  const names = raw.names ?? [];
  const mode = raw.mode ?? (names.length > 0 ? 'named' : 'all');
  if (mode === 'named' && names.length === 0) {
    fail(['checks', 'mode'], "is 'named' but no 'names' are given; list the checks under 'names'");
  }
  if (mode !== 'named' && names.length > 0) {
    fail(['checks', 'names'], `apply only to mode 'named', but mode is '${mode}'; remove 'mode' or 'names'`);
  }
  const intervalMs = duration(['checks', 'interval'], raw.interval, CHECKS_DEFAULTS.intervalMs);
  const maxIntervalMs = duration(
    ['checks', 'max-interval'],
    raw['max-interval'],
    Math.max(CHECKS_DEFAULTS.maxIntervalMs, intervalMs),
  );
  if (maxIntervalMs < intervalMs) {
    fail(['checks', 'max-interval'], `must not be shorter than 'interval' (${raw.interval})`);
  }
  return {
    mode,
    names: [...names],
    ignore: [...(raw.ignore ?? [])],
    allowedConclusions: [...(raw['allowed-conclusions'] ?? CHECKS_DEFAULTS.allowedConclusions)],
    graceMs: duration(['checks', 'grace'], raw.grace, CHECKS_DEFAULTS.graceMs),
    intervalMs,
    maxIntervalMs,
    timeoutMs: duration(['checks', 'timeout'], raw.timeout, CHECKS_DEFAULTS.timeoutMs),
    ...(raw['fail-fast'] !== undefined ? { failFast: raw['fail-fast'] } : {}),
  };
}
