// Control from a URL: GET before every judgment. 404 means carry on (nothing set yet); a 2xx answer is the
// command, as text (`pause waiting for the DB team`) or as JSON with a `command` field, or a `value` field,
// which is how GitHub's API answers a repository or environment variable
// (GET /repos/{owner}/{repo}/actions/variables/{name}), so `gh variable set CANARY_CONTROL --body pause`
// can steer a rollout. Headers (a token) are sent and never logged.

import { HttpClient } from '../http/client.js';
import { headersProblem } from '../http/headers.js';
import { redactUrl } from '../http/safe-url.js';
import type { RequestSpec } from '../http/types.js';
import { httpUrlProblem } from '../http/url.js';
import { ControlError, type ControlReading, parseControl, type RolloutControl } from './control.js';

export interface HttpControlSettings {
  url: string;
  headers?: Record<string, string>;
  /** Per request (default 5 s). */
  timeoutMs?: number;
}

/** The command text of a 2xx answer: a JSON object's `command` or `value`, a JSON string, or plain text. */
export function controlText(body: string): string {
  const trimmed = body.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('"')) return trimmed;
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    throw new ControlError('the answer looks like JSON but does not parse');
  }
  if (typeof parsed === 'string') return parsed;
  const fields = parsed as { command?: unknown; value?: unknown };
  const text = fields.command ?? fields.value;
  if (text === undefined || text === null) return '';
  if (typeof text !== 'string')
    throw new ControlError("the answer's command (or value) field is not a string");
  return text;
}

export function createHttpControl(settings: HttpControlSettings): RolloutControl {
  const problem = httpUrlProblem('the control URL', settings.url) ?? headersProblem(settings.headers);
  if (problem) throw new ControlError(problem);
  const shown = redactUrl(settings.url);
  const headers: Record<string, string> = { accept: 'application/json, text/plain' };
  for (const [name, value] of Object.entries(settings.headers ?? {})) headers[name.toLowerCase()] = value;
  const spec: RequestSpec = {
    url: settings.url,
    method: 'GET',
    headers,
    timeoutMs: settings.timeoutMs ?? 5000,
    followRedirects: true,
    maxRedirects: 3,
    tls: { insecure: false },
  };
  const client = new HttpClient({ maxSockets: 1, maxBodyBytes: 64 * 1024 });
  return {
    describe: `control-url ${shown}`,
    async read(signal: AbortSignal): Promise<ControlReading | undefined> {
      const result = await client.request(spec, { signal });
      if (result.error) throw new ControlError(`${shown} could not be reached: ${result.error.message}`);
      const { status, body } = result.answer!;
      if (status === 404) return undefined;
      if (status < 200 || status > 299) throw new ControlError(`${shown} answered HTTP ${status}`);
      return parseControl(controlText(body));
    },
    async close() {
      client.destroy('control closed');
    },
  };
}
