// HTTP(S) requests for probes: HTTP/1.1 over kept-alive `net`/`tls` connections (at most `maxSockets` per
// origin and TLS setting), a deadline covering connect and the whole answer, redirects with loop
// detection, bounded bodies, the peer certificate of each TLS connection, and errors sorted into kinds
// (refused, reset, timeout, dns, tls, ...).
//
// Why not node:http: its client costs ~2.5× autocannon's time per request (ClientRequest, streams, the
// agent's bookkeeping), which the throughput goal cannot afford. A probe only needs a small part of
// HTTP/1.1 — one request at a time per connection, no upgrades, no compression — so the request is one
// precomputed buffer and the answer goes through the small parser below (Content-Length, chunked, or
// until close; 1xx skipped; HEAD/204/304 without a body).
import type { IncomingHttpHeaders } from 'node:http';
import { isIP, connect as netConnect, type Socket } from 'node:net';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import { redactUrl } from '../common/safe-url.js';

/** node:tls loads only when a check uses https: plain-http smoke tests start ~5 ms faster. */
function nodeTls(): typeof import('node:tls') {
  return process.getBuiltinModule('node:tls');
}

import type { TlsSettings } from './types.js';

export type ProbeErrorKind =
  | 'refused'
  | 'reset'
  | 'timeout'
  | 'dns'
  | 'tls'
  | 'redirect'
  | 'protocol'
  | 'aborted'
  | 'network';

export interface ProbeError {
  kind: ProbeErrorKind;
  /** Node's error code, when there was one (`ECONNREFUSED`, `CERT_HAS_EXPIRED`, ...). */
  code?: string;
  /** One line, no credentials: `connection refused (ECONNREFUSED)`. */
  message: string;
}

export interface CertificateInfo {
  subject: string;
  issuer: string;
  validFrom: string;
  /** ISO 8601. */
  validTo: string;
  validToMs: number;
}

export interface ProbeAnswer {
  status: number;
  /** Names lower-cased; repeated headers joined with `, ` (set-cookie kept as a list). */
  headers: IncomingHttpHeaders;
  /** The body as UTF-8, at most `maxBodyBytes` of it; '' when the body was not kept. */
  body: string;
  bodyTruncated: boolean;
  /** The URL that answered (after redirects), credentials removed. */
  url: string;
  redirects: number;
}

/** One request's outcome: an answer (whatever its status) or an error, and the time it took. */
export interface ProbeResult {
  /** From the request's start to the last byte of the answer (or to the error), in microseconds. */
  latencyUs: number;
  answer?: ProbeAnswer;
  error?: ProbeError;
  /** The server certificate of the TLS connection that answered. */
  certificate?: CertificateInfo;
}

/** What a request needs; a CheckSpec is one. Prepared once per object, so pass the same object again. */
export interface RequestSpec {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  followRedirects: boolean;
  maxRedirects: number;
  tls: TlsSettings;
}

export interface RequestOptions {
  /** Keep the body for assertions (default true); when false it is read and dropped. */
  keepBody?: boolean;
  signal?: AbortSignal;
}

