// The fake's REST routing: route tables per area, path-template matching, GitHub's error bodies, pagination.
import type { RepoRecord, Store, UserRecord } from './store.js';

/** The permission areas of a GitHub App installation token (the `permissions:` keys of a workflow). */
export type PermissionArea =
  | 'contents'
  | 'deployments'
  | 'checks'
  | 'statuses'
  | 'pull-requests'
  | 'administration'
  | 'metadata'
  /** Dependabot alerts (a GitHub App's `vulnerability_alerts`); a workflow's GITHUB_TOKEN cannot be granted it. */
  | 'vulnerability-alerts'
  /** Actions variables (a GitHub App's `actions_variables`); a workflow's GITHUB_TOKEN cannot be granted it. */
  | 'variables'
  /** Workflow runs (`actions:`). */
  | 'actions';
export type Access = 'read' | 'write';

/** Base URLs the fake answers on, used in `url`/`html_url` fields. */
export interface Urls {
  /** Server root, also the web root (`html_url`), GHES style: `http://127.0.0.1:PORT`. */
  web: string;
  /** REST base: `${web}/api/v3`. */
  api: string;
  /** GraphQL endpoint: `${web}/api/graphql`. */
  graphql: string;
}

export interface RouteContext {
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
  repo: RepoRecord;
  store: Store;
  user: UserRecord;
  urls: Urls;
  /** The request path relative to the REST base, without the query (for Link headers). */
  path: string;
}

export interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Route {
  method: string;
  /** GitHub's path template, e.g. `/repos/{owner}/{repo}/git/ref/{ref}`. A trailing `{ref}` may hold slashes. */
  template: string;
  area: PermissionArea;
  access: Access;
  /** The docs.github.com page of the operation, used in `documentation_url`. */
  docs: string;
  handler: (ctx: RouteContext) => RouteResult;
}

export const DOCS = 'https://docs.github.com/rest';

/** An error answered in GitHub's body shape: `{ message, documentation_url, status, errors? }`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(documentationUrl: string): Record<string, unknown> {
    return {
      message: this.message,
      ...this.extra,
      documentation_url: documentationUrl,
      status: String(this.status),
    };
  }
}

export const notFound = () => new HttpError(404, 'Not Found');

export interface FieldError {
  resource: string;
  code: 'missing' | 'missing_field' | 'invalid' | 'already_exists' | 'unprocessable' | 'custom';
  field: string;
  message?: string;
}

/** 422 as GitHub sends it for invalid fields: `{ message: 'Validation Failed', errors: [{ resource, code, field }] }`. */
export const validationFailed = (...errors: FieldError[]) =>
  new HttpError(422, 'Validation Failed', { errors });

/** 422 with a plain message (GitHub's answer for e.g. "Reference already exists"). */
export const unprocessable = (message: string) => new HttpError(422, message);

export interface CompiledRoute extends Route {
  regex: RegExp;
  names: string[];
}

export function compileTemplate(template: string): { regex: RegExp; names: string[] } {
  const names: string[] = [];
  let source = '';
  let rest = template;
  while (rest.length > 0) {
    const open = rest.indexOf('{');
    if (open < 0) {
      source += escapeRegex(rest);
      break;
    }
    source += escapeRegex(rest.slice(0, open));
    const close = rest.indexOf('}', open);
    const name = rest.slice(open + 1, close);
    rest = rest.slice(close + 1);
    names.push(name);
    // A ref or basehead at the end of a path may be sent with raw slashes (`heads/feature/x`).
    const greedy = rest === '' && (name === 'basehead' || (name === 'ref' && template.includes('/git/')));
    source += greedy ? '(.+)' : '([^/]+)';
  }
  return { regex: new RegExp(`^${source}$`), names };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function compileRoutes(routes: Route[]): CompiledRoute[] {
  return routes.map((route) => ({ ...route, ...compileTemplate(route.template) }));
}

export function matchRoute(
  routes: CompiledRoute[],
  method: string,
  path: string,
): { route: CompiledRoute; params: Record<string, string> } | { methodNotAllowed: true } | undefined {
  let pathMatched = false;
  for (const route of routes) {
    const match = route.regex.exec(path);
    if (!match) continue;
    pathMatched = true;
    if (route.method !== method) continue;
    const params: Record<string, string> = {};
    route.names.forEach((name, i) => {
      params[name] = safeDecode(match[i + 1] ?? '');
    });
    return { route, params };
  }
  return pathMatched ? { methodNotAllowed: true } : undefined;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** GitHub's page-based pagination: `per_page` (default 30, at most 100), `page`, and a `Link` header. */
export function paginate<T>(
  items: T[],
  ctx: Pick<RouteContext, 'query' | 'urls' | 'path'>,
): { page: T[]; headers: Record<string, string> } {
  const perPage = Math.min(Math.max(Number.parseInt(ctx.query.per_page ?? '30', 10) || 30, 1), 100);
  const page = Math.max(Number.parseInt(ctx.query.page ?? '1', 10) || 1, 1);
  const last = Math.max(Math.ceil(items.length / perPage), 1);
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const link = (n: number) => {
    const params = new URLSearchParams({ ...ctx.query, per_page: String(perPage), page: String(n) });
    return `<${ctx.urls.api}${ctx.path}?${params.toString()}>`;
  };
  const links: string[] = [];
  if (page > 1) links.push(`${link(page - 1)}; rel="prev"`);
  if (page < last) links.push(`${link(page + 1)}; rel="next"`, `${link(last)}; rel="last"`);
  if (page > 1) links.push(`${link(1)}; rel="first"`);
  return { page: slice, headers: links.length > 0 ? { link: links.join(', ') } : {} };
}

// Small readers of a JSON body that answer GitHub's 422 when a field has the wrong type.

export function asObject(body: unknown, resource: string): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new HttpError(400, 'Problems parsing JSON');
  }
  void resource;
  return body as Record<string, unknown>;
}

export function optString(
  body: Record<string, unknown>,
  field: string,
  resource: string,
): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidType(resource, field, 'string', value);
  return value;
}

export function reqString(body: Record<string, unknown>, field: string, resource: string): string {
  const value = optString(body, field, resource);
  if (value === undefined) throw validationFailed({ resource, code: 'missing_field', field });
  return value;
}

export function optBoolean(
  body: Record<string, unknown>,
  field: string,
  resource: string,
): boolean | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalidType(resource, field, 'boolean', value);
  return value;
}

export function optStringArray(
  body: Record<string, unknown>,
  field: string,
  resource: string,
): string[] | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw invalidType(resource, field, 'array of strings', value);
  }
  return value as string[];
}

/** GitHub's answer when a field has the wrong JSON type (schema validation, before any logic runs). */
function invalidType(resource: string, field: string, expected: string, value: unknown): HttpError {
  const got = Array.isArray(value) ? 'array' : typeof value;
  return new HttpError(
    422,
    `Invalid request.\n\nFor '${field}', ${JSON.stringify(value)} is not a ${expected}.`,
    {
      errors: [{ resource, code: 'invalid', field, message: `expected ${expected}, got ${got}` }],
    },
  );
}

export function oneOf<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  resource: string,
  field: string,
): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw validationFailed({ resource, code: 'invalid', field });
  }
  return value as T;
}
