// Where a rollout writes what it does: core on GitHub, the console in the CLI, an array under test.

export interface RolloutLog {
  info(message: string): void;
  warning(message: string): void;
  /** Logs of one step together (core.group on GitHub). */
  group?<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

export const silentLog: RolloutLog = { info() {}, warning() {} };

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
