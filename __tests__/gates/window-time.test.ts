// The times and time zones of freeze windows as written in the gates (through the config: config.test.ts).
import { describe, expect, it } from 'vitest';
import { canonicalTimeZone, parseWindowTime } from '../../src/gates/window-time.js';

describe('window times', () => {
  it('reads a weekday in full and a one-digit hour; a date as an end is the whole day', () => {
    expect(parseWindowTime('x', 'friday 8:30')).toEqual({ kind: 'weekly', day: 5, minutes: 510 });
    expect(parseWindowTime('x', '2026-12-31', 'end')).toEqual({ kind: 'date', wall: '2027-01-01T00:00' });
    expect(parseWindowTime('x', '2026-12-31')).toEqual({ kind: 'date', wall: '2026-12-31T00:00' });
    expect(() => parseWindowTime('freeze[0].from', 'Fry 16:00')).toThrow(/'Fry' is not a weekday/);
  });

  it('spells a time zone as Intl knows it, and knows none it does not', () => {
    expect(canonicalTimeZone('america/new_york')).toBe('America/New_York');
    expect(canonicalTimeZone('Mars/Olympus')).toBeUndefined();
  });
});
