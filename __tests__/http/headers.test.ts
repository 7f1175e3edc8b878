import { describe, expect, it } from 'vitest';
import { headersProblem, parseHeaderLines } from '../../src/http/headers.js';
import { errorOf } from '../helpers/input-error.js';

describe('parseHeaderLines', () => {
  it('reads Name: value lines, skipping blanks and comments, joining repeats', () => {
    const text =
      'Authorization: Bearer a:b:c\n\n# a comment\r\nX-Empty:\n  X-Trace :  1  \naccept: a\nAccept: b';
    expect(parseHeaderLines('headers', text)).toEqual({
      Authorization: 'Bearer a:b:c',
      'X-Empty': '',
      'X-Trace': '1',
      accept: 'a, b',
    });
  });

  it('names the line of a malformed entry without echoing it', () => {
    const message = errorOf(
      () => parseHeaderLines('headers', 'A: 1\nAuthorization Bearer s3cret'),
      'headers',
    );
    expect(message).toBe("'headers' line 2 must be 'Name: value' (no 'Name:' found)");
    expect(message).not.toContain('s3cret');
    expect(errorOf(() => parseHeaderLines('headers', ': x'), 'headers')).toBe(
      "'headers' line 1 must be 'Name: value' (no 'Name:' found)",
    );
  });

  it('refuses invalid names and control characters in values', () => {
    expect(errorOf(() => parseHeaderLines('headers', 'Bad Name: x'), 'headers')).toBe(
      "'headers' line 1: 'Bad Name' is not a valid header name (letters, digits and - only)",
    );
    expect(errorOf(() => parseHeaderLines('headers', 'X-A: a\u0000b'), 'headers')).toBe(
      "'headers' line 1: the value of X-A contains control characters",
    );
  });
});

describe('headersProblem', () => {
  it('names the first header that cannot be sent, never its value', () => {
    expect(headersProblem(undefined)).toBeUndefined();
    expect(headersProblem({ Authorization: 'Bearer t\tok', 'X-Scope-OrgID': '1' })).toBeUndefined();
    expect(headersProblem({ ok: '1', 'bad name': '2' })).toBe(
      "header name 'bad name' is not a valid HTTP header name",
    );
    const problem = headersProblem({ authorization: 'Bearer s3cret\r\nx-injected: 1' });
    expect(problem).toBe("the value of header 'authorization' has a line break or control character");
    expect(problem).not.toContain('s3cret');
  });
});
