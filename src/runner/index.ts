export { type Annotation, applyMasks, parseKeyValueFile, parseLog } from './commands.js';
export { type ActionManifest, type ManifestInput, readManifest } from './manifest.js';
export {
  type ActionRun,
  type GitHubContext,
  type RunActionOptions,
  runAction,
  type StepResult,
} from './runner.js';
