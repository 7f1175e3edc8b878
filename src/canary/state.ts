// The rollout's saved state: where a rollout of one canary version in one environment stands, saved after
// every change so a re-run (or the post step of a cancelled job) knows what traffic looks like and what
// was judged. Stores are small: in memory for tests, a JSON file for the CLI and the file ledger, and the
// Actions cache on GitHub (the action glue provides that store).
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { RolloutStatus, RolloutVerdict, StepReport } from './report.js';

export const STATE_SCHEMA = 1;

export interface RolloutState {
  schema: typeof STATE_SCHEMA;
  environment: string;
  baselineVersion: string;
  canaryVersion: string;
  status: RolloutStatus;
  /** The step being judged while running; where the rollout ended otherwise. */
  step: number;
  /** The canary's weight as last set through the router (in a dry run: never set, 0). */
  weight: number;
  /** Steps judged so far, in order: the passed ones, then the one that ended the rollout. */
  steps: StepReport[];
  /** Why it ended, once it has, and the verdict it ended with. */
  reason?: string;
  verdict?: RolloutVerdict;
  dryRun: boolean;
  /** `<run id>.<attempt>` of the run that saved it last. */
  run: string;
  startedAt: string;
  updatedAt: string;
}

export interface RolloutStateStore {
  /** Where states are kept, for the log and the summary. */
  readonly describe: string;
  load(key: string): Promise<RolloutState | undefined>;
  save(key: string, state: RolloutState): Promise<void>;
}

/** The key of a rollout: the environment and the canary version (a re-run of the same release finds it). */
export function stateKey(environment: string, canaryVersion: string): string {
  const safe = (text: string) => text.replace(/[^A-Za-z0-9._-]+/g, '-');
  return `canary-${safe(environment)}-${safe(canaryVersion)}`;
}

function isState(value: unknown): value is RolloutState {
  const state = value as Partial<RolloutState> | null;
  return (
    typeof state === 'object' &&
    state !== null &&
    state.schema === STATE_SCHEMA &&
    typeof state.status === 'string' &&
    typeof state.step === 'number' &&
    typeof state.weight === 'number' &&
    Array.isArray(state.steps)
  );
}

/** Parses a saved state; throws with `where` in the message when it is not one this version can read. */
export function parseState(text: string, where: string): RolloutState {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`canary state in ${where} is not JSON: ${(error as Error).message}`);
  }
  if (!isState(value))
    throw new Error(`canary state in ${where} is not a deploy-kit rollout state (schema ${STATE_SCHEMA})`);
  return value;
}

export class MemoryStateStore implements RolloutStateStore {
  readonly describe = 'memory';
  readonly states = new Map<string, RolloutState>();
  /** Every save, in order, as saved (for tests that check what was recorded when). */
  readonly saves: { key: string; state: RolloutState }[] = [];

  async load(key: string): Promise<RolloutState | undefined> {
    const state = this.states.get(key);
    return state ? structuredClone(state) : undefined;
  }

  async save(key: string, state: RolloutState): Promise<void> {
    const copy = structuredClone(state);
    this.states.set(key, copy);
    this.saves.push({ key, state: structuredClone(state) });
  }
}

interface StateFile {
  schema: typeof STATE_SCHEMA;
  rollouts: Record<string, RolloutState>;
}

/**
 * All rollouts in one JSON file (`{ schema, rollouts: { <key>: state } }`), written whole to a temporary
 * file and renamed, so a reader never sees half a file. Saves within a process are serialised.
 */
export class FileStateStore implements RolloutStateStore {
  readonly describe: string;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(readonly path: string) {
    this.describe = `file ${path}`;
  }

  async #read(): Promise<StateFile> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { schema: STATE_SCHEMA, rollouts: {} };
      throw error;
    }
    let file: StateFile;
    try {
      file = JSON.parse(text) as StateFile;
    } catch (error) {
      throw new Error(`canary state file ${this.path} is not JSON: ${(error as Error).message}`);
    }
    if (file?.schema !== STATE_SCHEMA || typeof file.rollouts !== 'object' || file.rollouts === null) {
      throw new Error(
        `canary state file ${this.path} is not a deploy-kit state file (schema ${STATE_SCHEMA})`,
      );
    }
    return file;
  }

  async load(key: string): Promise<RolloutState | undefined> {
    await this.#queue;
    const state = (await this.#read()).rollouts[key];
    if (state === undefined) return undefined;
    return parseState(JSON.stringify(state), `${this.path} (${key})`);
  }

  save(key: string, state: RolloutState): Promise<void> {
    const run = this.#queue.then(async () => {
      const file = await this.#read();
      file.rollouts[key] = state;
      await mkdir(dirname(this.path), { recursive: true });
      const temporary = `${this.path}.${process.pid}.tmp`;
      await writeFile(temporary, `${JSON.stringify(file, null, 2)}\n`);
      await rename(temporary, this.path);
    });
    this.#queue = run.catch(() => {});
    return run;
  }
}

/** The state of a rollout that starts now, at its first step, with no traffic on the canary. */
export function freshState(
  settings: Pick<RolloutState, 'environment' | 'baselineVersion' | 'canaryVersion' | 'dryRun'>,
  run: string,
  now: string,
): RolloutState {
  const { environment, baselineVersion, canaryVersion, dryRun } = settings;
  return {
    schema: STATE_SCHEMA,
    environment,
    baselineVersion,
    canaryVersion,
    status: 'running',
    step: 0,
    weight: 0,
    steps: [],
    dryRun,
    run,
    startedAt: now,
    updatedAt: now,
  };
}
