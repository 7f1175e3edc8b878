import { describe, expect, it } from 'vitest';
import { envGate, evaluateEnv } from '../../src/gates/env.js';
import { gateContext } from '../helpers/gates.js';

const SECRET = 'ghp_s3cr3tValue0123456789';

describe('env gate', () => {
  it('passes when every name is present and non-empty', async () => {
    const outcome = await envGate.run(
      { variables: ['API_URL'], secrets: ['DEPLOY_TOKEN'] },
      gateContext({ env: { API_URL: 'https://api.example', DEPLOY_TOKEN: SECRET } }),
    );
    expect(outcome).toEqual({
      verdict: 'pass',
      detail: 'all 2 names are present and non-empty: API_URL, DEPLOY_TOKEN',
      items: [
        { name: 'API_URL', verdict: 'pass', detail: 'variable, present' },
        { name: 'DEPLOY_TOKEN', verdict: 'pass', detail: 'secret, present' },
      ],
    });
  });

  it('tells missing from empty (whitespace is empty), and how a secret reaches the step', () => {
    const outcome = evaluateEnv(
      { variables: ['API_URL', 'REGION'], secrets: ['DEPLOY_TOKEN'] },
      { API_URL: '  ', REGION: 'eu' },
    );
    expect(outcome.verdict).toBe('fail');
    expect(outcome.detail).toBe(
      "2 of 3 missing or empty: API_URL (variable, empty), DEPLOY_TOKEN (secret, missing); a secret reaches the step only when the workflow maps it, e.g. env: { DEPLOY_TOKEN: '${{ secrets.DEPLOY_TOKEN }}' }",
    );
    expect(outcome.items?.map((i) => [i.name, i.verdict])).toEqual([
      ['API_URL', 'fail'],
      ['REGION', 'pass'],
      ['DEPLOY_TOKEN', 'fail'],
    ]);
  });

  it('never prints a value, nor its length, passing or failing', async () => {
    const context = gateContext({ env: { DEPLOY_TOKEN: SECRET, OTHER: `${SECRET}-other` } });
    const passing = await envGate.run({ variables: ['OTHER'], secrets: ['DEPLOY_TOKEN'] }, context);
    const failing = await envGate.run(
      { variables: ['OTHER'], secrets: ['DEPLOY_TOKEN', 'MISSING'] },
      context,
    );
    for (const outcome of [passing, failing]) {
      const text = JSON.stringify(outcome);
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain('s3cr3t');
      expect(text).not.toContain(String(SECRET.length));
    }
    expect(context.log.all()).toBe('');
  });

  it('a single name reads as one', () => {
    expect(evaluateEnv({ variables: ['A'], secrets: [] }, { A: '1' }).detail).toBe(
      'the one name is present and non-empty: A',
    );
  });
});
