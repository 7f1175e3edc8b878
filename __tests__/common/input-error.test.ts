import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/common/input-error.js';

describe('InputError', () => {
  it('keeps the input and an optional source location', () => {
    const error = new InputError('checks', 'bad', { file: 'a.yml', line: 2, column: 3 });
    expect(error.message).toBe('bad');
    expect(error.input).toBe('checks');
    expect(error.location).toEqual({ file: 'a.yml', line: 2, column: 3 });
    expect(new InputError('x', 'y').location).toBeUndefined();
  });
});
