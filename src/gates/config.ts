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
// Freeze times (`from`/`to` of a window, and its time zone) are read by window-time.ts.
//
// Validation runs in two passes: the schema (shape, types, unknown gates and keys), then the meaning (time
// zones, durations, weekdays and dates, duplicate names). Every problem names its key path as the user wrote
// it (`freeze.windows[0].timezone`, or `freeze[0].timezone` for the list form) and its line and column.

import gatesSchema from '../../schemas/preflight-gates.schema.json' with { type: 'json' };
import { parseDuration } from '../common/durations.js';
import { InputError, quote } from '../common/input-error.js';
import type { PathRoots } from '../common/workspace-path.js';
import {
  closest,
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
import { canonicalTimeZone, parseWindowTime, unknownZone } from './window-time.js';

/** The JSON Schema the gates are validated with; the same object as the published schema file. */
export { gatesSchema };

export interface ParseGatesOptions {
  /** The input's name in messages: 'gates' (default) or 'gates-file'. */
  input?: string;
  /** Where a gates file named in the text is read from (the workspace). */
  baseDir?: string;
  /** Reads a file as UTF-8; fs by default. */
  readFile?: (path: string) => string | Promise<string>;
  /** When given, a gates file must lie inside these folders (symlinks followed). */
  roots?: PathRoots;
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

/**
 * Parses and validates the gates (YAML or JSON text, or a single line naming a .yml, .yaml or .json file
 * read from `baseDir`) into a GatesConfig with every default applied. Throws an InputError naming every
 * problem found (up to 20), each with its key path and source position.
 */
export async function parseGatesConfig(text: string, opts: ParseGatesOptions = {}): Promise<GatesConfig> {
  const input = opts.input ?? 'gates';
  const source = await readYamlConfig(text, {
    wording: gatesWording(input),
    baseDir: opts.baseDir,
    readFile: opts.readFile,
    roots: opts.roots,
  });
  const raw = source.value;
  if (raw === null || raw === undefined) {
    throw new InputError(input, `${input}: is empty; give the gates as YAML, like 'checks: required'`);
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InputError(
      input,
      `${input}: must be a mapping of gates (${GATE_ORDER.join(', ')}), got ${render(raw)}`,
    );
  }
  await source.validate(raw, GATES_VOCABULARY);
  const problems: Problem[] = [];
  const config = build(raw as RawGates, problems);
  if (problems.length > 0) source.report(problems);
  return config;
}

/** Every message starts with the input's name: `gates: checks.grace: …`, `gates: 3 problems: …`. */
function gatesWording(input: string): DocumentWording {
  const whole = (rest: string) => `${input}: ${rest}`;
  return {
    input,
    whole,
    notYaml: (detail) => whole(`not valid YAML: ${detail}`),
    // The root fails the schema only by unknown gates, which are worded apart.
    root: (rest) => rest,
    one: whole,
    many: (count) => whole(`${count} problems:`),
  };
}

/** A single line ending in .yml/.yaml/.json that is not YAML itself (no `key: value`, `- item`, `{`, `[`). */
export const isGatesFilePath = isConfigFilePath;

export { keyPath };

// ---------------------------------------------------------------------------------------------------------
// Pass 1: the schema, with ajv's errors in the user's terms

const GATES_VOCABULARY: SchemaVocabulary = {
  schema: gatesSchema,
  ajv: () => import('ajv'),
  semantic: [
    {
      pattern:
        /^\/(checks\/(grace|interval|max-interval|timeout)|migrations\/timeout|command(\/\d+)?\/timeout)$/,
      parse: (label, text) => parseDuration(label, text),
    },
    {
      pattern: /^\/freeze(\/windows)?\/\d+\/(from|to)$/,
      parse: (label, text) => parseWindowTime(label, text),
    },
  ],
  special: (place) => {
    const { error, segments, label, value } = place;
    if (error.keyword === 'additionalProperties' && segments.length === 0) {
      const key = String(error.params.additionalProperty);
      return { message: `unknown gate '${key}' (${suggest(key, [...GATE_ORDER], 'known')})`, key };
    }
    if (error.keyword === 'enum' && segments.length === 1 && segments[0] === 'checks') {
      return { message: mustBeOneOf(place, closest, ', a list of check names or a mapping') };
    }
    if (
      error.keyword === 'pattern' &&
      /^\/env(\/(variables|secrets))?\/\d+$/.test(`/${segments.join('/')}`)
    ) {
      return {
        message: `${label}: must be a variable name (letters, digits and _, not starting with a digit), got ${render(value)}`,
      };
    }
    return undefined;
  },
};

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
