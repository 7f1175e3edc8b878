// The release engine: conventional commits → next version and release notes, from git alone.
export {
  type AnalyzeOptions,
  type AnalyzeResult,
  type AnalyzeStats,
  analyzeRelease,
  ShallowHistoryError,
} from './analyze.js';
export {
  type Bump,
  bumpOf,
  type ParsedCommit,
  parseCommits,
  type ReleaseRule,
  releaseOf,
} from './commits.js';
export { GitError, type RawCommit, readCommits } from './git.js';
export { type NotesOptions, renderNotes } from './notes.js';
export {
  DEFAULT_INITIAL_VERSION,
  type NextVersionInput,
  type NextVersionResult,
  nextVersion,
} from './version.js';
