// Header names and values: what can be sent, and `Name: value` lines from an input into a record.
import { describe, InputError, quote } from '../common/input-error.js';

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Characters that cannot appear in a header value (tab is allowed). */
const HEADER_VALUE_FORBIDDEN = /[\x00-\x08\x0a-\x1f\x7f]/;

/** Whether `name` is a valid HTTP header name (an RFC 9110 token). */
export function isHeaderName(name: string): boolean {
  return HEADER_NAME.test(name);
}

/** Whether `value` can be sent as a header value (no line breaks or control characters). */
export function isHeaderValue(value: string): boolean {
  return !HEADER_VALUE_FORBIDDEN.test(value);
}

/**
 * Why headers given to a client cannot be sent, or undefined when they can. It names the header, never its
 * value: the value may be a token.
 */
export function headersProblem(headers: Record<string, string> | undefined): string | undefined {
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!isHeaderName(name)) return `header name '${name}' is not a valid HTTP header name`;
    if (!isHeaderValue(value)) return `the value of header '${name}' has a line break or control character`;
  }
  return undefined;
}

/**
 * `Name: value` lines into a record; empty and `#` comment lines are skipped; a repeated name (in any case)
 * is joined with `, ` as HTTP does. Errors name the line number but never echo a value (it may be a token).
 */
export function parseHeaderLines(label: string, text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const where = `line ${index + 1}`;
    const colon = line.indexOf(':');
    if (colon <= 0) {
      throw new InputError(label, describe(label, `${where} must be 'Name: value' (no 'Name:' found)`));
    }
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (!isHeaderName(name)) {
      throw new InputError(
        label,
        describe(label, `${where}: ${quote(name)} is not a valid header name (letters, digits and - only)`),
      );
    }
    if (!isHeaderValue(value)) {
      throw new InputError(
        label,
        describe(label, `${where}: the value of ${name} contains control characters`),
      );
    }
    const existing = Object.keys(headers).find((key) => key.toLowerCase() === name.toLowerCase());
    if (existing === undefined) headers[name] = value;
    else headers[existing] = `${headers[existing]}, ${value}`;
  });
  return headers;
}
