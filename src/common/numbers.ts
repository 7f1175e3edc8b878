// Numbers users write in inputs and config files: percentages or fractions, whole numbers within bounds.
import { rejectValue } from './input-error.js';

/** A decimal number without sign or exponent (`12`, `1.5`, `.5`); shared with the duration pattern. */
export const NUMBER = String.raw`(?:\d+(?:\.\d+)?|\.\d+)`;

/** `5%`, `0.1%`, or a fraction `0.05`. Shared with the checks schema. */
export const PERCENT_PATTERN = String.raw`^\s*(?:${NUMBER}\s*%|${NUMBER})\s*$`;
const PERCENT_EXPECTED = 'a percentage like 5% or a fraction like 0.05';

/** A fraction 0..1 from `5%`, `0.1%` (0.001), `100%`, or a bare fraction `0.05` (a bare number must be ≤ 1). */
export function parsePercentOrFraction(label: string, text: string): number {
  const value = text.trim();
  if (/^-/.test(value)) rejectValue(label, PERCENT_EXPECTED, text, 'it cannot be negative');
  if (!new RegExp(PERCENT_PATTERN).test(value)) rejectValue(label, PERCENT_EXPECTED, text);
  if (value.endsWith('%')) {
    const percent = Number(value.slice(0, -1).trim());
    if (percent > 100) rejectValue(label, PERCENT_EXPECTED, text, 'at most 100%');
    return Number((percent / 100).toPrecision(12));
  }
  const fraction = Number(value);
  if (fraction > 1)
    rejectValue(
      label,
      PERCENT_EXPECTED,
      text,
      `a bare number is a fraction from 0 to 1; write ${value}% for a percentage`,
    );
  return fraction;
}

export interface IntBounds {
  /** Default 1. */
  min?: number;
  max?: number;
}

/** A whole number within bounds (min defaults to 1): `10`, not `10.5`, `1e3` or `ten`. */
export function parsePositiveInt(label: string, text: string, bounds: IntBounds = {}): number {
  const min = bounds.min ?? 1;
  const max = bounds.max;
  const expected =
    max === undefined ? `a whole number of at least ${min}` : `a whole number from ${min} to ${max}`;
  const value = text.trim();
  if (!/^\+?\d+$/.test(value)) rejectValue(label, expected, text);
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min || (max !== undefined && n > max))
    rejectValue(label, expected, text);
  return n;
}
