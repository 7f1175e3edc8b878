// The input reader's masking: what it reads as a secret is masked before anything can print it.
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
});
