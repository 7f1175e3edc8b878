// The fake GitHub's HTTP server on loopback: GHES layout (`/api/v3` REST, `/api/graphql`), token auth
// with per-area permissions, primary rate-limit headers and exhaustion, injected faults, and a record of
// every request and answer.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FaultAction } from './faults.js';
import {
  Faults,
  GRAPHQL_TIMEOUT_MESSAGE,
  SECONDARY_RATE_LIMIT_DOCS,
  SECONDARY_RATE_LIMIT_MESSAGE,
} from './faults.js';
import {
  type Access,
  type CompiledRoute,
  compileRoutes,
  DOCS,
  HttpError,
  matchRoute,
  type PermissionArea,
  type Urls,
} from './router.js';
import { actionsRoutes } from './routes/actions.js';
import { checkRoutes } from './routes/checks.js';
import { dependabotRoutes } from './routes/dependabot.js';
import { deploymentRoutes } from './routes/deployments.js';
import { gitRoutes } from './routes/git.js';
import { pullRoutes } from './routes/pulls.js';
import { releaseRoutes } from './routes/releases.js';
import { variableRoutes } from './routes/variables.js';
import { Store, type UserRecord } from './store.js';

export type Permission = 'none' | 'read' | 'write';

export interface TokenConfig {
  /** Who the token acts as (default `github-actions[bot]`, as for a workflow's GITHUB_TOKEN). */
  login?: string;
  /** Per-area access; an area not listed has `write`. */
  permissions?: Partial<Record<PermissionArea, Permission>>;
}

export interface FakeGitHubOptions {
  /** Accepted tokens (default one token, `ghs_fake_token`, with every permission). */
  tokens?: Record<string, TokenConfig>;
  /** The primary rate limit per token and resource (default 5000 an hour). */
  rateLimit?: number;
}

export interface GraphqlRecord {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
  /** Whether the document parsed and validated against GitHub's published schema. */
  valid: boolean;
  /** Parse and validation errors (empty when valid). */
  errors: string[];
}

export interface RecordedRequest {
  id: number;
  method: string;
  /** Path relative to the REST base (`/repos/o/r/deployments`), or `/graphql` for GraphQL. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** Parsed JSON body, the raw text when it is not JSON, undefined when empty. */
  body: unknown;
  kind: 'rest' | 'graphql';
  /** The fake's route that answered (`POST /repos/{owner}/{repo}/deployments`), when one did. */
  route?: string;
  /** 0 when the connection was dropped. */
  status: number;
  responseBody: unknown;
  responseHeaders: Record<string, string>;
  /** The injected fault that answered this request, if any. */
  fault?: FaultAction['type'];
  graphql?: GraphqlRecord;
  startedAt: number;
  durationMs: number;
}

export interface RateLimitState {
  limit: number;
  used: number;
  /** Epoch seconds. */
  reset: number;
}

export interface GraphqlContext {
  store: Store;
  urls: Urls;
  user: UserRecord;
  /** Throws GitHub's FORBIDDEN error when the token lacks the access. */
  require(area: PermissionArea, access: Access): void;
  rateLimit(): RateLimitState;
}

export type GraphqlHandler = (
  body: unknown,
  ctx: GraphqlContext,
) => Promise<{ status: number; body: unknown; record?: GraphqlRecord }>;

export const DEFAULT_TOKEN = 'ghs_fake_token';
const ROUTES: CompiledRoute[] = compileRoutes([
  ...checkRoutes,
  ...variableRoutes,
  ...deploymentRoutes,
  ...gitRoutes,
  ...releaseRoutes,
  ...pullRoutes,
  ...dependabotRoutes,
  ...actionsRoutes,
]);

export class FakeGitHubServer {
  readonly store = new Store();
  readonly faults = new Faults();
  readonly requests: RecordedRequest[] = [];
  readonly tokens = new Map<string, TokenConfig>();
  private readonly limits = new Map<string, RateLimitState>();
  private server: Server | undefined;
  private urls: Urls = { web: '', api: '', graphql: '' };
  private readonly rateLimitDefault: number;

  constructor(
    options: FakeGitHubOptions,
    private readonly graphql: GraphqlHandler,
  ) {
    for (const [token, config] of Object.entries(options.tokens ?? { [DEFAULT_TOKEN]: {} })) {
      this.tokens.set(token, config);
    }
    this.rateLimitDefault = options.rateLimit ?? 5000;
  }

  get url(): string {
    return this.urls.api;
  }

  get graphqlUrl(): string {
    return this.urls.graphql;
  }

  get origin(): string {
    return this.urls.web;
  }

