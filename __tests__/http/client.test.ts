import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../src/http/client.js';
import { fetchPeerCertificate } from '../../src/http/tls.js';
import type { RequestSpec } from '../../src/http/types.js';
import { startTestApp, type TestApp } from '../fakes/test-app.js';

function spec(url: string, overrides: Partial<RequestSpec> = {}): RequestSpec {
  return {
    url,
    method: 'GET',
    headers: {},
    timeoutMs: 5000,
    followRedirects: false,
    maxRedirects: 5,
    tls: { insecure: false },
    ...overrides,
  };
}

let app: TestApp;
let client: HttpClient;
const extra: TestApp[] = [];

beforeAll(async () => {
  app = await startTestApp({ version: 'v3' });
});
afterAll(async () => {
  await app.close();
});
afterEach(async () => {
  client?.destroy();
  await Promise.all(extra.splice(0).map((a) => a.close()));
});

async function start(...args: Parameters<typeof startTestApp>): Promise<TestApp> {
  const started = await startTestApp(...args);
  extra.push(started);
  return started;
}

describe('HttpClient answers', () => {
  it('returns status, headers, body and a latency', async () => {
    client = new HttpClient({ maxSockets: 4 });
    const result = await client.request(spec(`${app.url}/json`));
    expect(result.error).toBeUndefined();
    expect(result.answer?.status).toBe(200);
    expect(result.answer?.headers['x-app-version']).toBe('v3');
    expect(JSON.parse(result.answer!.body).version).toBe('v3');
    expect(result.answer?.url).toBe(`${app.url}/json`);
    expect(result.latencyUs).toBeGreaterThan(0);
    expect(result.certificate).toBeUndefined();
  });

  it('measures latency from start to last byte', async () => {
    client = new HttpClient({ maxSockets: 4 });
    const result = await client.request(spec(`${app.url}/slow?ms=80`));
    expect(result.latencyUs).toBeGreaterThanOrEqual(78_000);
    expect(result.latencyUs).toBeLessThan(2_000_000);
  });

  it('drops the body when told, and bounds the body it keeps', async () => {
    client = new HttpClient({ maxSockets: 4, maxBodyBytes: 10 });
    const dropped = await client.request(spec(`${app.url}/json`), { keepBody: false });
    expect(dropped.answer?.status).toBe(200);
    expect(dropped.answer?.body).toBe('');
    const bounded = await client.request(spec(`${app.url}/json`));
    expect(bounded.answer?.body).toBe('{"status":');
    expect(bounded.answer?.bodyTruncated).toBe(true);
  });

  it('sends method, headers and body; credentials in the URL as Basic auth, never in the result', async () => {
    client = new HttpClient({ maxSockets: 4 });
    const url = `${app.url.replace('http://', 'http://deploy:s%3Acret@')}/headers`;
    const result = await client.request(
      spec(url, {
        method: 'post',
        headers: { 'X-Trace': 'abc', 'content-type': 'text/plain' },
        body: 'hello',
      }),
    );
    const echoed = JSON.parse(result.answer!.body);
    expect(echoed.authorization).toBe(`Basic ${Buffer.from('deploy:s:cret').toString('base64')}`);
    expect(echoed['x-trace']).toBe('abc');
    expect(echoed['content-length']).toBe('5');
    expect(echoed['user-agent']).toBe('deploy-kit-probe');
    expect(result.answer?.url).toBe(`${app.url}/headers`);
  });

  it('keeps connections alive and opens at most maxSockets per origin', async () => {
    const target = await start();
    client = new HttpClient({ maxSockets: 3 });
    const check = spec(`${target.url}/slow?ms=20`);
    const results = await Promise.all(Array.from({ length: 30 }, () => client.request(check)));
    expect(results.every((r) => r.answer?.status === 200)).toBe(true);
    expect(target.requests).toBe(30);
    expect(target.peakInFlight).toBeLessThanOrEqual(3);
    expect(target.connections).toBeLessThanOrEqual(3);
  });
});

