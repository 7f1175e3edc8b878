// Faults injected per route: 5xx, secondary rate limits (403/429 with retry-after), 401, slow answers,
// dropped connections, malformed JSON, GraphQL timeouts. A rule matches `'METHOD /template'`,
// `'/template'` (any method), `'graphql'`, `'*'` or a RegExp over `'METHOD /path'`.
import { compileTemplate } from './router.js';

export const SECONDARY_RATE_LIMIT_MESSAGE =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. ' +
  'If you reach out to GitHub Support for help, please include the request ID 0000:1111:2222:3333:44444444.';
export const SECONDARY_RATE_LIMIT_DOCS =
  'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits';
export const GRAPHQL_TIMEOUT_MESSAGE =
  'Something went wrong while executing your query. This may be the result of a timeout, or it could be a ' +
  'GitHub bug. Please include `0000:1111:2222:3333:44444444` when reporting this issue.';

export type FaultAction =
  /** Any status with GitHub's error body (or the one given). */
  | { type: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  /** 403 (or 429) with GitHub's secondary rate limit message and `retry-after`. */
  | { type: 'secondary-rate-limit'; status?: 403 | 429; retryAfter?: number }
  /** 401 Bad credentials, whatever the token. */
  | { type: 'bad-credentials' }
  /** Waits, then answers normally (or with the next matching fault). */
  | { type: 'delay'; ms: number }
  /** Destroys the socket without answering. */
  | { type: 'drop' }
  /** 200 with a JSON content type and a truncated body. */
  | { type: 'malformed-json' }
  /** GraphQL only: 200 with GitHub's "Something went wrong while executing your query" error. */
  | { type: 'graphql-timeout' };

export interface FaultOptions {
  /** How many matching requests get the fault (default 1; `Infinity` for all). */
  times?: number;
  /** Matching requests to let through first (default 0). */
  skip?: number;
}

export interface FaultRule {
  readonly match: string | RegExp;
  readonly action: FaultAction;
  /** How many requests this rule has answered. */
  hits: number;
  remaining: number;
  skip: number;
}

export interface FaultTarget {
  method: string;
  /** Path relative to the REST base, or `graphql`. */
  path: string;
  graphql: boolean;
}

export class Faults {
  readonly rules: FaultRule[] = [];

  add(match: string | RegExp, action: FaultAction, options: FaultOptions = {}): FaultRule {
    const rule: FaultRule = {
      match,
      action,
      hits: 0,
      remaining: options.times ?? 1,
      skip: options.skip ?? 0,
    };
    this.rules.push(rule);
    return rule;
  }

  /** 5xx (default 500) with GitHub's body, `times` times then normal answers. */
  serverError(match: string | RegExp, options: FaultOptions & { status?: number } = {}): FaultRule {
    return this.add(match, { type: 'status', status: options.status ?? 500 }, options);
  }

  secondaryRateLimit(
    match: string | RegExp,
    options: FaultOptions & { retryAfter?: number; status?: 403 | 429 } = {},
  ): FaultRule {
    return this.add(
      match,
      { type: 'secondary-rate-limit', retryAfter: options.retryAfter ?? 1, status: options.status ?? 403 },
      options,
    );
  }

  /** 429 Too Many Requests with `retry-after` (GitHub sends its secondary rate limit message with it). */
  tooManyRequests(match: string | RegExp, options: FaultOptions & { retryAfter?: number } = {}): FaultRule {
    return this.secondaryRateLimit(match, { ...options, status: 429 });
  }

  badCredentials(match: string | RegExp, options: FaultOptions = {}): FaultRule {
    return this.add(match, { type: 'bad-credentials' }, options);
  }

  slow(match: string | RegExp, options: FaultOptions & { ms: number }): FaultRule {
    return this.add(match, { type: 'delay', ms: options.ms }, options);
  }

  drop(match: string | RegExp, options: FaultOptions = {}): FaultRule {
    return this.add(match, { type: 'drop' }, options);
  }

  malformedJson(match: string | RegExp, options: FaultOptions = {}): FaultRule {
    return this.add(match, { type: 'malformed-json' }, options);
  }

  graphqlTimeout(options: FaultOptions = {}): FaultRule {
    return this.add('graphql', { type: 'graphql-timeout' }, options);
  }

  clear(): void {
    this.rules.length = 0;
  }

  /** The faults for one request: every matching delay, then at most one answering fault. Consumes them. */
  take(target: FaultTarget): { delays: number[]; answer?: FaultAction } {
    const delays: number[] = [];
    let answer: FaultAction | undefined;
    for (const rule of this.rules) {
      if (rule.remaining <= 0 || !matches(rule.match, target)) continue;
      const isDelay = rule.action.type === 'delay';
      if (!isDelay && answer) continue;
      if (rule.skip > 0) {
        rule.skip -= 1;
        continue;
      }
      rule.remaining -= 1;
      rule.hits += 1;
      if (rule.action.type === 'delay') delays.push(rule.action.ms);
      else answer = rule.action;
    }
    return answer ? { delays, answer } : { delays };
  }
}

const templateCache = new Map<string, RegExp>();

function matches(match: string | RegExp, target: FaultTarget): boolean {
  if (match instanceof RegExp) return match.test(`${target.method} ${target.path}`);
  if (match === '*') return true;
  if (match === 'graphql') return target.graphql;
  if (target.graphql) return false;
  const space = match.indexOf(' ');
  const method = space > 0 ? match.slice(0, space).toUpperCase() : undefined;
  const template = space > 0 ? match.slice(space + 1) : match;
  if (method && method !== target.method) return false;
  let regex = templateCache.get(template);
  if (!regex) {
    regex = compileTemplate(template).regex;
    templateCache.set(template, regex);
  }
  return regex.test(target.path);
}
