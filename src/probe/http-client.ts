// HTTP(S) requests for probes: keep-alive agents (one per origin and TLS setting), a deadline covering
// connect and the whole answer, redirects with loop detection, bounded bodies, the peer certificate of
// each TLS connection, and errors sorted into kinds (refused, reset, timeout, dns, tls, ...).
import {
  type ClientRequest,
  Agent as HttpAgent,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  request as httpRequest,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { type PeerCertificate, rootCertificates, type TLSSocket, connect as tlsConnect } from 'node:tls';
import type { TlsSettings } from './types.js';

export type ProbeErrorKind = 'refused' | 'reset' | 'timeout' | 'dns' | 'tls' | 'redirect' | 'aborted' | 'network';

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
  /** Idle keep-alive connections are closed after this long (default 4 s), before servers close them. */
  idleSocketMs?: number;
}

interface Prepared {
  url: URL;
  method: string;
  headers: OutgoingHttpHeaders;
  body?: Buffer;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const TLS_CODE = /^(ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_|INVALID_CA|EPROTO$)/;
const USER_AGENT = 'deploy-kit-probe';

/** `https://user:pass@host/x` → `https://host/x`; anything else unchanged. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/?#]*@/i, '$1');
}

/** Sorts a socket or request error into a kind with a one-line message. */
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
      return {
        kind: 'reset',
        code,
        message:
          detail === 'socket hang up'
            ? `connection closed without an answer (${code})`
            : `connection reset (${code}${detail === 'aborted' ? ' during the answer' : ''})`,
      };
    case 'ETIMEDOUT':
      return { kind: 'timeout', code, message: `connection timed out (${code})` };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NONAME':
      return { kind: 'dns', code, message: `dns lookup failed for ${err.hostname ?? 'host'} (${code})` };
  }
  if (code && TLS_CODE.test(code)) return { kind: 'tls', code, message: `tls ${code}: ${detail}` };
  if (code === 'ABORT_ERR') return { kind: 'aborted', code, message: 'aborted' };
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

const socketCertificates = new WeakMap<object, CertificateInfo | null>();

/** The peer certificate of a TLS socket, read once per connection. */
function certificateOf(socket: unknown): CertificateInfo | undefined {
  const tls = socket as TLSSocket | null;
  if (!tls?.encrypted) return undefined;
  let info = socketCertificates.get(tls);
  if (info === undefined) {
    info = certificateInfo(tls.getPeerCertificate()) ?? null;
    socketCertificates.set(tls, info);
  }
  return info ?? undefined;
}

function hostOf(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
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
    const socket = tlsConnect({
      host,
      port: Number(parsed.port || 443),
      servername: isIP(host) ? undefined : host,
      rejectUnauthorized: false,
    });
    const done = (info: CertificateInfo | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(info);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    socket.once('secureConnect', () => done(certificateInfo(socket.getPeerCertificate())));
    socket.once('error', () => done(undefined));
  });
}

export class HttpClient {
  private readonly agents = new Map<string, HttpAgent>();
  private readonly prepared = new WeakMap<RequestSpec, Prepared>();
  /** In-flight requests and how to end each one, for `destroy()`. */
  private readonly inFlight = new Map<ClientRequest, (error: ProbeError) => void>();
  private readonly maxBodyBytes: number;
  private destroyed: ProbeError | undefined;

  constructor(private readonly options: HttpClientOptions) {
    this.maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  }

  /** Requests in flight now. */
  get active(): number {
    return this.inFlight.size;
  }

