// Turns errors from the GitHub API (Octokit's RequestError and GraphqlResponseError, read by shape so
// this module imports nothing) into explanations a user can act on.

export type GitHubErrorKind =
  | 'permission'
  | 'auth'
  | 'conflict'
  | 'validation'
  | 'rate-limit'
  | 'not-found'
  | 'server'
  | 'network'
  | 'graphql'
  | 'other';

export interface GitHubErrorContext {
  /** What was being done, completing "GitHub refused to …": `create the deployment`. */
  action?: string;
  /** The `permissions:` entry the call needs, e.g. `deployments: write`. */
  permission?: string;
  /** The clock for "resets in N minutes" (tests). */
  now?: () => Date;
}

export class GitHubApiError extends Error {
  override readonly name = 'GitHubApiError';
  constructor(
    message: string,
    readonly kind: GitHubErrorKind,
    readonly status: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

interface ErrorShape {
  status?: number;
  message?: string;
  request?: { method?: string; url?: string };
  response?: { status?: number; url?: string; headers?: Record<string, string | undefined>; data?: unknown };
  headers?: Record<string, string | undefined>;
  errors?: { type?: string; message?: string; path?: (string | number)[] }[];
}

interface GitHubBody {
  message?: string;
  errors?: unknown[];
}

function shape(error: unknown): ErrorShape {
  return error !== null && typeof error === 'object' ? (error as ErrorShape) : { message: String(error) };
}

function bodyOf(error: ErrorShape): GitHubBody {
  const data = error.response?.data;
  if (data && typeof data === 'object') return data as GitHubBody;
  if (typeof data === 'string') {
    try {
      return JSON.parse(data) as GitHubBody;
    } catch {
      return { message: data };
    }
  }
  return {};
}

/** `x-accepted-github-permissions: deployments=write; contents=read` → `deployments: write, contents: read`. */
function acceptedPermissions(headers: Record<string, string | undefined> | undefined): string | undefined {
  const value = headers?.['x-accepted-github-permissions'];
  if (!value) return undefined;
  const alternatives = value.split(';').map((set) =>
    set
      .split(',')
      .map((pair) => pair.trim().replace('=', ': '))
      .filter(Boolean)
      .join(', '),
  );
  return alternatives.filter(Boolean).join(' or ');
}

function resetText(headers: Record<string, string | undefined> | undefined, now: Date): string {
  const reset = Number(headers?.['x-ratelimit-reset']);
  if (!Number.isFinite(reset) || reset <= 0) return 'it resets within the hour';
  const at = new Date(reset * 1000);
  const minutes = Math.max(Math.ceil((at.getTime() - now.getTime()) / 60000), 0);
  return `it resets at ${at.toISOString().replace(/\.\d{3}Z$/, 'Z')} (in ${minutes} minute${minutes === 1 ? '' : 's'})`;
}

function describeValidation(body: GitHubBody): string {
  const details = (body.errors ?? []).map((item) => {
    if (typeof item === 'string') return item;
    const e = item as { resource?: string; field?: string; code?: string; message?: string };
    const where = [e.resource, e.field].filter(Boolean).join('.');
    const what = e.code === 'custom' || !e.code ? (e.message ?? 'invalid') : e.code.replace(/_/g, ' ');
    return `${where ? `${where} ` : ''}${what}${e.message && e.code && e.code !== 'custom' ? ` (${e.message})` : ''}`;
  });
  const message = body.message ?? 'Validation Failed';
  return details.length > 0 ? `${message}: ${details.join('; ')}` : message;
}

function describeConflict(body: GitHubBody): string | undefined {
  const contexts = (body.errors ?? []).flatMap((item) => {
    const e = item as { contexts?: { context?: string; state?: string }[] };
    return Array.isArray(e.contexts) ? e.contexts : [];
  });
  if (contexts.length === 0) return undefined;
  const list = contexts.map((c) => `${c.context ?? '?'} is ${c.state ?? 'unknown'}`).join(', ');
  const subject = /for (.+?)\.?$/.exec(body.message ?? '')?.[1];
  return (
    `commit status checks failed${subject ? ` for ${subject}` : ''}: ${list}. ` +
    'Wait until they pass, or choose which contexts must pass with `required_contexts` (an empty list checks none)'
  );
}

/** Codes Node gives a request that got no answer: the name did not resolve, or the connection failed. */
const CONNECTION_CODES =
  /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE|UND_ERR_[A-Z_]+)\b/;

function causeChain(error: unknown): { message?: string; code?: string }[] {
  const chain: { message?: string; code?: string }[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth++) {
    chain.push(current as { message?: string; code?: string });
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

function isConnectionFailure(error: unknown): boolean {
  return causeChain(error).some(
    (link) => CONNECTION_CODES.test(link.code ?? '') || /fetch failed/.test(link.message ?? ''),
  );
}

/** The innermost message that says what happened (`getaddrinfo ENOTFOUND api.github.com`), not `fetch failed`. */
function connectionMessage(error: unknown, e: ErrorShape): string {
  const messages = causeChain(error)
    .map((link) => link.message)
    .filter((message): message is string => Boolean(message) && message !== 'fetch failed');
  return messages.at(-1) ?? e.message ?? 'no answer';
}

/** `could not reach api.github.com: getaddrinfo ENOTFOUND api.github.com (to create the deployment: POST …)`. */
function unreachable(
  url: string | undefined,
  method: string | undefined,
  action: string | undefined,
  message: string,
): string {
  let host = 'GitHub';
  try {
    if (url) host = new URL(url).host;
  } catch {
    // Not a URL: keep the generic name.
  }
  const request = url ? `${method ? `${method} ` : ''}${url}` : '';
  const what = [action ? `to ${action}` : '', request].filter(Boolean).join(': ');
  return `could not reach ${host}: ${message}${what ? ` (${what})` : ''}`;
}

function classify(
  error: unknown,
  context: GitHubErrorContext,
): { message: string; kind: GitHubErrorKind; status?: number } {
  const e = shape(error);
  const now = (context.now ?? (() => new Date()))();
  const method = e.request?.method;
  const url = e.request?.url ?? e.response?.url;
  const doing = context.action
    ? `GitHub refused to ${context.action}`
    : `GitHub request${method ? ` ${method}` : ''}${url ? ` ${url}` : ''} failed`;
  const headers = e.response?.headers ?? e.headers;
  const permissionHint = (permission: string | undefined) =>
    permission
      ? `the workflow must grant it with \`permissions:\` → \`${permission}\` (on the job, or at the top of the workflow)`
      : 'the workflow must grant the permission this call needs under `permissions:`';

  // GraphQL errors answered with 200.
  if (Array.isArray(e.errors) && e.status === undefined) {
    const types = e.errors.map((x) => x.type);
    const list = e.errors
      .map(
        (x) => `${x.type ? `${x.type}: ` : ''}${x.message ?? ''}${x.path ? ` (at ${x.path.join('.')})` : ''}`,
      )
      .join('; ');
    if (types.includes('FORBIDDEN')) {
      return {
        kind: 'permission',
        message: `${doing}: the token may not read this (${list}); ${permissionHint(context.permission)}`,
      };
    }
    if (types.includes('RATE_LIMITED')) {
      return {
        kind: 'rate-limit',
        message: `${doing}: GitHub's GraphQL rate limit for this token is spent; ${resetText(headers, now)}`,
      };
    }
    if (types.includes('NOT_FOUND')) {
      return { kind: 'not-found', message: `${doing}: ${list} (the token may not be able to see it)` };
    }
    return { kind: 'graphql', message: `${doing}: GitHub's GraphQL API answered errors: ${list}` };
  }

  const status = e.status ?? e.response?.status;
  const body = bodyOf(e);
  const ghMessage = body.message ?? e.message ?? 'unknown error';

  // No answer at all (DNS, refused, reset, timed out): GitHub refused nothing, it was never reached.
  const unanswered = e.response === undefined && (status === undefined || status >= 500);
  if (unanswered && (status !== undefined || isConnectionFailure(error))) {
    return {
      kind: 'network',
      ...(status !== undefined ? { status } : {}),
      message: unreachable(url, method, context.action, connectionMessage(error, e)),
    };
  }
  if (status === undefined) {
    return { kind: 'other', message: `${doing}: ${e.message ?? String(error)}` };
  }
  if (status === 401) {
    return {
      kind: 'auth',
      status,
      message:
        `${doing}: GitHub rejected the token (401 ${ghMessage}): it is wrong, expired or revoked. ` +
        'Pass a valid token (in a workflow, `${{ github.token }}` or a secret holding a PAT or a GitHub App token)',
    };
  }
  if ((status === 403 || status === 429) && /secondary rate limit|abuse/i.test(ghMessage)) {
    const after = headers?.['retry-after'];
    return {
      kind: 'rate-limit',
      status,
      message:
        `${doing}: GitHub's secondary rate limit stopped the request (${status})` +
        `${after ? `; it asks to wait ${after}s before trying again` : '; wait a few minutes before trying again'}`,
    };
  }
  if (
    (status === 403 || status === 429) &&
    (headers?.['x-ratelimit-remaining'] === '0' || /rate limit/i.test(ghMessage))
  ) {
    const used = headers?.['x-ratelimit-used'];
    const limit = headers?.['x-ratelimit-limit'];
    const resource = headers?.['x-ratelimit-resource'];
    const usage =
      used && limit ? ` (${used} of ${limit} requests${resource ? ` of '${resource}'` : ''} used)` : '';
    return {
      kind: 'rate-limit',
      status,
      message: `${doing}: GitHub's API rate limit for this token is spent${usage}; ${resetText(headers, now)}`,
    };
  }
  if (status === 403 && /not accessible by/i.test(ghMessage)) {
    const permission = context.permission ?? acceptedPermissions(headers);
    const hint = /personal access token/i.test(ghMessage)
      ? `give the personal access token ${permission ? `the \`${permission}\` permission` : 'the permission this call needs'}`
      : permissionHint(permission);
    return {
      kind: 'permission',
      status,
      message: `${doing}: the token lacks a permission (403 ${ghMessage}); ${hint}`,
    };
  }
  if (status === 409) {
    const conflict = describeConflict(body);
    return { kind: 'conflict', status, message: `${doing}: ${conflict ?? `conflict (409 ${ghMessage})`}` };
  }
  if (status === 422) {
    return {
      kind: 'validation',
      status,
      message: `${doing}: GitHub rejected the request (422 ${describeValidation(body)})`,
    };
  }
  if (status === 404) {
    return {
      kind: 'not-found',
      status,
      message: `${doing}: not found (404): it does not exist, or the token cannot see it (a private repository needs a token with access to it)`,
    };
  }
  if (status >= 500) {
    return {
      kind: 'server',
      status,
      message: `${doing}: GitHub answered ${status} (${ghMessage}) and went on failing after retries`,
    };
  }
  return { kind: 'other', status, message: `${doing}: ${status} ${ghMessage}` };
}

/** One sentence (or two) saying what went wrong and what to do about it. */
/** The HTTP status of an Octokit error (or of a GitHubApiError); undefined when no answer came. */
export function statusOf(error: unknown): number | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const e = error as { status?: unknown; response?: { status?: unknown } };
  const status = e.status ?? e.response?.status;
  return typeof status === 'number' ? status : undefined;
}

export function explainGitHubError(error: unknown, context: GitHubErrorContext = {}): string {
  if (error instanceof GitHubApiError) return error.message;
  return classify(error, context).message;
}

/** Wraps an Octokit error in a GitHubApiError whose message is the explanation (the original is its cause). */
export function toGitHubApiError(error: unknown, context: GitHubErrorContext = {}): GitHubApiError {
  if (error instanceof GitHubApiError) return error;
  const { message, kind, status } = classify(error, context);
  return new GitHubApiError(message, kind, status, { cause: error });
}