describe('HttpClient redirects', () => {
  it('follows redirects when asked, and not otherwise', async () => {
    client = new HttpClient({ maxSockets: 4 });
    const url = `${app.url}/redirect?to=/redirect%3Fto%3D/health`;
    const followed = await client.request(spec(url, { followRedirects: true }));
    expect(followed.answer?.status).toBe(200);
    expect(followed.answer?.redirects).toBe(2);
    expect(followed.answer?.url).toBe(`${app.url}/health`);
    const kept = await client.request(spec(url));
    expect(kept.answer?.status).toBe(302);
    expect(kept.answer?.headers.location).toBe('/redirect?to=/health');
  });

  it('stops at a loop with a clear error', async () => {
    client = new HttpClient({ maxSockets: 4 });
    const result = await client.request(spec(`${app.url}/redirect-loop`, { followRedirects: true }));
    expect(result.error?.kind).toBe('redirect');
    expect(result.error?.message).toBe(`redirect loop: ${app.url}/redirect-loop -> ${app.url}/redirect-loop`);
  });

  it('stops after maxRedirects', async () => {
    client = new HttpClient({ maxSockets: 4 });
    const url = `${app.url}/redirect?to=/redirect%3Fto%3D/health`;
    const result = await client.request(spec(url, { followRedirects: true, maxRedirects: 1 }));
    expect(result.error?.kind).toBe('redirect');
    expect(result.error?.message).toBe(`more than 1 redirects (next: ${app.url}/health)`);
  });

  it('turns a POST into a GET on 303 and drops credentials when leaving the origin', async () => {
    const other = await start();
    client = new HttpClient({ maxSockets: 4 });
    const url = `${app.url.replace('http://', 'http://u:p@')}/redirect?status=303&to=${encodeURIComponent(`${other.url}/headers`)}`;
    const result = await client.request(spec(url, { method: 'POST', body: 'x', followRedirects: true }));
    expect(result.answer?.status).toBe(200);
    const echoed = JSON.parse(result.answer!.body);
    expect(echoed.authorization).toBeUndefined();
    expect(echoed['content-length']).toBeUndefined();
  });
});

