// TLS without cost for plain HTTP: node:tls loads on first use; the peer certificate as CertificateInfo,
// also from a server the client refused to trust, so the report can still say what it presented.
import { isIP } from 'node:net';
import type { PeerCertificate } from 'node:tls';
import { MAX_TIMER_MS } from './timing.js';
import type { CertificateInfo } from './types.js';
import { hostOf, portOf } from './url.js';

/** node:tls loads only when a check uses https: plain-http smoke tests start ~5 ms faster. */
export function nodeTls(): typeof import('node:tls') {
  return process.getBuiltinModule('node:tls');
}

/** The fields of a peer certificate a report shows; undefined when there is none. */
export function certificateInfo(cert: PeerCertificate | undefined): CertificateInfo | undefined {
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
