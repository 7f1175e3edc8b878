// The URL control against a real server on loopback: text and JSON answers, GitHub's variable shape, 404,
// errors, and headers that reach the server but never a message.
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ControlError, type RolloutControl } from '../../src/canary/control.js';
import { controlText, createHttpControl } from '../../src/canary/control-http.js';

const signal = new AbortController().signal;
let server: Server | undefined;
let control: RolloutControl | undefined;
afterEach(async () => {
  await control?.close?.();
  server?.close();
  server = undefined;
});

/** A server answering each request with the next reply (status, body); the headers it received. */
async function serve(replies: [number, string][]): Promise<{ url: string; received: IncomingHttpHeaders[] }> {
  const received: IncomingHttpHeaders[] = [];
  server = createServer((req, res) => {
    received.push(req.headers);
    const [status, body] = replies.shift() ?? [200, ''];
    res.writeHead(status, { 'content-type': body.startsWith('{') ? 'application/json' : 'text/plain' });
    res.end(body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/control`, received };
}

describe('controlText', () => {
  it('reads plain text, a JSON string, a command field, or the value of a GitHub variable', () => {
    expect(controlText(' pause now \n')).toBe('pause now');
    expect(controlText('"abort"')).toBe('abort');
    expect(controlText('{"command": "promote", "by": "oncall"}')).toBe('promote');
    expect(controlText('{"name":"CANARY_CONTROL","value":"pause","created_at":"2026-12-01T10:00:00Z"}')).toBe(
      'pause',
    );
    expect(controlText('{"other": 1}')).toBe('');
  });

  it('refuses JSON that does not parse or a command that is not text', () => {
    expect(() => controlText('{"command": ')).toThrow('the answer looks like JSON but does not parse');
    expect(() => controlText('{"command": 3}')).toThrow(
      "the answer's command (or value) field is not a string",
    );
  });
});

describe('URL control', () => {
  it('reads each answer anew; 404 means no command', async () => {
    const target = await serve([
      [404, '{"message":"Not Found"}'],
      [200, '{"name":"CANARY_CONTROL","value":"pause DB migration"}'],
      [200, 'continue'],
      [200, 'abort p99 doubled'],
    ]);
    control = createHttpControl({ url: target.url, headers: { Authorization: 'Bearer s3cret' } });
    expect(control.describe).toBe(`control-url ${target.url}`);
    expect(await control.read(signal)).toBeUndefined();
    expect(await control.read(signal)).toEqual({ command: 'pause', reason: 'DB migration' });
    expect(await control.read(signal)).toEqual({ command: 'continue' });
    expect(await control.read(signal)).toEqual({ command: 'abort', reason: 'p99 doubled' });
    expect(target.received.map((h) => h.authorization)).toEqual(Array(4).fill('Bearer s3cret'));
  });

  it('fails a read with a ControlError on an error answer or an unreachable server, never showing secrets', async () => {
    const target = await serve([[503, 'down']]);
    control = createHttpControl({ url: target.url.replace('http://', 'http://user:pw@') });
    const error = await control.read(signal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ControlError);
    expect((error as Error).message).toBe(`${target.url} answered HTTP 503`);
    server!.close();
    await once(server!, 'close');
    await control.close?.();
    control = createHttpControl({ url: target.url, timeoutMs: 1000 });
    await expect(control.read(signal)).rejects.toThrow(`${target.url} could not be reached`);
  });

  it('refuses settings it cannot use when created', () => {
    expect(() => createHttpControl({ url: 'ops:8080/control' })).toThrow(
      new ControlError("the control URL must be an http(s) URL, got 'ops:8080/control'"),
    );
    expect(() => createHttpControl({ url: 'http://ops/', headers: { 'a b': 'x' } })).toThrow(
      new ControlError("header name 'a b' is not a valid HTTP header name"),
    );
    expect(() => createHttpControl({ url: 'ftp://ops/' })).toThrow(ControlError);
    control = createHttpControl({ url: 'https://api.github.com/repos/o/r/actions/variables/X' });
    expect(control.describe).toBe('control-url https://api.github.com/repos/o/r/actions/variables/X');
  });
});