describe('HttpClient errors', () => {
  it('classifies a refused connection', async () => {
    const closed = await start();
    await closed.close();
    client = new HttpClient({ maxSockets: 4 });
    const result = await client.request(spec(closed.url));
    expect(result.error).toMatchObject({ kind: 'refused', code: 'ECONNREFUSED' });
    expect(result.error?.message).toBe(`connection refused (ECONNREFUSED 127.0.0.1:${closed.port})`);
  });

  it('classifies a connection reset without an answer', async () => {
    const resetting = await start({ resetRate: 1 });
    client = new HttpClient({ maxSockets: 4 });
    const result = await client.request(spec(resetting.url));
    expect(result.error).toMatchObject({ kind: 'reset', code: 'ECONNRESET' });
  });

  it('times out a slow answer, connect and answer included', async () => {
    client = new HttpClient({ maxSockets: 4 });
    const started = performance.now();
    const result = await client.request(spec(`${app.url}/slow?ms=3000`, { timeoutMs: 100 }));
    expect(result.error).toEqual({ kind: 'timeout', message: 'no complete answer within 100 ms' });
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('rejects an unsupported protocol without throwing', async () => {
    client = new HttpClient({ maxSockets: 4 });
    const result = await client.request(spec('ftp://u:p@example.com/'));
    expect(result.error?.message).toBe('unsupported protocol ftp: in ftp://example.com/');
  });
});

describe('HttpClient TLS', () => {
  it('rejects an expired certificate unless insecure, and reports it either way', async () => {
    const expired = await start({ tls: 'expired' });
    client = new HttpClient({ maxSockets: 4 });
    const rejected = await client.request(spec(`${expired.url}/health`));
    expect(rejected.error).toMatchObject({ kind: 'tls', code: 'CERT_HAS_EXPIRED' });
    expect(rejected.error?.message).toBe('tls CERT_HAS_EXPIRED: certificate has expired');
    const accepted = await client.request(spec(`${expired.url}/health`, { tls: { insecure: true } }));
    expect(accepted.answer?.status).toBe(200);
    expect(accepted.certificate?.subject).toBe('CN=localhost');
    expect(accepted.certificate?.issuer).toBe('CN=localhost');
    expect(accepted.certificate!.validToMs).toBeLessThan(Date.now());
    const fetched = await fetchPeerCertificate(expired.url, 2000);
    expect(fetched?.validTo).toBe(accepted.certificate?.validTo);
  });

  it('rejects a self-signed certificate unless insecure or trusted through tls.ca', async () => {
    const selfSigned = await start({ tls: 'self-signed', certDays: 30 });
    client = new HttpClient({ maxSockets: 4 });
    const rejected = await client.request(spec(selfSigned.url));
    // Nothing is written to a server that is not trusted.
    expect(selfSigned.requests).toBe(0);
    expect(rejected.error).toEqual({
      kind: 'tls',
      code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
      message: 'tls DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate',
    });
    const insecure = await client.request(spec(selfSigned.url, { tls: { insecure: true } }));
    expect(insecure.answer?.status).toBe(200);
    const trusted = await client.request(
      spec(selfSigned.url, { tls: { insecure: false, ca: selfSigned.cert } }),
    );
    expect(trusted.answer?.status).toBe(200);
    const daysLeft = (trusted.certificate!.validToMs - Date.now()) / 86_400_000;
    expect(daysLeft).toBeGreaterThan(29);
    expect(daysLeft).toBeLessThanOrEqual(30);
    // Each request on a kept-alive connection still reports the certificate.
    const again = await client.request(
      spec(selfSigned.url, { tls: { insecure: false, ca: selfSigned.cert } }),
    );
    expect(again.certificate).toEqual(trusted.certificate);
    expect(selfSigned.connections).toBe(2);
  });

  it('reads no certificate from a plain HTTP server', async () => {
    expect(await fetchPeerCertificate(app.url, 1000)).toBeUndefined();
  });
});

describe('HttpClient stopping', () => {
  it('ends requests in flight on destroy, and refuses new ones', async () => {
    client = new HttpClient({ maxSockets: 4 });
    const pending = client.request(spec(`${app.url}/slow?ms=5000`));
    setTimeout(() => client.destroy('budget ran out'), 50);
    const started = performance.now();
    expect((await pending).error).toEqual({ kind: 'aborted', message: 'budget ran out' });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(client.active).toBe(0);
    expect((await client.request(spec(app.url))).error?.kind).toBe('aborted');
  });

  it('honours an abort signal per request', async () => {
    client = new HttpClient({ maxSockets: 4 });
    const controller = new AbortController();
    const pending = client.request(spec(`${app.url}/slow?ms=5000`), { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect((await pending).error?.kind).toBe('aborted');
    expect((await client.request(spec(app.url), { signal: controller.signal })).error?.kind).toBe('aborted');
    expect((await client.request(spec(app.url))).answer?.status).toBe(200);
  });
});

describe('HttpClient against hand-written answers', () => {
  let server: Server;
  let url: string;
  let connections = 0;
  /** What the server does with each request on a connection. */
  let respond: (socket: Socket, request: string) => void;

  beforeAll(async () => {
    server = createServer((socket) => {
      connections += 1;
      let buffered = '';
      socket.on('data', (chunk) => {
        buffered += chunk.toString('latin1');
        for (let end = buffered.indexOf('\r\n\r\n'); end !== -1; end = buffered.indexOf('\r\n\r\n')) {
          const request = buffered.slice(0, end);
          buffered = buffered.slice(end + 4);
          respond(socket, request);
        }
      });
      socket.on('error', () => undefined);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    server.close();
  });

  it('sends a well-formed request', async () => {
    let seen = '';
    respond = (socket, request) => {
      seen = request;
      socket.write('HTTP/1.1 204 No Content\r\n\r\n');
    };
    client = new HttpClient({ maxSockets: 1 });
    const result = await client.request(
      spec(`${url}/a/b?c=d%20e`, { method: 'put', headers: { 'X-One': '1', Host: 'example.test' } }),
    );
    expect(result.answer?.status).toBe(204);
    expect(seen.split('\r\n')).toEqual([
      'PUT /a/b?c=d%20e HTTP/1.1',
      'x-one: 1',
      'host: example.test',
      'user-agent: deploy-kit-probe',
      'content-length: 0',
      'connection: keep-alive',
    ]);
  });

  it('refuses header values that would split the request', async () => {
    client = new HttpClient({ maxSockets: 1 });
    const result = await client.request(spec(url, { headers: { 'x-evil': 'a\r\nx-injected: 1' } }));
    expect(result.error?.message).toBe("invalid character in the value of header 'x-evil'");
  });

  it('reads a chunked answer sent in pieces over time', async () => {
    respond = (socket) => {
      socket.write('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n');
      setTimeout(() => socket.write('3\r\ndef\r\n'), 20);
      setTimeout(() => socket.write('0\r\n\r\n'), 40);
    };
    client = new HttpClient({ maxSockets: 1 });
    const result = await client.request(spec(url));
    expect(result.answer?.body).toBe('abcdef');
    expect(result.latencyUs).toBeGreaterThanOrEqual(35_000);
  });

  it('reads an answer that runs until the connection closes, and does not reuse that connection', async () => {
    respond = (socket) => socket.end('HTTP/1.1 200 OK\r\n\r\nuntil close');
    client = new HttpClient({ maxSockets: 1 });
    const before = connections;
    const first = await client.request(spec(url));
    const second = await client.request(spec(url));
    expect(first.answer?.body).toBe('until close');
    expect(second.answer?.body).toBe('until close');
    expect(connections - before).toBe(2);
  });

  it('reports a connection closed during the answer', async () => {
    respond = (socket) => socket.end('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\npartial');
    client = new HttpClient({ maxSockets: 1 });
    const result = await client.request(spec(url));
    expect(result.error).toEqual({
      kind: 'reset',
      code: 'ECONNRESET',
      message: 'connection closed during the answer (ECONNRESET)',
    });
  });

  it('reports a malformed answer', async () => {
    respond = (socket) => socket.write('HELLO\r\n\r\n');
    client = new HttpClient({ maxSockets: 1 });
    const result = await client.request(spec(url));
    expect(result.error).toEqual({
      kind: 'protocol',
      message: "malformed answer: not an HTTP/1.x answer: 'HELLO'",
    });
  });

  it('opens a new connection when the server closed the idle one', async () => {
    respond = (socket) => {
      socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
      setTimeout(() => socket.end(), 10);
    };
    client = new HttpClient({ maxSockets: 1 });
    const before = connections;
    expect((await client.request(spec(url))).answer?.body).toBe('ok');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await client.request(spec(url))).answer?.body).toBe('ok');
    expect(connections - before).toBe(2);
  });

  it('queues requests beyond maxSockets and times out one still waiting for a connection', async () => {
    respond = (socket) => setTimeout(() => socket.write('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n'), 150);
    client = new HttpClient({ maxSockets: 1 });
    const [slow, queued] = await Promise.all([
      client.request(spec(url)),
      client.request(spec(url, { timeoutMs: 50 })),
    ]);
    expect(slow.answer?.status).toBe(200);
    expect(queued.error?.kind).toBe('timeout');
    expect(client.active).toBe(0);
  });
});
