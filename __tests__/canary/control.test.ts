import { describe, expect, it } from 'vitest';
import { ControlError, parseControl } from '../../src/canary/control.js';

describe('parseControl', () => {
  it('reads the first word as the command, any case, and the rest as the reason', () => {
    expect(parseControl('pause')).toEqual({ command: 'pause' });
    expect(parseControl('  ABORT  p99 doubled in eu-west\n')).toEqual({
      command: 'abort',
      reason: 'p99 doubled in eu-west',
    });
    expect(parseControl('Promote hotfix')).toEqual({ command: 'promote', reason: 'hotfix' });
    expect(parseControl('continue')).toEqual({ command: 'continue' });
  });

  it('takes resume for continue, and empty text for no command', () => {
    expect(parseControl('resume now')).toEqual({ command: 'continue', reason: 'now' });
    expect(parseControl('')).toBeUndefined();
    expect(parseControl(' \n\t ')).toBeUndefined();
  });

  it('refuses anything else, naming the word and the commands', () => {
    expect(() => parseControl('paws')).toThrow(
      new ControlError("'paws' is not a command: expected one of continue, resume, pause, abort, promote"),
    );
    expect(() => parseControl(`${'x'.repeat(100)} y`)).toThrow(`'${'x'.repeat(37)}...' is not a command`);
  });

  it('keeps a reason to one line of at most 200 characters', () => {
    const reading = parseControl(`abort ${'a'.repeat(300)}`);
    expect(reading?.reason).toHaveLength(200);
    expect(reading?.reason?.endsWith('...')).toBe(true);
    expect(parseControl('pause line one\nline two')?.reason).toBe('line one line two');
    expect(parseControl('pause a\u0007b')?.reason).toBe('a b');
  });
});
