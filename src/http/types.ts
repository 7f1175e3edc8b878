// What a request is and what comes back: the request (RequestSpec, its TLS settings), the client's options,
// and the result — an answer or an error sorted into a kind, the time it took, the peer certificate.
// Pure data; the probe's checks, the metrics providers, the routers and the canary control calls share it.
import type { IncomingHttpHeaders } from 'node:http';

export interface TlsSettings {
  /** Fail when the server certificate expires within this many days. */
  minValidDays?: number;
  /** Accept self-signed or otherwise untrusted certificates (the expiry is still checked). */
  insecure: boolean;
  /** Extra CA certificates (PEM) to trust. */
  ca?: string;
}

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
