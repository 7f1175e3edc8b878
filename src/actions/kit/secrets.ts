// What counts as secret in what users hand us, masked the moment it is read.
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

export function maskHeaderValues(headers: Record<string, string>): void {
  for (const [name, value] of Object.entries(headers)) {
    if (!PLAIN_HEADERS.has(name.toLowerCase())) core.setSecret(value);
  }
}

/** Masks the password of `https://user:pass@host` and the Basic credentials it becomes. */
export function maskUrlCredentials(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return;
  }
  if (!parsed.username && !parsed.password) return;
  const user = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  if (password) {
    core.setSecret(password);
    core.setSecret(parsed.password);
  }
  core.setSecret(Buffer.from(`${user}:${password}`).toString('base64'));
}
