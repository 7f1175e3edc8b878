// URLs: parsing an http(s) URL input, saying why a URL is not one (without its credentials), and the host
// and port a connection goes to.
import { rejectValue } from '../common/input-error.js';
import { redactUrl } from './safe-url.js';

/** An absolute http(s) URL, returned normalised (`https://example.com` becomes `https://example.com/`). */
export function parseUrl(label: string, text: string): string {
  const value = text.trim();
  const expected = 'an http or https URL like https://example.com/health';
  if (value === '') return rejectValue(label, expected, text);
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    return rejectValue(
      label,
      expected,
      text,
      value.startsWith('/') ? 'it is not absolute' : `add the scheme: https://${value}`,
    );
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return rejectValue(label, expected, text);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    rejectValue(label, expected, text, `only http and https are supported, not ${url.protocol.slice(0, -1)}`);
  }
  return url.href;
}

/**
 * Why `url` (named `what` in the message, e.g. "the canary URL") is not an http(s) URL, or undefined when it
 * is. `parseAs` is what to parse when the URL holds placeholders filled in later; credentials are never shown.
 */
export function httpUrlProblem(what: string, url: string, parseAs = url): string | undefined {
  let parsed: URL | undefined;
  try {
    parsed = new URL(parseAs);
  } catch {
    // reported below
  }
  if (parsed && (parsed.protocol === 'http:' || parsed.protocol === 'https:')) return undefined;
  return `${what} must be an http(s) URL, got '${redactUrl(url)}'`;
}

/** The host to connect to: an IPv6 literal without its brackets. */
export function hostOf(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

/** The port to connect to: the URL's, or the scheme's default. */
export function portOf(url: URL): number {
  return Number(url.port || (url.protocol === 'https:' ? 443 : 80));
}
