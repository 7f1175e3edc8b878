// Reads an action.yml the way the runner needs it: inputs with their literal defaults, outputs, runs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export interface ManifestInput {
  name: string;
  description: string;
  required: boolean;
  default?: string;
  deprecationMessage?: string;
}

export interface ActionManifest {
  name: string;
  description: string;
  inputs: ManifestInput[];
  outputs: { name: string; description: string }[];
  runs: { using: string; main: string; post?: string; postIf?: string };
  /** Folder holding action.yml; runs.main and runs.post are relative to it. */
  dir: string;
}

function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : String(value);
}

export function readManifest(dir: string): ActionManifest {
  const raw = (parse(readFileSync(join(dir, 'action.yml'), 'utf8')) ?? {}) as {
    name?: unknown;
    description?: unknown;
    inputs?: Record<string, Record<string, unknown>>;
    outputs?: Record<string, Record<string, unknown>>;
    runs?: Record<string, unknown>;
  };
  const inputs = Object.entries(raw.inputs ?? {}).map(([name, spec]) => ({
    name,
    description: text(spec?.description) ?? '',
    required: spec?.required === true || spec?.required === 'true',
    default: text(spec?.default),
    deprecationMessage: text(spec?.deprecationMessage),
  }));
  const outputs = Object.entries(raw.outputs ?? {}).map(([name, spec]) => ({
    name,
    description: text(spec?.description) ?? '',
  }));
  const runs: Record<string, unknown> = raw.runs ?? {};
  return {
    name: text(raw.name) ?? '',
    description: text(raw.description) ?? '',
    inputs,
    outputs,
    runs: {
      using: text(runs.using) ?? '',
      main: text(runs.main) ?? '',
      post: text(runs.post),
      postIf: text(runs['post-if']),
    },
    dir,
  };
}

/**
 * Evaluates the few expressions action defaults use (`${{ github.token }}`, `${{ github.sha }}`…) from the
 * given context, as the runner does; anything else becomes '' so a default never leaks `${{`.
 */
export function evaluateDefault(value: string, context: Record<string, string>): string {
  return value.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_, expression: string) => context[expression] ?? '');
}
