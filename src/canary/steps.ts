// The `steps` input: the weights a canary goes through, each held for a time while it is judged.
//
//   steps: 5,25,50,100                 every step holds for `hold` (the default hold)
//   steps: |
//     - {weight: 5, hold: 2m}
//     - {weight: 25, hold: 5m}
//     - weight: 100                    a step without hold holds for `hold`
//
// Weights are whole percentages from 1 to 100, strictly increasing. A step at 100 is the promotion: traffic
// moves over entirely and it is not judged (the baseline then serves nothing to compare with), so it takes
// no hold. The last step may be below 100: the canary is then judged up to that weight and left there, and
// `promoted` means it passed every step (promotion to 100 is left to the workflow).
import { parse } from 'yaml';
import { DURATION_RANGES, parseDuration } from '../common/durations.js';
import { describe, InputError, quote } from '../common/input-error.js';

export interface CanaryStep {
  /** The canary's share of traffic in percent, 1..100. */
  weight: number;
  /** The least time at this weight before the step can pass (0 for the 100% promotion step). */
  holdMs: number;
}

export const MAX_STEPS = 20;

const FORM = "a list of weights like 5,25,50,100, or a YAML list like '- {weight: 5, hold: 2m}'";

function fail(label: string, rest: string): never {
  throw new InputError(label, describe(label, rest));
}

function parseWeight(label: string, value: unknown, where: string): number {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  const match = /^(\d+)\s*%?$/.exec(text);
  const weight = match ? Number(match[1]) : Number.NaN;
  if (!Number.isInteger(weight) || weight < 1 || weight > 100) {
    fail(
      label,
      `${where}: the weight must be a whole percentage from 1 to 100, got ${quote(typeof value === 'string' ? value : (JSON.stringify(value) ?? ''))}`,
    );
  }
  return weight;
}

function fromYaml(label: string, text: string, defaultHoldMs: number): CanaryStep[] {
  let parsed: unknown;
  try {
    parsed = parse(text);
  } catch (error) {
    const first = (error as Error).message.split('\n')[0];
    fail(label, `must be ${FORM}; the YAML does not parse: ${first}`);
  }
  if (!Array.isArray(parsed)) fail(label, `must be ${FORM}, got ${quote(text)}`);
  return parsed.map((item: unknown, index) => {
    const where = `step ${index + 1}`;
    if (typeof item === 'number' || typeof item === 'string') {
      return { weight: parseWeight(label, item, where), holdMs: defaultHoldMs };
    }
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      fail(
        label,
        `${where} must be a mapping like {weight: 5, hold: 2m}, got ${quote(JSON.stringify(item))}`,
      );
    }
    const entry = item as Record<string, unknown>;
    const unknownKeys = Object.keys(entry).filter((key) => key !== 'weight' && key !== 'hold');
    if (unknownKeys.length > 0) {
      fail(
        label,
        `${where} has ${unknownKeys.map((k) => `'${k}'`).join(', ')}; a step takes weight and hold`,
      );
    }
    if (entry.weight === undefined) fail(label, `${where} needs a weight, like {weight: 5, hold: 2m}`);
    const weight = parseWeight(label, entry.weight, where);
    let holdMs = defaultHoldMs;
    if (entry.hold !== undefined) {
      if (typeof entry.hold !== 'string') {
        fail(label, `${where}: the hold must be a duration like 2m or 30s, got ${quote(String(entry.hold))}`);
      }
      try {
        holdMs = parseDuration(`${label}[${index}].hold`, entry.hold, DURATION_RANGES.wait);
      } catch (error) {
        fail(label, `${where}: ${(error as InputError).message.replace(/^[^:]+: /, 'the hold ')}`);
      }
      if (weight === 100) {
        fail(label, `${where}: the 100% step is the promotion and is not judged, so it takes no hold`);
      }
    }
    return { weight, holdMs };
  });
}

/**
 * Parses `steps`. `defaultHoldMs` is the hold of steps that name none (the `hold` input). Throws an
 * InputError naming `label` and the expected form.
 */
export function parseSteps(label: string, text: string, defaultHoldMs: number): CanaryStep[] {
  const value = text.trim();
  if (value === '') fail(label, `must be ${FORM}, got an empty value`);
  const yaml = value.startsWith('-') || value.startsWith('[');
  const steps = yaml
    ? fromYaml(label, value, defaultHoldMs)
    : value
        .split(/[,\s]+/)
        .filter((part) => part !== '')
        .map((part, index) => ({
          weight: parseWeight(label, part, `step ${index + 1}`),
          holdMs: defaultHoldMs,
        }));
  if (steps.length === 0) fail(label, `must be ${FORM}, got ${quote(text)}`);
  if (steps.length > MAX_STEPS) fail(label, `must have at most ${MAX_STEPS} steps, got ${steps.length}`);
  for (let i = 1; i < steps.length; i++) {
    const [before, now] = [steps[i - 1]!, steps[i]!];
    if (now.weight <= before.weight) {
      fail(
        label,
        `must increase step by step: step ${i + 1} (${now.weight}%) is not above step ${i} (${before.weight}%)`,
      );
    }
  }
  // The 100% step is the promotion: it is not judged, so it holds for nothing.
  return steps.map((step) => (step.weight === 100 ? { weight: 100, holdMs: 0 } : step));
}

/** `5% → 25% → 50% → 100%`. */
export function describeSteps(steps: CanaryStep[]): string {
  return steps.map((step) => `${step.weight}%`).join(' → ');
}

/** The least time the steps take: the sum of their holds. */
export function leastDuration(steps: CanaryStep[]): number {
  return steps.reduce((sum, step) => sum + step.holdMs, 0);
}