  async listen(): Promise<void> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
          res.end(
            JSON.stringify({ message: `fake GitHub crashed: ${String(error)}`, documentation_url: DOCS }),
          );
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const web = `http://127.0.0.1:${port}`;
    this.urls = { web, api: `${web}/api/v3`, graphql: `${web}/api/graphql` };
    this.server = server;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /**
   * Sets the primary rate limit of a token (default: the first) for `core` (REST) or `graphql`.
   * With `remaining: 0`, requests are refused until `resetInSeconds` have passed.
   */
  setRateLimit(opts: {
    resource?: 'core' | 'graphql';
    token?: string;
    limit?: number;
    remaining?: number;
    resetInSeconds?: number;
  }): void {
    const token = opts.token ?? [...this.tokens.keys()][0] ?? DEFAULT_TOKEN;
    const limit = opts.limit ?? this.rateLimitDefault;
    const state: RateLimitState = {
      limit,
      used: limit - (opts.remaining ?? limit),
      reset: Math.floor(Date.now() / 1000) + (opts.resetInSeconds ?? 3600),
    };
    this.limits.set(`${token}\0${opts.resource ?? 'core'}`, state);
  }

  private rateLimit(token: string, resource: string): RateLimitState {
    const key = `${token}\0${resource}`;
    const now = Math.floor(Date.now() / 1000);
    let state = this.limits.get(key);
    if (!state || state.reset <= now) {
      state = { limit: state?.limit ?? this.rateLimitDefault, used: 0, reset: now + 3600 };
      this.limits.set(key, state);
    }
    return state;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const url = new URL(req.url ?? '/', this.urls.web);
    const method = (req.method ?? 'GET').toUpperCase();
    const isGraphql = url.pathname === '/api/graphql' || url.pathname === '/graphql';
    let path = url.pathname;
    if (isGraphql) path = '/graphql';
    else if (path.startsWith('/api/v3/')) path = path.slice('/api/v3'.length);
    const raw = await readBody(req);
    let body: unknown;
    let badJson = false;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
        badJson = true;
      }
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const record: RecordedRequest = {
      id: this.requests.length + 1,
      method,
      path,
      query: Object.fromEntries(url.searchParams.entries()),
      headers,
      body,
      kind: isGraphql ? 'graphql' : 'rest',
      status: 0,
      responseBody: undefined,
      responseHeaders: {},
      startedAt: started,
      durationMs: 0,
    };
    this.requests.push(record);

    const send = (
      status: number,
      payload: unknown,
      extraHeaders: Record<string, string> = {},
      rawText?: string,
    ) => {
      const responseHeaders: Record<string, string> = {
        'x-github-request-id': requestId(),
        'x-github-api-version-selected': '2022-11-28',
        'x-github-media-type': 'github.v3; format=json',
        ...extraHeaders,
      };
      let text = '';
      if (status !== 204 && (payload !== undefined || rawText !== undefined)) {
        text = rawText ?? JSON.stringify(payload);
        responseHeaders['content-type'] = 'application/json; charset=utf-8';
      }
      responseHeaders['content-length'] = String(Buffer.byteLength(text));
      record.status = status;
      record.responseBody = rawText ?? payload;
      record.responseHeaders = responseHeaders;
      record.durationMs = Date.now() - started;
      res.writeHead(status, responseHeaders);
      res.end(text);
    };

    // Faults first: they stand for anything that can go wrong between the runner and GitHub.
    const { delays, answer } = this.faults.take({
      method,
      path: isGraphql ? 'graphql' : path,
      graphql: isGraphql,
    });
    for (const ms of delays) await sleep(ms);
    if (answer) {
      record.fault = answer.type;
      this.answerFault(answer, req, res, record, send, isGraphql);
      return;
    }

    // Authentication: `token X` or `Bearer X`.
    const match = /^(?:token|bearer)\s+(\S+)$/i.exec(headers.authorization ?? '');
    if (!match) {
      send(401, { message: 'Requires authentication', documentation_url: DOCS, status: '401' });
      return;
    }
    const token = match[1] ?? '';
    const config = this.tokens.get(token);
    if (!config) {
      send(401, { message: 'Bad credentials', documentation_url: DOCS, status: '401' });
      return;
    }
    const user = this.store.user(config.login ?? 'github-actions[bot]');

    // Primary rate limit.
    const resource = isGraphql ? 'graphql' : 'core';
    const limit = this.rateLimit(token, resource);
    const exhausted = limit.used >= limit.limit;
    if (!exhausted) limit.used += 1;
    const rateHeaders = {
      'x-ratelimit-limit': String(limit.limit),
      'x-ratelimit-remaining': String(Math.max(limit.limit - limit.used, 0)),
      'x-ratelimit-reset': String(limit.reset),
      'x-ratelimit-used': String(limit.used),
      'x-ratelimit-resource': resource,
    };
    if (exhausted) {
      const who = user.type === 'Bot' ? `installation ID ${user.id}` : `user ID ${user.id}`;
      if (isGraphql) {
        send(
          200,
          { errors: [{ type: 'RATE_LIMITED', message: `API rate limit already exceeded for ${who}.` }] },
          rateHeaders,
        );
      } else {
        send(
          403,
          {
            message: `API rate limit exceeded for ${who}. If you reach out to GitHub Support for help, please include the request ID 0000:1111:2222:3333:44444444.`,
            documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
            status: '403',
          },
          rateHeaders,
        );
      }
      return;
    }

