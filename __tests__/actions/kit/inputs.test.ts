// The input reader's masking: what it reads as a secret is masked before anything can print it.
import { mkdirSync, mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InputReader } from '../../../src/actions/kit/inputs.js';

const reader = (inputs: Record<string, string>) => new InputReader((name) => inputs[name] ?? '');

describe('InputReader masking', () => {
  let written: string[];
  beforeEach(() => {
    written = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
  });
  afterEach(() => vi.restoreAllMocks());
  const masks = () => written.filter((line) => line.startsWith('::add-mask::')).map((line) => line.trim());

  it("url masks a URL's password and its Basic credentials as it is read, and returns the URL as given", () => {
    const url = 'https://ops:s3cr%40t@control.example.com/canary';
    expect(reader({ 'control-url': url }).url('control-url')).toBe(url);
    expect(masks()).toContain('::add-mask::s3cr@t');
    expect(masks()).toContain(`::add-mask::${Buffer.from('ops:s3cr@t').toString('base64')}`);
  });

  it('url masks nothing in a URL without credentials, and reads an empty input as undefined', () => {
    expect(reader({ url: 'https://app.example.com/' }).url('url')).toBe('https://app.example.com/');
    expect(reader({}).url('url')).toBeUndefined();
    expect(masks()).toEqual([]);
  });

  it('headers masks every value that could carry a token', () => {
    reader({ h: 'Authorization: Bearer t0ken\nAccept: application/json' }).headers('h');
    expect(masks()).toContain('::add-mask::Bearer t0ken');
  });

  it('url masks sensitive query values as it is read, and leaves plain ones alone', () => {
    reader({ url: 'https://h/x?page=22222&access_token=tok-abc%2B1&X-Amz-Signature=f00dcafe' }).url('url');
    expect(masks()).toEqual(
      // The workflow command escapes % as %25.
      expect.arrayContaining(['::add-mask::tok-abc%252B1', '::add-mask::tok-abc+1', '::add-mask::f00dcafe']),
    );
    expect(masks()).not.toContain('::add-mask::22222');
  });

  it('recordedUrl masks the secrets and returns the URL without them, for records and outputs', () => {
    const url = 'https://deployer:pa55word@app.example.com/home?token=t0ken-1&lang=en';
    expect(reader({ url }).recordedUrl('url')).toBe('https://app.example.com/home?token=***&lang=en');
    expect(masks()).toEqual(expect.arrayContaining(['::add-mask::pa55word', '::add-mask::t0ken-1']));
    expect(reader({}).recordedUrl('url')).toBeUndefined();
    expect(() => reader({ url: 'ftp://u:pa55word@h/' }).recordedUrl('url')).toThrow(/'url' must be an http/);
  });
});

describe('InputReader durations', () => {
  it('refuses zero, negative and too long durations with the accepted range', () => {
    const range = { min: 1, max: 3_600_000 };
    expect(reader({ t: '250ms' }).duration('t', range)).toBe(250);
    expect(reader({}).duration('t', range)).toBeUndefined();
    expect(() => reader({ t: '0s' }).duration('t', range)).toThrow(
      "'t' must be a duration from 1 ms to 1 h, got '0s'",
    );
    expect(() => reader({ t: '-5s' }).duration('t', range)).toThrow(/cannot be negative/);
    expect(() => reader({ t: '2h' }).duration('t', range)).toThrow(
      "'t' must be a duration from 1 ms to 1 h, got '2h'",
    );
  });
});

describe('InputReader paths', () => {
  const workspace = realpathSync(mkdtempSync(join(tmpdir(), 'reader-paths-')));
  mkdirSync(join(workspace, 'app'));
  const roots = { workspace };

  it('path resolves inside the workspace, and refuses one that leads out, naming the input', () => {
    expect(reader({ 'report-path': 'out/r.json' }).path('report-path', roots)).toBe(
      join(workspace, 'out/r.json'),
    );
    expect(reader({}).path('report-path', roots)).toBeUndefined();
    expect(reader({ 'control-file': 'ctl' }).path('control-file', roots, join(workspace, 'app'))).toBe(
      join(workspace, 'app/ctl'),
    );
    expect(() => reader({ 'junit-path': '../../x.xml' }).path('junit-path', roots)).toThrow(
      `'junit-path' must be a path inside the workspace (${workspace}), got '../../x.xml', which resolves to '${join(workspace, '../../x.xml')}'`,
    );
  });

  it('folder is an existing folder inside the workspace, the workspace itself when unset', () => {
    expect(reader({}).folder('working-directory', roots)).toBe(workspace);
    expect(reader({ 'working-directory': 'app' }).folder('working-directory', roots)).toBe(
      join(workspace, 'app'),
    );
    expect(() => reader({ 'working-directory': 'nope' }).folder('working-directory', roots)).toThrow(
      `'working-directory' must be an existing folder, got '${join(workspace, 'nope')}'`,
    );
    expect(() => reader({ 'working-directory': '../../../etc' }).folder('working-directory', roots)).toThrow(
      /'working-directory' must be a path inside the workspace .*, got '..\/..\/..\/etc', which resolves to '\/etc'/,
    );
  });
});
