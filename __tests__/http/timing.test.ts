import { describe, expect, it } from 'vitest';
import { sleep } from '../../src/http/timing.js';

describe('sleep', () => {
  it('sleeps, and wakes early on abort', async () => {
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => controller.abort(), 20);
    await sleep(5000, controller.signal);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('sleeps the whole time when nothing aborts it', async () => {
    const started = performance.now();
    await sleep(30);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
  });
});
