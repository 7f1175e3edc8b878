// Moving the canary's traffic: how far the observed share may be from the weight asked for.
import { describe, expect, it } from 'vitest';
import { checkTraffic } from '../../src/canary/traffic.js';

describe('traffic', () => {
  it('judges traffic far when off by more than 2 points plus a quarter of the weight', () => {
    expect(checkTraffic(5, 0.08).far).toBe(false);
    expect(checkTraffic(5, 0.02).far).toBe(false);
    expect(checkTraffic(5, 0.09).far).toBe(true);
    expect(checkTraffic(50, 0.36).far).toBe(false);
    expect(checkTraffic(50, 0.3).far).toBe(true);
    expect(checkTraffic(5, 0).far).toBe(true);
  });
});