export interface HttpClientOptions {
  /** Connections per origin (use the run's concurrency). */
  maxSockets: number;
  /** Body bytes kept per answer (default 1 MiB); the rest is read and dropped. */
  maxBodyBytes?: number;
  /** Idle kept-alive connections are closed after this long (default 4 s), before servers close them. */
  idleSocketMs?: number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const TLS_CODE =
  /^(ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_|INVALID_CA|EPROTO$)/;
const USER_AGENT = 'deploy-kit-probe';
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const BAD_VALUE = /[^\t\x20-\x7e\x80-\xff]/;
/** Methods sent with `content-length: 0` when they have no body, as node:http does. */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
/** The largest status line and headers accepted. */
const MAX_HEAD_BYTES = 64 * 1024;
/** setTimeout's largest delay (longer ones fire at once). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

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

/** Sorts a socket error into a kind with a one-line message. */
export function classifyError(error: unknown): ProbeError {
  const err = error as NodeJS.ErrnoException & { hostname?: string; address?: string; port?: number };
  const code = typeof err?.code === 'string' ? err.code : undefined;
  const detail = err?.message ?? String(error);
  switch (code) {
    case 'ECONNREFUSED':
      return {
        kind: 'refused',
        code,
        message: `connection refused (${code}${err.address ? ` ${err.address}:${err.port}` : ''})`,
      };
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ECONNABORTED':
      return { kind: 'reset', code, message: `connection reset (${code})` };
    case 'ETIMEDOUT':
      return { kind: 'timeout', code, message: `connection timed out (${code})` };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NONAME':
      return { kind: 'dns', code, message: `dns lookup failed for ${err.hostname ?? 'host'} (${code})` };
  }
  if (code && TLS_CODE.test(code)) {
    // Node appends advice about its own flags (`; if the root CA is installed locally, try ...`): drop it.
    return { kind: 'tls', code, message: `tls ${code}: ${detail.split(';')[0]}` };
  }
  return { kind: 'network', code, message: code ? `${detail} (${code})` : detail };
}

function certificateInfo(cert: PeerCertificate | undefined): CertificateInfo | undefined {
  if (!cert?.valid_to) return undefined;
  const name = (dn: unknown) =>
    dn && typeof dn === 'object'
      ? Object.entries(dn)
          .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`)
          .join(', ')
      : '';
  const validToMs = Date.parse(cert.valid_to);
  return {
    subject: name(cert.subject),
    issuer: name(cert.issuer),
    validFrom: new Date(Date.parse(cert.valid_from)).toISOString(),
    validTo: new Date(validToMs).toISOString(),
    validToMs,
  };
}

function hostOf(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

function portOf(url: URL): number {
  return Number(url.port || (url.protocol === 'https:' ? 443 : 80));
}

/**
 * Connects to a TLS server without trusting it and returns its certificate (no HTTP is sent), so a
 * rejected certificate can still be reported. Undefined when there is none to read.
 */
export function fetchPeerCertificate(url: string, timeoutMs: number): Promise<CertificateInfo | undefined> {
  const parsed = new URL(url);
  if (parsed.protocol !== 'https:') return Promise.resolve(undefined);
  const host = hostOf(parsed);
  return new Promise((resolve) => {
    const socket = nodeTls().connect({
      host,
      port: portOf(parsed),
      servername: isIP(host) ? undefined : host,
      rejectUnauthorized: false,
    });
    const done = (info: CertificateInfo | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(info);
    };
    const timer = setTimeout(() => done(undefined), Math.min(timeoutMs, MAX_TIMER_MS));
    socket.once('secureConnect', () => done(certificateInfo(socket.getPeerCertificate())));
    socket.once('error', () => done(undefined));
  });
}

class ProtocolError extends Error {}

// Parser states.
const HEAD = 0;
const LENGTH = 1;
const UNTIL_CLOSE = 2;
const CHUNK_SIZE = 3;
const CHUNK_DATA = 4;
const CHUNK_END = 5;
const TRAILERS = 6;
const DONE = 7;

/** Reads one HTTP/1.x answer from the bytes of a connection, fed as they arrive. */
export class ResponseParser {
  status = 0;
  headers: IncomingHttpHeaders = {};
  /** Whether the connection may carry another request afterwards. */
  reusable = true;
  /** Any byte of the answer seen yet. */
  started = false;
  truncated = false;
  private state = HEAD;
  private pending: Buffer | undefined;
  private remaining = 0;
  private readonly chunks: Buffer[] = [];
  private kept = 0;

  constructor(
    private readonly headRequest: boolean,
    private readonly keepBody: boolean,
    private readonly maxBodyBytes: number,
  ) {}

  get done(): boolean {
    return this.state === DONE;
  }

  body(): string {
    return this.kept === 0 ? '' : Buffer.concat(this.chunks, this.kept).toString('utf8');
  }

  /** Consumes bytes; true once the answer is complete. Throws ProtocolError on a malformed answer. */
  push(chunk: Buffer): boolean {
    this.started = true;
    let data = chunk;
    if (this.pending) {
      data = Buffer.concat([this.pending, chunk]);
      this.pending = undefined;
    }
    let at = 0;
    for (;;) {
      switch (this.state) {
        case HEAD: {
          const end = data.indexOf('\r\n\r\n', at, 'latin1');
          if (end === -1) return this.wait(data, at, MAX_HEAD_BYTES, 'status line and headers');
          this.head(data.toString('latin1', at, end));
          at = end + 4;
          break;
        }
        case LENGTH:
        case CHUNK_DATA: {
          const n = Math.min(this.remaining, data.length - at);
          this.keep(data, at, at + n);
          at += n;
          this.remaining -= n;
          if (this.remaining > 0) return false;
          this.state = this.state === LENGTH ? DONE : CHUNK_END;
          break;
        }
        case UNTIL_CLOSE:
          this.keep(data, at, data.length);
          return false;
        case CHUNK_SIZE: {
          const eol = data.indexOf('\r\n', at, 'latin1');
          if (eol === -1) return this.wait(data, at, 1024, 'chunk size line');
          const line = data.toString('latin1', at, eol);
          const size = /^\s*([0-9a-fA-F]{1,12})\s*(;.*)?$/.exec(line)?.[1];
          if (size === undefined) throw new ProtocolError(`malformed chunk size '${line.slice(0, 40)}'`);
          at = eol + 2;
          this.remaining = Number.parseInt(size, 16);
          this.state = this.remaining === 0 ? TRAILERS : CHUNK_DATA;
          break;
        }
        case CHUNK_END:
          if (data.length - at < 2) return this.wait(data, at, 2, 'chunk end');
          if (data[at] !== 13 || data[at + 1] !== 10) throw new ProtocolError('chunk not followed by CRLF');
          at += 2;
          this.state = CHUNK_SIZE;
          break;
        case TRAILERS: {
          const eol = data.indexOf('\r\n', at, 'latin1');
          if (eol === -1) return this.wait(data, at, MAX_HEAD_BYTES, 'trailers');
          this.state = eol === at ? DONE : TRAILERS;
          at = eol + 2;
          break;
        }
        default:
          // Bytes after a complete answer: the connection cannot be trusted with another request.
          if (at < data.length) this.reusable = false;
          return true;
      }
    }
  }

  /** The connection ended: true when that completes the answer (a body that runs until close). */
  end(): boolean {
    if (this.state === UNTIL_CLOSE) this.state = DONE;
    this.reusable = false;
    return this.state === DONE;
  }

  private wait(data: Buffer, at: number, limit: number, what: string): false {
    if (data.length - at > limit) throw new ProtocolError(`${what} longer than ${limit} bytes`);
    this.pending = at === 0 ? data : data.subarray(at);
    return false;
  }

  private keep(data: Buffer, from: number, to: number): void {
    if (to <= from) return;
    if (!this.keepBody) return;
    const room = this.maxBodyBytes - this.kept;
    if (room <= 0) {
      this.truncated = true;
      return;
    }
    const end = Math.min(to, from + room);
    if (end < to) this.truncated = true;
    this.chunks.push(data.subarray(from, end));
    this.kept += end - from;
  }

  private head(text: string): void {
    const lines = text.split('\r\n');
    const match = /^HTTP\/1\.([01]) (\d{3})(?: |$)/.exec(lines[0]!);
    if (!match) throw new ProtocolError(`not an HTTP/1.x answer: '${lines[0]!.slice(0, 40)}'`);
    const status = Number(match[2]);
    const headers: IncomingHttpHeaders = {};
    let last = '';
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      if ((line[0] === ' ' || line[0] === '\t') && last) {
        headers[last] = `${headers[last]} ${line.trim()}`;
        continue;
      }
      const colon = line.indexOf(':');
      if (colon <= 0) throw new ProtocolError(`malformed header line '${line.slice(0, 40)}'`);
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      const seen = headers[name];
      if (name === 'set-cookie') headers[name] = [...((seen as string[] | undefined) ?? []), value];
      else headers[name] = seen === undefined ? value : `${seen}, ${value}`;
      last = name;
    }
    if (status === 101) throw new ProtocolError('unexpected protocol switch (101)');
    if (status < 200) return; // 100 Continue, 103 Early Hints: the real answer follows.
    this.status = status;
    this.headers = headers;
    const connection = String(headers.connection ?? '').toLowerCase();
    this.reusable = match[1] === '1' ? !/\bclose\b/.test(connection) : /\bkeep-alive\b/.test(connection);
    const encoding = headers['transfer-encoding'];
    const length = headers['content-length'];
    if (this.headRequest || status === 204 || status === 304) {
      this.state = DONE;
    } else if (encoding !== undefined) {
      this.state = /(?:^|,)\s*chunked\s*$/i.test(String(encoding)) ? CHUNK_SIZE : UNTIL_CLOSE;
    } else if (length !== undefined) {
      const values = new Set(String(length).split(/\s*,\s*/));
      const only = values.size === 1 ? [...values][0]! : '';
      if (!/^\d{1,15}$/.test(only)) throw new ProtocolError(`invalid content-length '${length}'`);
      this.remaining = Number(only);
      this.state = this.remaining === 0 ? DONE : LENGTH;
    } else {
      this.state = UNTIL_CLOSE;
    }
    if (this.state === UNTIL_CLOSE) this.reusable = false;
  }
}

/** What a connection tells the request using it. */
interface Exchange {
  data(chunk: Buffer): void;
  error(error: Error): void;
  end(): void;
}

/** One kept-alive connection to an origin. */
class Connection {
  exchange: Exchange | undefined;
  alive = true;
  /** False until a TLS handshake is done: nothing is written before the server is verified. */
  secure: boolean;
  certificate: CertificateInfo | undefined;

  constructor(
    readonly socket: Socket,
    private readonly pool: OriginPool,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      if (this.exchange) this.exchange.data(chunk);
      else socket.destroy(); // Bytes nobody asked for: drop the connection.
    });
    socket.on('error', (error) => {
      this.alive = false;
      this.exchange?.error(error);
    });
    socket.on('end', () => {
      this.alive = false;
      this.exchange?.end();
    });
    socket.on('close', () => {
      this.alive = false;
      this.exchange?.end();
      this.pool.closed(this);
    });
    socket.on('timeout', () => {
      if (!this.exchange) socket.destroy();
    });
    this.secure = (socket as TLSSocket).encrypted === undefined;
    if (!this.secure) {
      socket.once('secureConnect', () => {
        this.secure = true;
        this.certificate = certificateInfo((socket as TLSSocket).getPeerCertificate());
      });
    }
  }

  /** Writes a request, after the TLS handshake on a new TLS connection. */
  write(bytes: Buffer): void {
    if (this.secure) this.socket.write(bytes);
    else this.socket.once('secureConnect', () => this.socket.write(bytes));
  }
}

interface Waiter {
  give(connection: Connection): void;
  cancelled: boolean;
}

/** The connections to one origin with one TLS setting: at most `max`, idle ones reused newest first. */
class OriginPool {
  private readonly idle: Connection[] = [];
  private readonly waiting: Waiter[] = [];
  private readonly connections = new Set<Connection>();
  private readonly ca: string[] | undefined;

  constructor(
    private readonly url: URL,
    private readonly tls: TlsSettings,
    private readonly max: number,
    private readonly idleMs: number,
  ) {
    // `ca` replaces the default roots, so extra CAs are added to them.
    this.ca = tls.ca ? [...nodeTls().rootCertificates, tls.ca] : undefined;
  }

  /** Calls `give` with a connection now or once one is free; returns the waiter so it can be cancelled. */
  acquire(give: (connection: Connection) => void): Waiter {
    const waiter = { give, cancelled: false };
    for (let connection = this.idle.pop(); connection; connection = this.idle.pop()) {
      if (connection.alive) {
        connection.socket.setTimeout(0);
        give(connection);
        return waiter;
      }
    }
    if (this.connections.size < this.max) give(this.open());
    else this.waiting.push(waiter);
    return waiter;
  }

  /** Takes a connection back after an answer: reused when it can be, closed otherwise. */
  release(connection: Connection, reusable: boolean, keepAliveHint: string | undefined): void {
    connection.exchange = undefined;
    if (!reusable || !connection.alive) {
      connection.alive = false;
      connection.socket.destroy();
      return; // `closed` hands a new connection to the next waiter.
    }
    const next = this.nextWaiter();
    if (next) {
      next.give(connection);
      return;
    }
    const hinted = /timeout=(\d+)/.exec(keepAliveHint ?? '')?.[1];
    const idleMs = hinted ? Math.min(this.idleMs, Number(hinted) * 1000 - 1000) : this.idleMs;
    if (idleMs <= 0) {
      connection.alive = false;
      connection.socket.destroy();
      return;
    }
    connection.socket.setTimeout(idleMs);
    this.idle.push(connection);
  }

  closed(connection: Connection): void {
    if (!this.connections.delete(connection)) return;
    const at = this.idle.indexOf(connection);
    if (at !== -1) this.idle.splice(at, 1);
    if (this.connections.size < this.max) this.nextWaiter()?.give(this.open());
  }

  destroy(): void {
    for (const waiter of this.waiting) waiter.cancelled = true;
    this.waiting.length = 0;
    for (const connection of this.connections) {
      connection.alive = false;
      connection.socket.destroy();
    }
  }

  private nextWaiter(): Waiter | undefined {
    for (let waiter = this.waiting.shift(); waiter; waiter = this.waiting.shift()) {
      if (!waiter.cancelled) return waiter;
    }
    return undefined;
  }

  private open(): Connection {
    const host = hostOf(this.url);
    const port = portOf(this.url);
    const socket =
      this.url.protocol === 'https:'
        ? nodeTls().connect({
            host,
            port,
            servername: isIP(host) ? undefined : host,
            rejectUnauthorized: !this.tls.insecure,
            ca: this.ca,
            ALPNProtocols: ['http/1.1'],
          })
        : netConnect({ host, port });
    const connection = new Connection(socket, this);
    this.connections.add(connection);
    return connection;
  }
}

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
