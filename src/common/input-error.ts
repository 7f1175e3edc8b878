// The error a user caused and can fix, and the wording every parser of inputs and config files shares.
//
// Every parser takes a `label` naming what is parsed, either an input (`latency-p95`) or a key path in a
// config file (`checks[0].timeout`), and throws an InputError that names it and the expected form:
//   'latency-p95' must be a duration like 200ms or 1.5s, got 'fast'
//   checks[0].timeout: must be a duration like 200ms or 1.5s, got 'fast'

/** Where in a config file a problem sits (1-based line and column); `file` is absent for inline text. */
export interface SourceLocation {
  file?: string;
  line: number;
  column: number;
}

/** An error the user caused and can fix: `input` is the input or key path at fault. */
export class InputError extends Error {
  override name = 'InputError';
  readonly input: string;
  readonly location?: SourceLocation;

  constructor(input: string, message: string, location?: SourceLocation) {
    super(message);
    this.input = input;
    if (location) this.location = location;
  }
}

/** A key path (`checks[0].timeout`) is followed by a colon; an input name is quoted (`'timeout' must ...`). */
export function isKeyPath(label: string): boolean {
  return /[.[]/.test(label);
}

/** `'<label>' <rest>` for an input, `<label>: <rest>` for a key path. */
export function describe(label: string, rest: string): string {
  return isKeyPath(label) ? `${label}: ${rest}` : `'${label}' ${rest}`;
}

/** A value quoted for an error message, shortened when long; an empty value is said so. */
export function quote(text: string): string {
  if (text === '') return 'an empty value';
  const oneLine = text.replace(/\r?\n/g, '\\n');
  return `'${oneLine.length > 80 ? `${oneLine.slice(0, 77)}...` : oneLine}'`;
}

/** Throws the InputError `<label> must be <expected>, got <text> (<hint>)`. */
export function rejectValue(label: string, expected: string, text: string, hint?: string): never {
  throw new InputError(
    label,
    describe(label, `must be ${expected}, got ${quote(text)}${hint ? ` (${hint})` : ''}`),
  );
}
