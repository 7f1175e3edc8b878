import { describe, expect, it } from 'vitest';
import { hostOf, httpUrlProblem, parseUrl, portOf } from '../../src/http/url.js';
import { errorOf } from '../helpers/input-error.js';

describe('httpUrlProblem', () => {
  it('accepts http and https URLs, placeholders parsed as the caller says', () => {
    expect(httpUrlProblem('the URL', 'http://127.0.0.1:9090')).toBeUndefined();
    expect(httpUrlProblem('the URL', 'https://p.example/prometheus/')).toBeUndefined();
    expect(httpUrlProblem('the canary URL', 'http://x/{{side}}', 'http://x/x')).toBeUndefined();
  });

  it('says what is wrong without showing credentials', () => {
    expect(httpUrlProblem('the URL', 'prometheus:9090')).toBe(
      "the URL must be an http(s) URL, got 'prometheus:9090'",
    );
    expect(httpUrlProblem('the canary URL', 'ftp://user:pw@host/')).toBe(
      "the canary URL must be an http(s) URL, got 'ftp://host/'",
    );
    expect(httpUrlProblem('the URL', '')).toBe("the URL must be an http(s) URL, got ''");
  });
});

describe('parseUrl', () => {
  it('accepts http and https URLs, normalised', () => {
    expect(parseUrl('url', 'https://example.com')).toBe('https://example.com/');
    expect(parseUrl('url', ' http://127.0.0.1:8080/health?x=1 ')).toBe('http://127.0.0.1:8080/health?x=1');
    expect(parseUrl('url', 'https://user:pw@example.com/a')).toBe('https://user:pw@example.com/a');
    expect(parseUrl('url', 'http://[::1]:3000/')).toBe('http://[::1]:3000/');
  });

  const expected = "'url' must be an http or https URL like https://example.com/health";
  it.each([
    [
      'example.com/health',
      `${expected}, got 'example.com/health' (add the scheme: https://example.com/health)`,
    ],
    ['localhost:8080', `${expected}, got 'localhost:8080' (add the scheme: https://localhost:8080)`],
    ['/health', `${expected}, got '/health' (it is not absolute)`],
    [
      'ftp://example.com/',
      `${expected}, got 'ftp://example.com/' (only http and https are supported, not ftp)`,
    ],
    ['http://exa mple.com/', `${expected}, got 'http://exa mple.com/'`],
    ['', `${expected}, got an empty value`],
  ])('refuses %j', (text, message) => {
    expect(errorOf(() => parseUrl('url', text), 'url')).toBe(message);
  });
});

describe('hostOf and portOf', () => {
  it('strip the brackets of an IPv6 host and default the port by scheme', () => {
    expect(hostOf(new URL('http://[::1]:3000/'))).toBe('::1');
    expect(hostOf(new URL('https://example.com/'))).toBe('example.com');
    expect(portOf(new URL('http://[::1]:3000/'))).toBe(3000);
    expect(portOf(new URL('https://example.com/'))).toBe(443);
    expect(portOf(new URL('http://example.com/'))).toBe(80);
  });
});
