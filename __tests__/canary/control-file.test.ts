import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ControlError } from '../../src/canary/control.js';
import { createFileControl } from '../../src/canary/control-file.js';

const signal = new AbortController().signal;
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'control-file-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('file control', () => {
  it('reads the command as the file says it now, each time', async () => {
    const path = join(dir, 'canary.txt');
    const control = createFileControl(path, 'ops/canary.txt');
    expect(control.describe).toBe('control-file ops/canary.txt');
    expect(await control.read(signal)).toBeUndefined();
    writeFileSync(path, 'pause waiting for the DB team\n');
    expect(await control.read(signal)).toEqual({ command: 'pause', reason: 'waiting for the DB team' });
    writeFileSync(path, '');
    expect(await control.read(signal)).toBeUndefined();
    writeFileSync(path, 'abort');
    expect(await control.read(signal)).toEqual({ command: 'abort' });
  });

  it('says why a file cannot be read or is not a command, without reading a large one whole', async () => {
    const path = join(dir, 'canary.txt');
    writeFileSync(path, 'stop');
    const control = createFileControl(path);
    await expect(control.read(signal)).rejects.toThrow(ControlError);
    await expect(control.read(signal)).rejects.toThrow("'stop' is not a command");
    writeFileSync(path, `pause ${'x'.repeat(100_000)}`);
    expect((await control.read(signal))?.reason).toHaveLength(200);
    const folder = createFileControl(dir, 'ops');
    await expect(folder.read(signal)).rejects.toThrow('cannot read ops: EISDIR');
    if (process.getuid?.() !== 0) {
      chmodSync(path, 0o000);
      await expect(control.read(signal)).rejects.toThrow('EACCES');
    }
  });
});
