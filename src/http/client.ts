// HTTP(S) requests for the probe and every other HTTP caller: HTTP/1.1 over kept-alive `net`/`tls`
// connections (at most `maxSockets` per origin and TLS setting, see pool.ts), a deadline covering connect and the whole answer, redirects with loop
// detection, bounded bodies, the peer certificate of each TLS connection, and errors sorted into kinds
// (refused, reset, timeout, dns, tls, ...).
//
// Why not node:http: its client costs ~2.5× autocannon's time per request (ClientRequest, streams, the
// agent's bookkeeping), which the throughput goal cannot afford. A probe only needs a small part of
// HTTP/1.1 — one request at a time per connection, no upgrades, no compression — so the request is one
// precomputed buffer and the answer goes through the small parser in response-parser.ts (Content-Length, chunked, or
// until close; 1xx skipped; HEAD/204/304 without a body).
//
// Why an own client is kept (issue #17 asked whether a library would do): the probe's figures in
// docs/BENCHMARKS.md ("Probe engine beside autocannon") — p50 latency within 1% of autocannon and 0.87× its
// throughput, where a bare node:http keep-alive loop reaches 0.34× — rest on this client: latency runs from
// the request's start to the answer's last byte with no stream or agent bookkeeping in between. Metrics
// providers, routers and canary control calls use it too: one HTTP layer, one set of error kinds.

import { classifyError } from './errors.js';
import { type Connection, OriginPool, type Waiter } from './pool.js';
import { ResponseParser } from './response-parser.js';
import { redactUrl } from './safe-url.js';
import { MAX_TIMER_MS } from './timing.js';
import type {
  CertificateInfo,
  HttpClientOptions,
  ProbeAnswer,
  ProbeError,
  ProbeResult,
  RequestOptions,
  RequestSpec,
  TlsSettings,
} from './types.js';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const USER_AGENT = 'deploy-kit-probe';
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const BAD_VALUE = /[^\t\x20-\x7e\x80-\xff]/;
/** Methods sent with `content-length: 0` when they have no body, as node:http does. */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** One request as bytes, ready to write. */
interface Target {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
  bytes: Buffer;
}

function target(url: URL, method: string, headers: Record<string, string>, body: Buffer | undefined): Target {
  let head = `${method} ${url.pathname}${url.search} HTTP/1.1\r\n`;
  if (headers.host === undefined) head += `host: ${url.host}\r\n`;
  for (const name in headers) head += `${name}: ${headers[name]}\r\n`;
  if (body) head += `content-length: ${body.length}\r\n`;
  else if (BODY_METHODS.has(method)) head += 'content-length: 0\r\n';
  head += 'connection: keep-alive\r\n\r\n';
  const bytes = Buffer.from(head, 'latin1');
  return { url, method, headers, body, bytes: body ? Buffer.concat([bytes, body]) : bytes };
}

export class HttpClient {
  private readonly pools = new Map<string, OriginPool>();
  private readonly prepared = new WeakMap<RequestSpec, Target>();
  /** Requests in flight (waiting for a connection or answering) and how to end each one. */
  private readonly inFlight = new Set<(error: ProbeError) => void>();
  private readonly maxBodyBytes: number;
  private readonly idleMs: number;
  private destroyed: ProbeError | undefined;

  constructor(private readonly options: HttpClientOptions) {
    this.maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
    this.idleMs = options.idleSocketMs ?? 4000;
  }

  /** Requests in flight now. */
  get active(): number {
    return this.inFlight.size;
  }

  /** Sends one request (following redirects when asked). Never rejects: failures come back as `error`. */
  request(spec: RequestSpec, options: RequestOptions = {}): Promise<ProbeResult> {
    if (this.destroyed) return Promise.resolve({ latencyUs: 0, error: this.destroyed });
    let first: Target;
    try {
      first = this.prepare(spec);
    } catch (error) {
      return Promise.resolve({ latencyUs: 0, error: { kind: 'network', message: (error as Error).message } });
    }
    const keepBody = options.keepBody ?? true;
    const signal = options.signal;
    if (signal?.aborted)
      return Promise.resolve({ latencyUs: 0, error: { kind: 'aborted', message: 'aborted' } });

    return new Promise<ProbeResult>((resolve) => {
      const start = process.hrtime.bigint();
      let settled = false;
      let connection: Connection | undefined;
      let waiter: Waiter | undefined;
      let certificate: CertificateInfo | undefined;
      const visited = [first.url.href];

      const finish = (answer: ProbeAnswer | undefined, error: ProbeError | undefined) => {
        settled = true;
        const latencyUs = Number(process.hrtime.bigint() - start) / 1000;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.inFlight.delete(fail);
        resolve({ latencyUs, answer, error, certificate });
      };
      function fail(error: ProbeError): void {
        if (settled) return;
        if (waiter) waiter.cancelled = true;
        if (connection) {
          // Mid-answer: the connection cannot be reused.
          connection.exchange = undefined;
          connection.alive = false;
          connection.socket.destroy();
          connection = undefined;
        }
        finish(undefined, error);
      }
      const onAbort = () => fail({ kind: 'aborted', message: 'aborted' });
      const timer = setTimeout(
        () => fail({ kind: 'timeout', message: `no complete answer within ${spec.timeoutMs} ms` }),
        Math.min(spec.timeoutMs, MAX_TIMER_MS),
      );
      signal?.addEventListener('abort', onAbort, { once: true });
      this.inFlight.add(fail);

      const send = (to: Target, hops: number) => {
        const pool = this.poolFor(to.url, spec.tls);
        const parser = new ResponseParser(to.method === 'HEAD', keepBody, this.maxBodyBytes);
        const complete = (conn: Connection) => {
          certificate = conn.certificate;
          connection = undefined;
          pool.release(conn, parser.reusable, parser.headers['keep-alive'] as string | undefined);
          const location = parser.headers.location;
          if (spec.followRedirects && typeof location === 'string' && REDIRECTS.has(parser.status)) {
            const next = this.redirect(to, parser.status, location, hops, spec.maxRedirects, visited);
            if ('kind' in next) return fail(next);
            return send(next, hops + 1);
          }
          finish(
            {
              status: parser.status,
              headers: parser.headers,
              body: parser.body(),
              bodyTruncated: parser.truncated,
              url: hops === 0 ? redactUrl(spec.url) : redactUrl(to.url.href),
              redirects: hops,
            },
            undefined,
          );
        };
        const pending = pool.acquire((conn) => {
          waiter = undefined;
          if (settled) return pool.release(conn, conn.alive, undefined);
          connection = conn;
          conn.exchange = {
            data: (chunk) => {
              try {
                if (parser.push(chunk)) complete(conn);
              } catch (error) {
                fail({ kind: 'protocol', message: `malformed answer: ${(error as Error).message}` });
              }
            },
            error: (error) => fail(classifyError(error)),
            end: () => {
              if (parser.end()) complete(conn);
              else
                fail({
                  kind: 'reset',
                  code: 'ECONNRESET',
                  message: parser.started
                    ? 'connection closed during the answer (ECONNRESET)'
                    : 'connection closed without an answer (ECONNRESET)',
                });
            },
          };
          conn.write(to.bytes);
        });
        // Still waiting for a free connection: keep the waiter so a timeout or abort can cancel it.
        if (!connection && !settled) waiter = pending;
      };

      send(first, 0);
    });
  }

