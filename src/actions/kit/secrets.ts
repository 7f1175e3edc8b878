// What counts as secret in what users hand us, masked the moment it is read.
import { urlSecrets } from '../../http/safe-url.js';
import * as core from './core.js';

/** Headers whose values describe content, not identity; masking them would blank ordinary words in logs. */
const PLAIN_HEADERS = new Set([
  'accept',
  'accept-encoding',
  'accept-language',
  'cache-control',
  'content-type',
  'user-agent',
]);

/** A secret an engine learns at run time (an issued access token), hidden from the log from now on. */
export function maskSecret(secret: string): void {
  core.setSecret(secret);
}

export function maskHeaderValues(headers: Record<string, string>): void {
  for (const [name, value] of Object.entries(headers)) {
    if (!PLAIN_HEADERS.has(name.toLowerCase())) core.setSecret(value);
  }
}

/**
 * Masks what a URL carries that is secret: the password (or lone token) of `https://user:pass@host`, the
 * Basic credentials it becomes, and the values of sensitive query parameters (`?access_token=…`, `sig=…`;
 * the list is SENSITIVE_QUERY_PARAMETERS in http/safe-url.ts).
 */
export function maskUrlCredentials(url: string): void {
  for (const secret of urlSecrets(url)) core.setSecret(secret);
}
