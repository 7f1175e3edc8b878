// Raw HTTP calls to the fake for its own tests (no Octokit in between, so every answer is seen as sent).
import type { FakeGitHub } from './index.js';

export interface Answer {
  status: number;
  body: unknown;
  // biome-ignore lint/suspicious/noExplicitAny: tests read answers loosely
  json: any;
  headers: Headers;
}

export async function call(
  gh: FakeGitHub,
  method: string,
  path: string,
  body?: unknown,
  options: { token?: string | null; raw?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { accept: 'application/vnd.github+json' };
  const token = options.token === undefined ? gh.token : options.token;
  if (token !== null) headers.authorization = `token ${token}`;
  if (body !== undefined || options.raw !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path.startsWith('http') ? path : `${gh.url}${path}`, {
    method,
    headers,
    body: options.raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // keep the text
  }
  return { status: response.status, body: parsed, json: parsed, headers: response.headers };
}

export async function gql(
  gh: FakeGitHub,
  query: string,
  variables?: Record<string, unknown>,
  token: string = gh.token,
): Promise<Answer> {
  const response = await fetch(gh.graphqlUrl, {
    method: 'POST',
    headers: { authorization: `bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const json: unknown = await response.json();
  return { status: response.status, body: json, json, headers: response.headers };
}
