// The one door to @actions/core. Its package entry (lib/core.js) imports @actions/http-client and undici
// for OIDC tokens, which no deploy-kit action needs and which doubles a step's start-up time (~50 ms).
// So we load the four lean modules that do the real work (workflow command escaping, file commands,
// the job summary) and keep the familiar API on top of them.

import { issue, issueCommand } from '../../../node_modules/@actions/core/lib/command.js';
import type { AnnotationProperties } from '../../../node_modules/@actions/core/lib/core.js';
import {
  issueFileCommand,
  prepareKeyValueMessage,
} from '../../../node_modules/@actions/core/lib/file-command.js';
import { summary } from '../../../node_modules/@actions/core/lib/summary.js';
import { toCommandProperties, toCommandValue } from '../../../node_modules/@actions/core/lib/utils.js';

export type { AnnotationProperties };
export { summary };

/** The variable the runner sets for an input: upper-cased, spaces to `_`, hyphens kept. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/** The raw input, trimmed; '' when unset. Validation is the caller's (inputs.ts). */
export function getInput(name: string): string {
  return (process.env[inputVariable(name)] ?? '').trim();
}

export function setOutput(name: string, value: unknown): void {
  if (process.env.GITHUB_OUTPUT) {
    issueFileCommand('OUTPUT', prepareKeyValueMessage(name, value));
    return;
  }
  issueCommand('set-output', { name }, toCommandValue(value));
}

export function saveState(name: string, value: unknown): void {
  if (process.env.GITHUB_STATE) {
    issueFileCommand('STATE', prepareKeyValueMessage(name, value));
    return;
  }
  issueCommand('save-state', { name }, toCommandValue(value));
}

export function getState(name: string): string {
  return process.env[`STATE_${name}`] ?? '';
}

/** Masks a value in every later log line; call it the moment a secret is read. */
export function setSecret(secret: string): void {
  if (secret) issueCommand('add-mask', {}, secret);
}

export function debug(message: string): void {
  issueCommand('debug', {}, message);
}

export function info(message: string): void {
  process.stdout.write(`${message}\n`);
}

export function notice(message: string, properties: AnnotationProperties = {}): void {
  issueCommand('notice', toCommandProperties(properties), message);
}

export function warning(message: string, properties: AnnotationProperties = {}): void {
  issueCommand('warning', toCommandProperties(properties), message);
}

export function error(message: string, properties: AnnotationProperties = {}): void {
  issueCommand('error', toCommandProperties(properties), message);
}

export function startGroup(name: string): void {
  issue('group', name);
}

export function endGroup(): void {
  issue('endgroup');
}

export async function group<T>(name: string, fn: () => Promise<T>): Promise<T> {
  startGroup(name);
  try {
    return await fn();
  } finally {
    endGroup();
  }
}

export function setFailed(message: string): void {
  process.exitCode = 1;
  error(message);
}
