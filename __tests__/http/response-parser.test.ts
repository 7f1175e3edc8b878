import { describe, expect, it } from 'vitest';
import { ResponseParser } from '../../src/http/response-parser.js';

/** Feeds a raw answer to a parser in pieces of `step` bytes; the piece that completed it, or -1. */
function feed(parser: ResponseParser, raw: string, step = 1): number {
  const bytes = Buffer.from(raw, 'latin1');
  for (let at = 0; at < bytes.length; at += step) {
    if (parser.push(bytes.subarray(at, at + step))) return at;
  }
  return -1;
}

describe('ResponseParser', () => {
  const parser = (head = false, max = 1024 * 1024) => new ResponseParser(head, true, max);

  it('reads a Content-Length body however the bytes are split', () => {
    const raw = 'HTTP/1.1 200 OK\r\ncontent-length: 5\r\nX-Thing: a\r\n\r\nhello';
    for (const step of [1, 2, 7, raw.length]) {
      const p = parser();
      expect(feed(p, raw, step)).toBeGreaterThanOrEqual(0);
      expect(p.status).toBe(200);
      expect(p.headers['x-thing']).toBe('a');
      expect(p.body()).toBe('hello');
      expect(p.reusable).toBe(true);
    }
  });

  it('reads a chunked body with extensions and trailers, byte by byte', () => {
    const p = parser();
    const raw =
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nx-trailer: 1\r\n\r\n';
    expect(feed(p, raw)).toBe(raw.length - 1);
    expect(p.body()).toBe('hello world');
    expect(p.reusable).toBe(true);
  });

  it('skips 100 Continue and reads the answer after it', () => {
    const p = parser();
    feed(p, 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\nok', 5);
    expect(p.status).toBe(201);
    expect(p.body()).toBe('ok');
  });

  it('expects no body after HEAD, 204 and 304', () => {
    const head = parser(true);
    expect(feed(head, 'HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n', 100)).toBe(0);
    expect(head.body()).toBe('');
    for (const status of [204, 304]) {
      expect(feed(parser(), `HTTP/1.1 ${status} X\r\n\r\n`, 100)).toBe(0);
    }
  });

  it('reads a body without framing until the connection ends, and does not reuse it', () => {
    const p = parser();
    expect(feed(p, 'HTTP/1.1 200 OK\r\n\r\nall of it', 4)).toBe(-1);
    expect(p.end()).toBe(true);
    expect(p.body()).toBe('all of it');
    expect(p.reusable).toBe(false);
    const cut = parser();
    feed(cut, 'HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc', 100);
    expect(cut.end()).toBe(false);
  });

  it('knows when a connection can be reused', () => {
    const reusable = (raw: string) => {
      const p = parser();
      feed(p, raw, raw.length);
      return p.reusable;
    };
    expect(reusable('HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 0\r\n\r\n')).toBe(false);
    expect(reusable('HTTP/1.0 200 OK\r\ncontent-length: 0\r\n\r\n')).toBe(false);
    expect(reusable('HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\ncontent-length: 0\r\n\r\n')).toBe(true);
    expect(reusable('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\nHTTP/1.1 200 OK\r\n')).toBe(false);
  });

  it('joins repeated headers, keeps set-cookie as a list, and unfolds continued lines', () => {
    const p = parser();
    feed(
      p,
      'HTTP/1.1 200 OK\r\nVary: a\r\nvary: b\r\nSet-Cookie: x=1\r\nset-cookie: y=2\r\nX-Long: one\r\n two\r\ncontent-length: 0\r\n\r\n',
      1000,
    );
    expect(p.headers.vary).toBe('a, b');
    expect(p.headers['set-cookie']).toEqual(['x=1', 'y=2']);
    expect(p.headers['x-long']).toBe('one two');
  });

  it('keeps at most maxBodyBytes of the body', () => {
    const p = parser(false, 4);
    feed(p, 'HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\n0123456789', 3);
    expect(p.done).toBe(true);
    expect(p.body()).toBe('0123');
    expect(p.truncated).toBe(true);
  });

  it('rejects malformed answers', () => {
    expect(() => feed(parser(), 'SSH-2.0-OpenSSH\r\n\r\n', 100)).toThrow('not an HTTP/1.x answer');
    expect(() => feed(parser(), 'HTTP/1.1 200 OK\r\nno colon\r\n\r\n', 100)).toThrow('malformed header line');
    expect(() => feed(parser(), 'HTTP/1.1 200 OK\r\ncontent-length: 5, 6\r\n\r\n', 100)).toThrow(
      'invalid content-length',
    );
    expect(feed(parser(), 'HTTP/1.1 200 OK\r\ncontent-length: 2, 2\r\n\r\nok', 100)).toBe(0);
    expect(() => feed(parser(), 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n', 100)).toThrow(
      'malformed chunk size',
    );
    expect(() =>
      feed(parser(), 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nokX\r\n', 100),
    ).toThrow('chunk not followed by CRLF');
    expect(() => feed(parser(), `HTTP/1.1 200 OK\r\nx: ${'a'.repeat(70_000)}`, 10_000)).toThrow(
      'longer than',
    );
    expect(() => feed(parser(), 'HTTP/1.1 101 Switching\r\n\r\n', 100)).toThrow('protocol switch');
  });
});
