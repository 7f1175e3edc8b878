// Runs every configured gate, one after another in GATE_ORDER (cheap local gates first, the checks gate,
// which may wait, last), even when one fails, and builds the GatesReport. A gate that throws is not the end
// of the run: it becomes verdict `error` naming the gate that could not be evaluated, and the rest still run.
// Once the run is cancelled, the gates not yet started are recorded as `error` (not evaluated: cancelled).
//
// The report lists configured gates only; a gate the configuration does not name is not evaluated and not
// shown. `passed` is true when no gate failed or errored (`skipped` counts as passing: a gate that does not
// apply, like the branch gate without an environment).
import { branchGate } from './branch.js';
import { checksGate } from './checks.js';
import { commandGate } from './command.js';
import { envGate } from './env.js';
import { freezeGate } from './freeze.js';
import { migrationsGate } from './migrations.js';
import { reviewsGate } from './reviews.js';
import {
  GATE_ORDER,
  type Gate,
  type GateContext,
  type GateName,
  type GateOutcome,
  type GateResult,
  type GatesConfig,
  type GatesReport,
} from './types.js';
import { vulnerabilitiesGate } from './vulnerabilities.js';

/** Every gate by name, typed by its configuration. */
export const GATES: { readonly [K in GateName]-?: Gate<NonNullable<GatesConfig[K]>> } = {
  branch: branchGate,
  freeze: freezeGate,
  env: envGate,
  reviews: reviewsGate,
  vulnerabilities: vulnerabilitiesGate,
  migrations: migrationsGate,
  command: commandGate,
  checks: checksGate,
};

export interface EvaluateOptions {
  /** Called as each gate starts (a check run may show progress). */
  onGateStart?: (gate: GateName) => void | Promise<void>;
  /** Called with each gate's result as soon as it is known. */
  onGateResult?: (result: GateResult) => void | Promise<void>;
  /** A monotonic clock in ms for the time each gate takes (default performance.now). */
  clock?: () => number;
}

/** The configured gates, in the order they run and are shown. */
export function configuredGates(config: GatesConfig): GateName[] {
  return GATE_ORDER.filter((name) => config[name] !== undefined);
}

/** `passed` of a report: nothing failed and nothing could not be evaluated. */
export function gatesPassed(results: readonly Pick<GateResult, 'verdict'>[]): boolean {
  return results.every((r) => r.verdict === 'pass' || r.verdict === 'skipped');
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

async function runOne<K extends GateName>(
  name: K,
  config: NonNullable<GatesConfig[K]>,
  context: GateContext,
): Promise<GateOutcome> {
  const gate = GATES[name] as Gate<NonNullable<GatesConfig[K]>>;
  try {
    return await gate.run(config, context);
  } catch (error) {
    if (context.signal.aborted) {
      return { verdict: 'error', detail: `${name} could not be evaluated: the run was cancelled` };
    }
    return { verdict: 'error', detail: `${name} could not be evaluated: ${errorMessage(error)}` };
  }
}

/**
 * Evaluates every configured gate in GATE_ORDER and reports them all. Never throws for a gate's sake: a
 * gate's exception is its `error` verdict. Callbacks that throw do stop the run (they are the caller's).
 */
export async function evaluateGates(
  config: GatesConfig,
  context: GateContext,
  options: EvaluateOptions = {},
): Promise<GatesReport> {
  const clock = options.clock ?? (() => performance.now());
  const startedAt = context.now().toISOString();
  const start = clock();
  const callsBefore = context.github?.callCount();
  const gates: GateResult[] = [];
  for (const name of configuredGates(config)) {
    let result: GateResult;
    if (context.signal.aborted) {
      result = {
        gate: name,
        verdict: 'error',
        detail: `${name} was not evaluated: the run was cancelled`,
        durationMs: 0,
      };
    } else {
      await options.onGateStart?.(name);
      const began = clock();
      const outcome = await runOne(name, config[name] as NonNullable<GatesConfig[typeof name]>, context);
      result = { gate: name, ...outcome, durationMs: Math.max(Math.round(clock() - began), 0) };
    }
    gates.push(result);
    await options.onGateResult?.(result);
  }
  const target = context.target;
  const report: GatesReport = {
    passed: gatesPassed(gates),
    startedAt,
    durationMs: Math.max(Math.round(clock() - start), 0),
    target: {
      sha: target.sha,
      ref: target.ref,
      eventName: target.eventName,
      ...(target.environment !== undefined ? { environment: target.environment } : {}),
      ...(target.pullNumber !== undefined ? { pullNumber: target.pullNumber } : {}),
    },
    gates,
  };
  if (context.github && callsBefore) {
    const after = context.github.callCount();
    report.apiCalls = after.rest + after.graphql - (callsBefore.rest + callsBefore.graphql);
  }
  return report;
}

/** The gates that did not pass, for the `failed-gates` output. */
export function failedGates(report: GatesReport): GateName[] {
  return report.gates.filter((g) => g.verdict === 'fail' || g.verdict === 'error').map((g) => g.gate);
}
