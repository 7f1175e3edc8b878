// The one way a URL is printed or written anywhere (log, annotation, summary, output, report, ledger record):
// credentials in its userinfo dropped, the values of sensitive query parameters replaced by ***. And the
// list of the secrets a URL carries, so an action can register them with the runner's masking as it reads it.

/**
 * Query parameters whose value is a credential, compared case-insensitively: OAuth and API tokens, signed
 * URLs (AWS SigV4, Azure SAS `sig`, Google `X-Goog-Signature`), passwords, keys and authorization codes.
 * A name that ends in one of the suffixes (`github_token`, `client-secret`, `app.key`) counts too.
 */
export const SENSITIVE_QUERY_PARAMETERS: readonly string[] = [
  'access_token',
  'refresh_token',
  'id_token',
  'token',
  'auth',
  'authorization',
  'sig',
  'signature',
  'x-amz-signature',
  'x-amz-credential',
  'x-amz-security-token',
  'x-goog-signature',
  'x-goog-credential',
  'password',
  'passwd',
  'pwd',
  'secret',
  'client_secret',
  'key',
  'api_key',
  'apikey',
  'api-key',
  'code',
  'jwt',
  'session',
  'sessionid',
];
const SENSITIVE_SUFFIXES = [
  'token',
  'secret',
  'password',
  'passwd',
  'signature',
  'key',
  'apikey',
  'credential',
];

/** Whether a query parameter named `name` carries a credential (see SENSITIVE_QUERY_PARAMETERS). */
export function isSensitiveQueryParameter(name: string): boolean {
  const lower = safeDecode(name).toLowerCase();
  if (SENSITIVE_QUERY_PARAMETERS.includes(lower)) return true;
  return SENSITIVE_SUFFIXES.some((suffix) => new RegExp(`[-_.]${suffix}$`).test(lower));
}

export const REDACTED = '***';

const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^@/?#\s]*@/gi;
/** `?name=value` or `&name=value` anywhere in a text (also in a path with a query but no scheme: `/a?token=x`). */
const QUERY_PAIR = /([?&;])([^=&#\s?;'"<>]+)=([^&#\s;'"<>]*)/g;

/**
 * `https://user:pass@host/x?token=abc&page=2` → `https://host/x?token=***&page=2`, wherever a URL (or a
 * path with a query) appears in the text; the rest unchanged. Use it for every URL that is shown or stored.
 */
export function redactUrl(text: string): string {
  return text
    .replace(USERINFO, '$1')
    .replace(QUERY_PAIR, (pair, separator: string, name: string, value: string) =>
      value !== '' && isSensitiveQueryParameter(name) ? `${separator}${name}=${REDACTED}` : pair,
    );
}

/**
 * The secrets a URL carries, in the forms they may travel in (as written, percent-decoded, and the Basic
 * credentials the userinfo becomes): for the runner's masking. Values shorter than 4 characters are left
 * out — masking `1` would blank every digit in the log; redactUrl still hides them wherever a URL is shown.
 */
export function urlSecrets(url: string): string[] {
  const found = new Set<string>();
  let parsed: URL | undefined;
  try {
    parsed = new URL(url.trim());
  } catch {
    parsed = undefined;
  }
  if (parsed && (parsed.username || parsed.password)) {
    const user = safeDecode(parsed.username);
    const password = safeDecode(parsed.password);
    // A lone userinfo (`https://TOKEN@host`) is a token too, as GitHub's own clone URLs use it.
    for (const value of password ? [parsed.password, password] : [parsed.username, user]) found.add(value);
    found.add(Buffer.from(`${user}:${password}`).toString('base64'));
  }
  for (const match of url.matchAll(QUERY_PAIR)) {
    const [, , name, value] = match as unknown as [string, string, string, string];
    if (value === '' || !isSensitiveQueryParameter(name)) continue;
    found.add(value);
    found.add(safeDecode(value.replace(/\+/g, ' ')));
    found.add(safeDecode(value));
  }
  return [...found].filter((value) => value.length >= 4);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
