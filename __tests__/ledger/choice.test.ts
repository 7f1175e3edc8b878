// Which ledger the `ledger` input or `--ledger` flag names, alike for the actions and the CLI.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/common/input-error.js';
import { chooseLedger, DEFAULT_FILE_LEDGER } from '../../src/ledger/choice.js';

describe('chooseLedger', () => {
  it('takes GitHub when a token is there and nothing is said, else the default file', () => {
    expect(chooseLedger('ledger', undefined, true)).toEqual({ kind: 'github' });
    expect(chooseLedger('ledger', undefined, false)).toEqual({ kind: 'file', path: DEFAULT_FILE_LEDGER });
    expect(DEFAULT_FILE_LEDGER).toBe('.deploy-kit/ledger.json');
  });

  it('takes github or file:<path> as written, the path unresolved', () => {
    expect(chooseLedger('ledger', 'github', false)).toEqual({ kind: 'github' });
    expect(chooseLedger('--ledger', 'file:../x.json', true)).toEqual({ kind: 'file', path: '../x.json' });
  });

  it('refuses anything else, naming the input and the forms it takes', () => {
    for (const text of ['sqlite', 'file:', 'GitHub']) {
      const error = (() => {
        try {
          chooseLedger('--ledger', text, true);
        } catch (caught) {
          return caught;
        }
      })();
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toBe(`'--ledger' must be github or file:<path>, got '${text}'`);
    }
  });
});
