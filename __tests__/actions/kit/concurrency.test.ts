// The turn-taking inputs deploy-env, rollback and the root action read alike.
import { describe, expect, it } from 'vitest';
import { readOnConcurrent } from '../../../src/actions/kit/concurrency.js';
import { InputReader } from '../../../src/actions/kit/inputs.js';

const reader = (inputs: Record<string, string>) => new InputReader((name) => inputs[name] ?? '');

describe('readOnConcurrent', () => {
  it('waits 15 minutes for the deploy ahead and takes a lease unrenewed for 5 minutes as abandoned, unless told', () => {
    expect(readOnConcurrent(reader({}))).toEqual({
      mode: 'wait',
      timeoutMs: 900_000,
      leaseTimeoutMs: 300_000,
    });
    expect(
      readOnConcurrent(
        reader({ 'on-concurrent': 'fail', 'concurrent-timeout': '2m', 'lease-timeout': '90s' }),
      ),
    ).toEqual({ mode: 'fail', timeoutMs: 120_000, leaseTimeoutMs: 90_000 });
  });

  it('refuses a mode it does not know and durations outside their range, naming the input', () => {
    expect(() => readOnConcurrent(reader({ 'on-concurrent': 'queue' }))).toThrow(/'on-concurrent'/);
    expect(() => readOnConcurrent(reader({ 'concurrent-timeout': '0s' }))).toThrow(
      /'concurrent-timeout' must be a duration from 1 ms to 24 h/,
    );
    expect(() => readOnConcurrent(reader({ 'lease-timeout': '-5m' }))).toThrow(/'lease-timeout'/);
  });
});
