// The env gate: named variables and secrets are present and non-empty in the step's environment. Only
// names are ever reported, never a value, not even its length.
import type { EnvGateConfig, Gate, GateItem, GateOutcome } from './types.js';

export const envGate: Gate<EnvGateConfig> = {
  name: 'env',
  async run(config, context) {
    return evaluateEnv(config, context.env);
  },
};

export function evaluateEnv(config: EnvGateConfig, env: Record<string, string | undefined>): GateOutcome {
  const items: GateItem[] = [];
  const problems: string[] = [];
  const judge = (name: string, kind: 'variable' | 'secret') => {
    const value = env[name];
    const state = value === undefined ? 'missing' : value.trim() === '' ? 'empty' : 'present';
    items.push({ name, verdict: state === 'present' ? 'pass' : 'fail', detail: `${kind}, ${state}` });
    if (state !== 'present') problems.push(`${name} (${kind}, ${state})`);
  };
  for (const name of config.variables) judge(name, 'variable');
  for (const name of config.secrets) judge(name, 'secret');

  const total = items.length;
  if (problems.length === 0) {
    return {
      verdict: 'pass',
      detail: `${total === 1 ? 'the one name is' : `all ${total} names are`} present and non-empty: ${items.map((i) => i.name).join(', ')}`,
      items,
    };
  }
  const hint = config.secrets.some((name) => env[name] === undefined)
    ? "; a secret reaches the step only when the workflow maps it, e.g. env: { DEPLOY_TOKEN: '${{ secrets.DEPLOY_TOKEN }}' }"
    : '';
  return {
    verdict: 'fail',
    detail: `${problems.length} of ${total} missing or empty: ${problems.join(', ')}${hint}`,
    items,
  };
}
