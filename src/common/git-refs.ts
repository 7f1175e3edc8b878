// What a person may pass as a git ref, checked before git sees it: never an option, never a range.

export const FULL_SHA = /^[0-9a-f]{40}$/;

/** Refs a person can write: git's own rules, simplified, and never starting with '-'. */
export function isPlausibleRef(ref: string): boolean {
  return (
    /^[A-Za-z0-9._/@{}^~-]+$/.test(ref) &&
    !ref.startsWith('-') &&
    !ref.includes('..') &&
    !ref.endsWith('.lock') &&
    ref.length <= 255
  );
}
