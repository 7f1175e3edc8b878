// The inputs deploy-env and the root action read alike.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readArtifactPath, readPayload } from '../../../src/actions/kit/deploy-inputs.js';
import { InputReader } from '../../../src/actions/kit/inputs.js';

const reader = (inputs: Record<string, string>) => new InputReader((name) => inputs[name] ?? '');

describe('deploy inputs', () => {
  const workspace = mkdtempSync(join(tmpdir(), 'deploy-inputs-'));

  it('payload is a JSON object or nothing', () => {
    expect(readPayload(reader({}))).toEqual({});
    expect(readPayload(reader({ payload: '{"image":"app:1"}' }))).toEqual({ image: 'app:1' });
    expect(() => readPayload(reader({ payload: '[1]' }))).toThrow(/'payload' must be a JSON object like/);
    expect(() => readPayload(reader({ payload: '{' }))).toThrow(
      /'payload' must be a JSON object, got invalid JSON/,
    );
  });

  it('artifact-path must exist in the workspace', () => {
    const roots = { workspace };
    expect(() => readArtifactPath(reader({ 'artifact-path': '/etc/hostname' }), roots)).toThrow(
      /'artifact-path' must be a path inside the workspace .*which resolves to '\/etc\/hostname'/,
    );
    expect(readArtifactPath(reader({}), roots)).toEqual({});
    expect(readArtifactPath(reader({ 'artifact-path': '.' }), roots)).toEqual({
      asGiven: '.',
      resolved: workspace,
    });
    expect(() => readArtifactPath(reader({ 'artifact-path': 'missing.tgz' }), roots)).toThrow(
      /'artifact-path' must name an existing file or folder, got 'missing.tgz'/,
    );
  });
});
