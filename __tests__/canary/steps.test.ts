import { describe, expect, it } from 'vitest';
import { describeSteps, leastDuration, parseSteps } from '../../src/canary/steps.js';
import { InputError } from '../../src/common/input-error.js';

const HOLD = 60_000;

function error(text: string): InputError {
  try {
    parseSteps('steps', text, HOLD);
  } catch (caught) {
    expect(caught).toBeInstanceOf(InputError);
    expect((caught as InputError).input).toBe('steps');
    return caught as InputError;
  }
  throw new Error(`parsed ${text}`);
}

describe('steps', () => {
  it('reads the comma form, each step holding for the default hold, the 100% step for nothing', () => {
    const steps = parseSteps('steps', '5,25, 50 ,100', HOLD);
    expect(steps).toEqual([
      { weight: 5, holdMs: HOLD },
      { weight: 25, holdMs: HOLD },
      { weight: 50, holdMs: HOLD },
      { weight: 100, holdMs: 0 },
    ]);
    expect(describeSteps(steps)).toBe('5% → 25% → 50% → 100%');
    expect(leastDuration(steps)).toBe(3 * HOLD);
    expect(parseSteps('steps', '10%, 50%', HOLD).map((s) => s.weight)).toEqual([10, 50]);
  });

  it('reads a YAML list with a hold per step, in flow or block style, and bare weights', () => {
    const steps = parseSteps(
      'steps',
      '- {weight: 5, hold: 2m}\n- weight: 25\n  hold: 30s\n- 50\n- weight: 100',
      HOLD,
    );
    expect(steps).toEqual([
      { weight: 5, holdMs: 120_000 },
      { weight: 25, holdMs: 30_000 },
      { weight: 50, holdMs: HOLD },
      { weight: 100, holdMs: 0 },
    ]);
    expect(parseSteps('steps', '[{weight: 1, hold: 1s}, {weight: 2}]', HOLD)).toEqual([
      { weight: 1, holdMs: 1000 },
      { weight: 2, holdMs: HOLD },
    ]);
  });

  it('allows a last step below 100 (the canary is judged up to it and left there)', () => {
    expect(parseSteps('steps', '10,20', HOLD).at(-1)).toEqual({ weight: 20, holdMs: HOLD });
  });

  it('names the input and the expected form in every error', () => {
    expect(error('').message).toBe(
      "'steps' must be a list of weights like 5,25,50,100, or a YAML list like '- {weight: 5, hold: 2m}', got an empty value",
    );
    expect(error('5,fast,100').message).toBe(
      "'steps' step 2: the weight must be a whole percentage from 1 to 100, got 'fast'",
    );
    expect(error('0,50').message).toContain(
      "step 1: the weight must be a whole percentage from 1 to 100, got '0'",
    );
    expect(error('50,150').message).toContain("got '150'");
    expect(error('5.5,50').message).toContain("got '5.5'");
    expect(error('50,25,100').message).toBe(
      "'steps' must increase step by step: step 2 (25%) is not above step 1 (50%)",
    );
    expect(error('5,5').message).toContain('step 2 (5%) is not above step 1 (5%)');
    expect(error('- {weight: 5, hold: soon}').message).toBe(
      "'steps' step 1: the hold must be a duration like 200ms or 1.5s, got 'soon' (units are ms, s, m and h)",
    );
    expect(error('- {weight: 5, pause: 2m}').message).toBe(
      "'steps' step 1 has 'pause'; a step takes weight and hold",
    );
    expect(error('- {hold: 2m}').message).toContain('step 1 needs a weight');
    expect(error('- [1, 2]').message).toContain('step 1 must be a mapping like {weight: 5, hold: 2m}');
    expect(error('- {weight: 5\n- x: [').message).toMatch(/^'steps' must be .*; the YAML does not parse/);
    expect(error('- {weight: 50}\n- {weight: 100, hold: 5m}').message).toContain(
      'the 100% step is the promotion and is not judged, so it takes no hold',
    );
    expect(error(Array.from({ length: 21 }, (_, i) => i + 1).join(',')).message).toBe(
      "'steps' must have at most 20 steps, got 21",
    );
  });
});
