import { describe, expect, it } from 'vitest';
import {
  isSensitiveQueryParameter,
  REDACTED,
  redactUrl,
  SENSITIVE_QUERY_PARAMETERS,
  urlSecrets,
} from '../../src/http/safe-url.js';

describe('redactUrl', () => {
  it('removes credentials and keeps the rest as written', () => {
    expect(redactUrl('https://user:pass@host')).toBe('https://host');
    expect(redactUrl('https://token@host:8443/a?b=c@d')).toBe('https://host:8443/a?b=c@d');
    expect(redactUrl('http://host/p@th')).toBe('http://host/p@th');
    expect(redactUrl('GET https://a:b@x/ then http://c@y/')).toBe('GET https://x/ then http://y/');
  });

  it('masks the values of sensitive query parameters, in any case, and keeps the others', () => {
    expect(redactUrl('https://h/x?access_token=abc123&page=2')).toBe(
      `https://h/x?access_token=${REDACTED}&page=2`,
    );
    expect(redactUrl('https://h/x?page=2&TOKEN=abc#frag')).toBe(`https://h/x?page=2&TOKEN=${REDACTED}#frag`);
    expect(
      redactUrl(
        'https://b.s3.amazonaws.com/o?X-Amz-Credential=AKIA%2F1&X-Amz-Signature=f00d&X-Amz-Expires=60',
      ),
    ).toBe(
      `https://b.s3.amazonaws.com/o?X-Amz-Credential=${REDACTED}&X-Amz-Signature=${REDACTED}&X-Amz-Expires=60`,
    );
    expect(redactUrl('https://a.blob.core.windows.net/c?sv=2020&sig=Zm9v%3D')).toBe(
      `https://a.blob.core.windows.net/c?sv=2020&sig=${REDACTED}`,
    );
    // A check name is a method and a path with its query, without a scheme.
    expect(redactUrl('GET /health?api_key=k1&v=1')).toBe(`GET /health?api_key=${REDACTED}&v=1`);
    // In quotes and in XML attributes the value ends at the quote.
    expect(redactUrl(`got 'https://h/?password=hunter22'`)).toBe(`got 'https://h/?password=${REDACTED}'`);
    expect(redactUrl('<property value="http://h/?sig=a1"/>')).toBe(
      `<property value="http://h/?sig=${REDACTED}"/>`,
    );
    // Both at once.
    expect(redactUrl('https://u:p4ss@h/?code=xyz')).toBe(`https://h/?code=${REDACTED}`);
    // Nothing to hide: unchanged, an empty value too.
    expect(redactUrl('https://h/?q=token&limit=1&token=')).toBe('https://h/?q=token&limit=1&token=');
  });

  it('knows the documented names and the suffixes that mark a credential', () => {
    for (const name of SENSITIVE_QUERY_PARAMETERS) expect(isSensitiveQueryParameter(name)).toBe(true);
    for (const name of [
      'Access_Token',
      'github_token',
      'client-secret',
      'app.key',
      'X-AMZ-SIGNATURE',
      'db_password',
    ])
      expect(isSensitiveQueryParameter(name), name).toBe(true);
    for (const name of ['page', 'limit', 'monkey', 'q', 'version', 'tokens_used', 'keyboard'])
      expect(isSensitiveQueryParameter(name), name).toBe(false);
  });
});

describe('urlSecrets', () => {
  it('lists the password, its decoded form and the Basic credentials', () => {
    const secrets = urlSecrets('https://deployer:p%40ss-word@h/');
    expect(secrets).toEqual(
      expect.arrayContaining([
        'p%40ss-word',
        'p@ss-word',
        Buffer.from('deployer:p@ss-word').toString('base64'),
      ]),
    );
  });

  it('takes a lone userinfo for a token', () => {
    expect(urlSecrets('https://ghp_abcdef@github.com/o/r')).toContain('ghp_abcdef');
  });

  it('lists sensitive query values as written and decoded, and skips values too short to mask', () => {
    const secrets = urlSecrets('https://h/?access_token=a%2Bb%2Fc1&page=12345&code=12');
    expect(secrets).toEqual(expect.arrayContaining(['a%2Bb%2Fc1', 'a+b/c1']));
    expect(secrets).not.toContain('12345');
    expect(secrets).not.toContain('12');
  });

  it('finds nothing in a URL without secrets, or in text that is no URL', () => {
    expect(urlSecrets('https://example.com/health?limit=1')).toEqual([]);
    expect(urlSecrets('not a url')).toEqual([]);
  });
});
