// The `ledger` input as the actions read it: the choice, a file kept inside the workspace, GitHub's token.
import { mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { historyLedger, parseLedgerSpec } from '../../../src/actions/kit/ledger.js';

const workspace = realpathSync(mkdtempSync(join(tmpdir(), 'kit-ledger-')));
const roots = { workspace };

describe('parseLedgerSpec', () => {
  it('takes GitHub with a token, else the default file in the workspace', () => {
    expect(parseLedgerSpec('ledger', undefined, 'ghs_x', roots)).toEqual({ kind: 'github' });
    expect(parseLedgerSpec('ledger', undefined, undefined, roots)).toEqual({
      kind: 'file',
      path: join(workspace, '.deploy-kit/ledger.json'),
    });
  });

  it('refuses a file outside the workspace, naming the input', () => {
    expect(() => parseLedgerSpec('ledger', 'file:../elsewhere.json', undefined, roots)).toThrow(
      /^'ledger' must be a path inside the workspace/,
    );
  });

  it('refuses ledger: github without a token with the other inputs, unless the ledger may go unused', () => {
    expect(() => parseLedgerSpec('ledger', 'github', undefined, roots)).toThrow(
      "'token' is needed for ledger: github (or use ledger: file:<path>)",
    );
    expect(parseLedgerSpec('ledger', 'github', undefined, roots, { used: false })).toEqual({
      kind: 'github',
    });
  });

  it('makes a missing file an error for a reader of history', () => {
    const spec = parseLedgerSpec('ledger', 'file:l.json', undefined, roots);
    expect(historyLedger(spec)).toEqual({ kind: 'file', path: join(workspace, 'l.json'), mustExist: true });
    expect(historyLedger({ kind: 'github' })).toEqual({ kind: 'github' });
  });
});
