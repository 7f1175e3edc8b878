// One check per URL from action-level defaults: what `url` lines become in smoke-test and the root action.
import { redactUrl } from '../http/safe-url.js';
import type { CheckDefaults } from './checks-config.js';
import type { CheckSpec } from './types.js';

export function urlCheck(url: string, method: string, defaults: CheckDefaults): CheckSpec {
  return {
    name: `${method} ${redactUrl(url)}`,
    url,
    method,
    headers: { ...defaults.headers },
    expectStatus: defaults.expectStatus,
    bodyContains: [],
    bodyMatches: [],
    json: [],
    headerAssertions: [],
    followRedirects: defaults.followRedirects,
    maxRedirects: defaults.maxRedirects,
    timeoutMs: defaults.timeoutMs,
    tls: { ...defaults.tls },
    samples: defaults.samples,
    thresholds: { ...defaults.thresholds },
  };
}