  /** Sends one request (following redirects when asked). Never rejects: failures come back as `error`. */
  request(spec: RequestSpec, options: RequestOptions = {}): Promise<ProbeResult> {
    if (this.destroyed) return Promise.resolve({ latencyUs: 0, error: this.destroyed });
    let prepared: Prepared;
    try {
      prepared = this.prepare(spec);
    } catch (error) {
      return Promise.resolve({ latencyUs: 0, error: { kind: 'network', message: (error as Error).message } });
    }
    const keepBody = options.keepBody ?? true;
    const signal = options.signal;
    if (signal?.aborted) return Promise.resolve({ latencyUs: 0, error: { kind: 'aborted', message: 'aborted' } });

    return new Promise<ProbeResult>((resolve) => {
      const start = process.hrtime.bigint();
      let current: ClientRequest | undefined;
      let settled = false;
      let certificate: CertificateInfo | undefined;
      const visited = [prepared.url.href];

      const finish = (answer: ProbeAnswer | undefined, error: ProbeError | undefined) => {
        if (settled) return;
        settled = true;
        const latencyUs = Number(process.hrtime.bigint() - start) / 1000;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (current) this.inFlight.delete(current);
        resolve({ latencyUs, answer, error, certificate });
      };
      const fail = (error: ProbeError) => {
        if (settled) return;
        current?.destroy();
        finish(undefined, error);
      };
      const onAbort = () => fail({ kind: 'aborted', message: 'aborted' });
      const timer = setTimeout(
        () => fail({ kind: 'timeout', message: `no complete answer within ${spec.timeoutMs} ms` }),
        spec.timeoutMs,
      );
      signal?.addEventListener('abort', onAbort, { once: true });

      const send = (url: URL, method: string, headers: OutgoingHttpHeaders, body: Buffer | undefined, hops: number) => {
        const https = url.protocol === 'https:';
        const req = (https ? httpsRequest : httpRequest)(
          {
            agent: this.agentFor(url, spec.tls),
            hostname: hostOf(url),
            port: url.port || (https ? 443 : 80),
            path: url.pathname + url.search,
            method,
            headers,
          },
          (res: IncomingMessage) => {
            if (settled) return void res.resume();
            if (https) certificate = certificateOf(res.socket);
            const status = res.statusCode ?? 0;
            const location = res.headers.location;
            if (spec.followRedirects && location && REDIRECTS.has(status)) {
              res.resume();
              this.inFlight.delete(req);
              const next = this.redirect(url, location, hops, spec.maxRedirects, visited);
              if ('kind' in next) return fail(next);
              const toGet = status === 303 || ((status === 301 || status === 302) && method === 'POST');
              const nextHeaders = { ...headers };
              if (toGet) {
                delete nextHeaders['content-length'];
                delete nextHeaders['content-type'];
              }
              if (next.origin !== url.origin) {
                delete nextHeaders.authorization;
                delete nextHeaders.cookie;
              }
              return send(next, toGet ? 'GET' : method, nextHeaders, toGet ? undefined : body, hops + 1);
            }
            const chunks: Buffer[] = [];
            let kept = 0;
            let truncated = false;
            if (keepBody) {
              res.on('data', (chunk: Buffer) => {
                if (kept >= this.maxBodyBytes) {
                  truncated = true;
                  return;
                }
                const room = this.maxBodyBytes - kept;
                if (chunk.length > room) {
                  truncated = true;
                  chunk = chunk.subarray(0, room);
                }
                chunks.push(chunk);
                kept += chunk.length;
              });
            } else {
              res.resume();
            }
            res.on('end', () =>
              finish(
                {
                  status,
                  headers: res.headers,
                  body: chunks.length === 0 ? '' : Buffer.concat(chunks, kept).toString('utf8'),
                  bodyTruncated: truncated,
                  url: hops === 0 ? redactUrl(spec.url) : redactUrl(url.href),
                  redirects: hops,
                },
                undefined,
              ),
            );
            res.on('error', (error) => fail(classifyError(error)));
          },
        );
        current = req;
        this.inFlight.set(req, fail);
        req.on('error', (error) => fail(classifyError(error)));
        req.end(body);
      };

      send(prepared.url, prepared.method, prepared.headers, prepared.body, 0);
    });
  }

  /** Ends every request in flight (they resolve with an `aborted` error) and closes all connections. */
  destroy(message = 'aborted'): void {
    this.destroyed ??= { kind: 'aborted', message };
    for (const end of [...this.inFlight.values()]) end(this.destroyed);
    this.inFlight.clear();
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }

  /** Closes idle keep-alive connections; the client stays usable. */
  close(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }

  private redirect(
    from: URL,
    location: string,
    hops: number,
    maxRedirects: number,
    visited: string[],
  ): URL | ProbeError {
    let next: URL;
    try {
      next = new URL(location, from);
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
      return { kind: 'redirect', message: `more than ${maxRedirects} redirects (next: ${redactUrl(next.href)})` };
    }
    visited.push(next.href);
    return next;
  }

  private prepare(spec: RequestSpec): Prepared {
    let prepared = this.prepared.get(spec);
    if (prepared) return prepared;
    const url = new URL(spec.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new Error(`unsupported protocol ${url.protocol} in ${redactUrl(spec.url)}`);
    }
    const headers: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(spec.headers)) headers[name.toLowerCase()] = value;
    headers['user-agent'] ??= USER_AGENT;
    if (url.username || url.password) {
      const user = decodeURIComponent(url.username);
      const password = decodeURIComponent(url.password);
      headers.authorization ??= `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
      url.username = '';
      url.password = '';
    }
    const body = spec.body === undefined ? undefined : Buffer.from(spec.body);
    if (body) headers['content-length'] = body.length;
    prepared = { url, method: spec.method.toUpperCase(), headers, body };
    this.prepared.set(spec, prepared);
    return prepared;
  }

  private agentFor(url: URL, tls: TlsSettings): HttpAgent {
    const https = url.protocol === 'https:';
    const key = https ? `${url.origin} ${tls.insecure ? 1 : 0} ${tls.ca ?? ''}` : url.origin;
    let agent = this.agents.get(key);
    if (!agent) {
      const common = {
        keepAlive: true,
        maxSockets: this.options.maxSockets,
        maxFreeSockets: this.options.maxSockets,
        timeout: this.options.idleSocketMs ?? 4000,
      };
      agent = https
        ? new HttpsAgent({
            ...common,
            rejectUnauthorized: !tls.insecure,
            // `ca` replaces the default roots, so extra CAs are added to them.
            ca: tls.ca ? [...rootCertificates, tls.ca] : undefined,
          })
        : new HttpAgent(common);
      this.agents.set(key, agent);
    }
    return agent;
  }
}
