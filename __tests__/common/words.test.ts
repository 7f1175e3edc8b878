import { describe, expect, it } from 'vitest';
import { parseBoolean, parseEnum, parseLines } from '../../src/common/words.js';
import { errorOf } from '../helpers/input-error.js';

describe('parseBoolean', () => {
  it('accepts the values getBooleanInput accepts', () => {
    for (const t of ['true', 'True', 'TRUE', ' true ']) expect(parseBoolean('insecure', t)).toBe(true);
    for (const f of ['false', 'False', 'FALSE']) expect(parseBoolean('insecure', f)).toBe(false);
  });

  it.each(['yes', 'no', 'on', 'off', '1', 'tRUE', ''])('refuses %j, naming the allowed values', (text) => {
    expect(errorOf(() => parseBoolean('insecure', text), 'insecure')).toBe(
      `'insecure' must be true or false (also True, TRUE, False, FALSE), got ${text === '' ? 'an empty value' : `'${text}'`}`,
    );
  });
});

describe('parseEnum', () => {
  const routers = ['command', 'nginx', 'http', 'gateway-api'] as const;

  it('returns the allowed spelling, matching case-insensitively when unambiguous', () => {
    expect(parseEnum('router', 'nginx', routers)).toBe('nginx');
    expect(parseEnum('router', ' NGINX ', routers)).toBe('nginx');
    expect(parseEnum('method', 'get', ['GET', 'POST'])).toBe('GET');
  });

  it('lists the allowed values when refusing', () => {
    expect(errorOf(() => parseEnum('router', 'ngnix', routers), 'router')).toBe(
      "'router' must be one of command, nginx, http, gateway-api, got 'ngnix'",
    );
  });

  it('refuses a case-insensitive match that is ambiguous', () => {
    expect(parseEnum('x', 'a', ['a', 'A'])).toBe('a');
    expect(errorOf(() => parseEnum('x', 'Ab', ['ab', 'AB']), 'x')).toBe(
      "'x' must be one of ab, AB, got 'Ab'",
    );
  });
});

describe('parseLines', () => {
  it('splits on newlines, trims, drops empty and comment lines', () => {
    expect(parseLines(' https://a/\r\n\n# staging\n  https://b/  \n   \n#x')).toEqual([
      'https://a/',
      'https://b/',
    ]);
    expect(parseLines('')).toEqual([]);
    expect(parseLines('a,b')).toEqual(['a,b']);
  });
});
