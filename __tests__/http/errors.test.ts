import { describe, expect, it } from 'vitest';
import { classifyError, describeResult } from '../../src/http/errors.js';

describe('classifyError', () => {
  it('sorts node errors into kinds', () => {
    const err = (code: string, message = code, more = {}) =>
      Object.assign(new Error(message), { code, ...more });
    expect(classifyError(err('ENOTFOUND', 'getaddrinfo ENOTFOUND x', { hostname: 'x.test' }))).toEqual({
      kind: 'dns',
      code: 'ENOTFOUND',
      message: 'dns lookup failed for x.test (ENOTFOUND)',
    });
    expect(classifyError(err('EAI_AGAIN')).kind).toBe('dns');
    expect(classifyError(err('ETIMEDOUT')).kind).toBe('timeout');
    expect(classifyError(err('EPIPE')).kind).toBe('reset');
    expect(classifyError(err('ECONNRESET', 'read ECONNRESET')).message).toBe('connection reset (ECONNRESET)');
    expect(
      classifyError(err('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames")),
    ).toEqual({
      kind: 'tls',
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
      message: "tls ERR_TLS_CERT_ALTNAME_INVALID: Hostname/IP does not match certificate's altnames",
    });
    expect(classifyError(err('UNABLE_TO_VERIFY_LEAF_SIGNATURE')).kind).toBe('tls');
    expect(classifyError(err('EHOSTUNREACH', 'connect EHOSTUNREACH')).kind).toBe('network');
  });
});

describe('describeResult', () => {
  it('gives the error message, or the status of an answer', () => {
    expect(describeResult({ latencyUs: 1, error: { kind: 'refused', message: 'connection refused' } })).toBe(
      'connection refused',
    );
    const answer = {
      status: 503,
      headers: {},
      body: '',
      bodyTruncated: false,
      url: 'http://x/',
      redirects: 0,
    };
    expect(describeResult({ latencyUs: 1, answer })).toBe('status 503');
  });
});