  /** Ends every request in flight (they resolve with an `aborted` error) and closes all connections. */
  destroy(message = 'aborted'): void {
    this.destroyed ??= { kind: 'aborted', message };
    for (const fail of [...this.inFlight]) fail(this.destroyed);
    this.close();
  }

  /** Closes all connections (requests in flight fail); the client stays usable. */
  close(): void {
    for (const pool of this.pools.values()) pool.destroy();
    this.pools.clear();
  }

  private redirect(
    from: Target,
    status: number,
    location: string,
    hops: number,
    maxRedirects: number,
    visited: string[],
  ): Target | ProbeError {
    let next: URL;
    try {
      next = new URL(location, from.url);
    } catch {
      return { kind: 'redirect', message: `redirect to an invalid location '${redactUrl(location)}'` };
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      return { kind: 'redirect', message: `redirect to an unsupported location '${redactUrl(next.href)}'` };
    }
    if (visited.includes(next.href)) {
      const chain = [...visited, next.href].map(redactUrl).join(' -> ');
      return { kind: 'redirect', message: `redirect loop: ${chain}` };
    }
    if (hops >= maxRedirects) {
      return {
        kind: 'redirect',
        message: `more than ${maxRedirects} redirects (next: ${redactUrl(next.href)})`,
      };
    }
    visited.push(next.href);
    // 303, and 301/302 after a POST, become a GET without a body (as browsers do); 307/308 keep both.
    const toGet = status === 303 || ((status === 301 || status === 302) && from.method === 'POST');
    const headers = { ...from.headers };
    if (toGet) delete headers['content-type'];
    if (next.origin !== from.url.origin) {
      delete headers.authorization;
      delete headers.cookie;
      delete headers.host;
    }
    next.username = '';
    next.password = '';
    return target(next, toGet ? 'GET' : from.method, headers, toGet ? undefined : from.body);
  }

  private prepare(spec: RequestSpec): Target {
    let prepared = this.prepared.get(spec);
    if (prepared) return prepared;
    const url = new URL(spec.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new Error(`unsupported protocol ${url.protocol} in ${redactUrl(spec.url)}`);
    }
    const method = spec.method.toUpperCase();
    if (!TOKEN.test(method)) throw new Error(`invalid method '${spec.method}'`);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(spec.headers)) {
      if (!TOKEN.test(name)) throw new Error(`invalid header name '${name}'`);
      if (BAD_VALUE.test(value)) throw new Error(`invalid character in the value of header '${name}'`);
      const lower = name.toLowerCase();
      if (lower === 'content-length' || lower === 'connection' || lower === 'transfer-encoding') continue;
      headers[lower] = value;
    }
    headers['user-agent'] ??= USER_AGENT;
    if (url.username || url.password) {
      const user = decodeURIComponent(url.username);
      const password = decodeURIComponent(url.password);
      headers.authorization ??= `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
      url.username = '';
      url.password = '';
    }
    const body = spec.body === undefined ? undefined : Buffer.from(spec.body);
    prepared = target(url, method, headers, body);
    this.prepared.set(spec, prepared);
    return prepared;
  }

  private poolFor(url: URL, tls: TlsSettings): OriginPool {
    const https = url.protocol === 'https:';
    const key = https ? `${url.origin} ${tls.insecure ? 1 : 0} ${tls.ca ?? ''}` : url.origin;
    let pool = this.pools.get(key);
    if (!pool) {
      pool = new OriginPool(url, tls, this.options.maxSockets, this.idleMs);
      this.pools.set(key, pool);
    }
    return pool;
  }
}
