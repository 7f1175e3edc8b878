// Words users write in inputs: booleans, one of a list, line lists, GitHub environment names.
import { rejectValue } from './input-error.js';

const TRUE_WORDS = ['true', 'True', 'TRUE'];
const FALSE_WORDS = ['false', 'False', 'FALSE'];

/** The booleans @actions/core's getBooleanInput accepts (YAML 1.2 core schema): true|True|TRUE|false|False|FALSE. */
export function parseBoolean(label: string, text: string): boolean {
  const value = text.trim();
  if (TRUE_WORDS.includes(value)) return true;
  if (FALSE_WORDS.includes(value)) return false;
  return rejectValue(label, 'true or false (also True, TRUE, False, FALSE)', text);
}

/** One of `allowed`; an exact match first, else a case-insensitive one, returned as spelled in `allowed`. */
export function parseEnum<const T extends string>(label: string, text: string, allowed: readonly T[]): T {
  const value = text.trim();
  const exact = allowed.find((a) => a === value);
  if (exact !== undefined) return exact;
  const folded = allowed.filter((a) => a.toLowerCase() === value.toLowerCase());
  if (folded.length === 1) return folded[0] as T;
  return rejectValue(label, `one of ${allowed.join(', ')}`, text);
}

/** Newline-separated items, trimmed; empty lines and `#` comment lines are dropped. */
export function parseLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

const ENVIRONMENT_NAME = /^[^\x00-\x1f\x7f]{1,255}$/;

/** A GitHub environment name: 1 to 255 printable characters, no surrounding spaces. */
export function parseEnvironmentName(label: string, text: string): string {
  if (!ENVIRONMENT_NAME.test(text) || text.trim() !== text) {
    rejectValue(label, 'an environment name of 1 to 255 printable characters', text);
  }
  return text;
}
