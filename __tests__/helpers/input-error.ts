// Asserting on the InputError a parser throws: the input it names and its message.
import { expect } from 'vitest';
import { InputError } from '../../src/common/input-error.js';

/** The error a call throws, asserting it is an InputError for `input`. */
export function errorOf(fn: () => unknown, input: string): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    expect(error).toBeInstanceOf(Error);
    expect((error as InputError).input).toBe(input);
    expect((error as InputError).name).toBe('InputError');
    return (error as Error).message;
  }
  throw new Error('expected an InputError, got none');
}
