// Which ledger a `ledger` input or `--ledger` flag names, read alike by the actions and the CLI: `github`,
// `file:<path>`, or unset (GitHub when a token is there, else the default file).
import { InputError, quote } from '../common/input-error.js';

export const DEFAULT_FILE_LEDGER = '.deploy-kit/ledger.json';

/** The path as written; where it is resolved from (the workspace, the current directory) is the caller's. */
export type LedgerChoice = { kind: 'github' } | { kind: 'file'; path: string };

export function chooseLedger(label: string, text: string | undefined, hasToken: boolean): LedgerChoice {
  if (text === undefined) return hasToken ? { kind: 'github' } : { kind: 'file', path: DEFAULT_FILE_LEDGER };
  if (text === 'github') return { kind: 'github' };
  if (text.startsWith('file:') && text.length > 'file:'.length) return { kind: 'file', path: text.slice(5) };
  throw new InputError(label, `'${label}' must be github or file:<path>, got ${quote(text)}`);
}
