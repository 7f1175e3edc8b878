import { describe, expect, it } from 'vitest';
import {
  escapePromQLString,
  fillTemplate,
  promDuration,
  templateValues,
  unknownPlaceholders,
} from '../../src/metrics/template.js';
import type { CollectRequest } from '../../src/metrics/types.js';

const request: CollectRequest = {
  step: 3,
  weight: 25,
  baselineVersion: 'v1.4.0',
  canaryVersion: 'v1.5.0-rc.1',
  windowMs: 30_000,
  signal: new AbortController().signal,
};

describe('metric templates', () => {
  it('gives each side its own version and weight, the window as a PromQL duration and the step', () => {
    expect(templateValues('canary', request)).toEqual({
      version: 'v1.5.0-rc.1',
      weight: '25',
      window: '30s',
      side: 'canary',
      step: '3',
    });
    expect(templateValues('baseline', request)).toEqual({
      version: 'v1.4.0',
      weight: '75',
      window: '30s',
      side: 'baseline',
      step: '3',
    });
    expect(templateValues('canary', request, 1500).window).toBe('1500ms');
  });

  it('writes windows as whole seconds when they are, milliseconds otherwise, never below 1 ms', () => {
    expect(promDuration(60_000)).toBe('60s');
    expect(promDuration(1500)).toBe('1500ms');
    expect(promDuration(999.6)).toBe('1s');
    expect(promDuration(0)).toBe('1ms');
    expect(promDuration(-5)).toBe('1ms');
  });

  it('fills every known placeholder, with or without spaces, and leaves unknown ones as they are', () => {
    const values = templateValues('canary', request);
    expect(
      fillTemplate(
        'rate(x{version="{{version}}",side="{{ side }}"}[{{window}}]) * {{weight}} + {{step}} {{other}}',
        values,
        (v) => v,
      ),
    ).toBe('rate(x{version="v1.5.0-rc.1",side="canary"}[30s]) * 25 + 3 {{other}}');
    expect(
      fillTemplate('/stats?v={{version}}', { ...values, version: 'a b&c=d/é' }, encodeURIComponent),
    ).toBe('/stats?v=a%20b%26c%3Dd%2F%C3%A9');
  });

  it('lists the placeholders it does not know, once each', () => {
    expect(unknownPlaceholders('{{version}} {{weight}} {{window}} {{side}} {{step}}')).toEqual([]);
    expect(unknownPlaceholders('{{verison}} {{ env }} {{verison}}')).toEqual(['verison', 'env']);
    expect(unknownPlaceholders('no placeholders, {single} braces')).toEqual([]);
  });

  it('escapes a value so it cannot end a PromQL string in either kind of quote', () => {
    expect(escapePromQLString('v1.2.3')).toBe('v1.2.3');
    expect(escapePromQLString('a"b')).toBe('a\\x22b');
    expect(escapePromQLString("a'b")).toBe('a\\x27b');
    expect(escapePromQLString('a\\b')).toBe('a\\x5cb');
    expect(escapePromQLString('a`b\nc\x00')).toBe('a\\x60b\\x0ac\\x00');
    // A hostile version stays inside the label matcher.
    const query = fillTemplate(
      'sum(rate(x{version="{{version}}"}[1m]))',
      { ...templateValues('canary', request), version: '"} or vector(1) or x{a="' },
      escapePromQLString,
    );
    expect(query).toBe('sum(rate(x{version="\\x22} or vector(1) or x{a=\\x22"}[1m]))');
    expect(query.match(/"/g)).toHaveLength(2);
  });
});
