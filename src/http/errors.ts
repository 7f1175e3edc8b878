// Failures sorted into kinds (refused, reset, timeout, dns, tls, ...) with a one-line message, so a caller
// can decide what is worth retrying and a report can say what happened without a stack trace.
import type { ProbeError, ProbeResult } from './types.js';

const TLS_CODE =
  /^(ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_|INVALID_CA|EPROTO$)/;

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

/** `connection refused (ECONNREFUSED)`, `status 503`. */
export function describeResult(result: ProbeResult): string {
  if (result.error) return result.error.message;
  return `status ${result.answer?.status ?? 0}`;
}
