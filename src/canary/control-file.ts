// Control from a file: the rollout reads it before every judgment. A missing or empty file means carry on.
// For self-hosted runners, the CLI and the demo, where someone (or a script) can write next to the job.
import { readFile } from 'node:fs/promises';
import { ControlError, type ControlReading, parseControl, type RolloutControl } from './control.js';

/** Larger than any command: a file this big is not one, and is not read whole. */
const MAX_BYTES = 4096;

export function createFileControl(path: string, shown = path): RolloutControl {
  return {
    describe: `control-file ${shown}`,
    async read(): Promise<ControlReading | undefined> {
      let text: string;
      try {
        const bytes = await readFile(path);
        text = bytes.subarray(0, MAX_BYTES).toString('utf8');
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return undefined;
        throw new ControlError(`cannot read ${shown}: ${code ?? (error as Error).message}`);
      }
      return parseControl(text);
    },
  };
}