    if (badJson) {
      send(400, { message: 'Problems parsing JSON', documentation_url: DOCS, status: '400' }, rateHeaders);
      return;
    }

    const can = (area: PermissionArea, access: Access): boolean => {
      if (area === 'metadata' && access === 'read') return true;
      // A workflow's GITHUB_TOKEN (the default login) cannot be granted Dependabot alerts or variables;
      // other tokens can.
      const fallback =
        (area === 'vulnerability-alerts' || area === 'variables') && user.login === 'github-actions[bot]'
          ? 'none'
          : 'write';
      const granted = config.permissions?.[area] ?? fallback;
      return granted === 'write' || (granted === 'read' && access === 'read');
    };

    if (isGraphql) {
      if (method !== 'POST') {
        send(
          404,
          { message: 'Not Found', documentation_url: 'https://docs.github.com/graphql', status: '404' },
          rateHeaders,
        );
        return;
      }
      const result = await this.graphql(body, {
        store: this.store,
        urls: this.urls,
        user,
        require: (area, access) => {
          if (!can(area, access)) throw new ForbiddenError(area, access);
        },
        rateLimit: () => limit,
      });
      if (result.record) record.graphql = result.record;
      send(result.status, result.body, rateHeaders);
      return;
    }

    const found = matchRoute(ROUTES, method, path);
    if (!found || 'methodNotAllowed' in found) {
      send(
        404,
        { message: 'Not Found', documentation_url: DOCS, status: '404' },
        { ...rateHeaders, 'x-fake-github': `no route for ${method} ${path}` },
      );
      return;
    }
    const { route, params } = found;
    record.route = `${route.method} ${route.template}`;
    const repo = this.store.findRepo(params.owner ?? '', params.repo ?? '');
    if (!repo) {
      send(404, { message: 'Not Found', documentation_url: route.docs, status: '404' }, rateHeaders);
      return;
    }
    if (!can(route.area, route.access)) {
      send(
        403,
        { message: 'Resource not accessible by integration', documentation_url: route.docs, status: '403' },
        { ...rateHeaders, 'x-accepted-github-permissions': `${route.area}=${route.access}` },
      );
      return;
    }
    try {
      const result = route.handler({
        params,
        query: record.query,
        body,
        repo,
        store: this.store,
        user,
        urls: this.urls,
        path,
      });
      send(result.status, result.body, { ...rateHeaders, ...result.headers });
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      send(error.status, error.body(route.docs), { ...rateHeaders, ...error.headers });
    }
  }

  private answerFault(
    fault: FaultAction,
    req: IncomingMessage,
    res: ServerResponse,
    record: RecordedRequest,
    send: (status: number, payload: unknown, headers?: Record<string, string>, rawText?: string) => void,
    isGraphql: boolean,
  ): void {
    switch (fault.type) {
      case 'status': {
        const body = fault.body ?? {
          message: fault.status >= 500 ? 'Server Error' : 'Fault injected by the test',
          documentation_url: DOCS,
          status: String(fault.status),
        };
        send(fault.status, body, fault.headers);
        return;
      }
      case 'secondary-rate-limit':
        send(
          fault.status ?? 403,
          {
            message: SECONDARY_RATE_LIMIT_MESSAGE,
            documentation_url: SECONDARY_RATE_LIMIT_DOCS,
            status: String(fault.status ?? 403),
          },
          {
            'retry-after': String(fault.retryAfter ?? 60),
            'x-ratelimit-remaining': '4900',
            'x-ratelimit-limit': '5000',
          },
        );
        return;
      case 'bad-credentials':
        send(401, { message: 'Bad credentials', documentation_url: DOCS, status: '401' });
        return;
      case 'drop':
        record.durationMs = Date.now() - record.startedAt;
        req.socket.destroy();
        res.destroy();
        return;
      case 'malformed-json':
        send(200, undefined, {}, '{"message": "truncated');
        return;
      case 'graphql-timeout':
        if (isGraphql) send(200, { data: null, errors: [{ message: GRAPHQL_TIMEOUT_MESSAGE }] });
        else send(502, { message: 'Server Error', documentation_url: DOCS, status: '502' });
        return;
      case 'delay':
        return;
    }
  }
}

export class ForbiddenError extends Error {
  readonly type = 'FORBIDDEN';
  constructor(
    readonly area: PermissionArea,
    readonly access: Access,
  ) {
    super('Resource not accessible by integration');
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function requestId(): string {
  const hex = randomBytes(10).toString('hex').toUpperCase();
  return `${hex.slice(0, 4)}:${hex.slice(4, 8)}:${hex.slice(8, 14)}:${hex.slice(14, 20)}`;
}
