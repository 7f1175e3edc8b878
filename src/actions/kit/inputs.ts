// Typed reads of action inputs. Every read names the input literally, so a contract test can check the
// inputs the code reads against those action.yml declares.

import { type DurationBounds, parseDuration } from '../../common/durations.js';
import { InputError } from '../../common/input-error.js';
import { parsePercentOrFraction, parsePositiveInt } from '../../common/numbers.js';
import { parseBoolean, parseEnum, parseLines } from '../../common/words.js';
import { type PathRoots, resolveFolderInside, resolveInside } from '../../common/workspace-path.js';
import { parseHeaderLines } from '../../http/headers.js';
import { redactUrl } from '../../http/safe-url.js';
import type { StatusRange } from '../../http/status-ranges.js';
import { parseStatusRanges } from '../../http/status-ranges.js';
import { parseUrl } from '../../http/url.js';
import * as core from './core.js';
import { maskHeaderValues, maskUrlCredentials } from './secrets.js';

export class InputReader {
  constructor(private readonly raw: (name: string) => string = core.getInput) {}

  /** The trimmed value, or undefined when empty (so an unset input stays distinct from a given one). */
  string(name: string): string | undefined {
    const value = this.raw(name);
    return value === '' ? undefined : value;
  }

  required(name: string): string {
    const value = this.string(name);
    if (value === undefined) throw new InputError(name, `'${name}' is required`);
    return value;
  }

  /** A value that must never reach a log: masked the moment it is read. */
  secret(name: string): string | undefined {
    const value = this.string(name);
    if (value !== undefined) core.setSecret(value);
    return value;
  }

  /** A URL, its credentials (`https://user:password@host`) masked the moment it is read. */
  url(name: string): string | undefined {
    const value = this.string(name);
    if (value !== undefined) maskUrlCredentials(value);
    return value;
  }

  /**
   * An http(s) URL that is shown and recorded (a deployment's environment URL, the `url` output): parsed,
   * its secrets masked, and returned without them (no userinfo, sensitive query values as ***), since a
   * record outlives the run's log masking.
   */
  recordedUrl(name: string): string | undefined {
    const value = this.url(name);
    return value === undefined ? undefined : redactUrl(parseUrl(name, value));
  }

  /**
   * A release label (version, image tag, build number): logged and shown as it is, so it must be one line
   * without control characters — a second line could pass for a workflow command.
   */
  label(name: string): string | undefined {
    const value = this.string(name);
    if (value !== undefined && (value.length > 256 || /[\u0000-\u001f\u007f]/.test(value))) {
      throw new InputError(
        name,
        `'${name}' must be one line of at most 256 characters without control characters, like 1.4.2 or build-1234 (got ${value.length} characters)`,
      );
    }
    return value;
  }

  /**
   * A path (resolved against `base`, the workspace by default) that must lead inside the workspace or
   * RUNNER_TEMP, symlinks followed; refused otherwise, naming the input and where it leads.
   */
  path(name: string, roots: PathRoots, base?: string): string | undefined {
    const value = this.string(name);
    return value === undefined ? undefined : resolveInside({ input: name }, value, roots, base);
  }

  /** An existing folder inside the workspace or RUNNER_TEMP (a `working-directory`); the workspace when unset. */
  folder(name: string, roots: PathRoots): string {
    return resolveFolderInside({ input: name }, this.string(name) ?? '.', roots);
  }

  lines(name: string): string[] {
    return parseLines(this.raw(name));
  }

  boolean(name: string): boolean | undefined {
    const value = this.string(name);
    return value === undefined ? undefined : parseBoolean(name, value);
  }

  /** A duration within its range: every duration input says what it accepts (DURATION_RANGES in common/durations.ts). */
  duration(name: string, range: DurationBounds): number | undefined {
    const value = this.string(name);
    return value === undefined ? undefined : parseDuration(name, value, range);
  }

  fraction(name: string): number | undefined {
    const value = this.string(name);
    return value === undefined ? undefined : parsePercentOrFraction(name, value);
  }

  integer(name: string, range: { min?: number; max?: number } = {}): number | undefined {
    const value = this.string(name);
    return value === undefined ? undefined : parsePositiveInt(name, value, range);
  }

  choice<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const value = this.string(name);
    return value === undefined ? undefined : (parseEnum(name, value, allowed) as T);
  }

  statusRanges(name: string): StatusRange[] | undefined {
    const value = this.string(name);
    return value === undefined ? undefined : parseStatusRanges(name, value);
  }

  /** Header lines; values are masked as they are read, since headers carry tokens. */
  headers(name: string): Record<string, string> {
    const value = this.string(name);
    if (value === undefined) return {};
    const headers = parseHeaderLines(name, value);
    maskHeaderValues(headers);
    return headers;
  }
}

/** The job's environment without the action's own inputs (a token among them), for commands users run. */
export function withoutInputs(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('INPUT_')));
}
