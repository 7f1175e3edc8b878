// Deployment frequency: changes per day and week, days with one; redeploys and rollbacks counted apart.
import { describe, expect, it } from 'vitest';
import { deploymentFrequency } from '../../src/insights/frequency.js';
import { sortRecord } from '../../src/insights/record.js';
import { at, deployment } from './hand-built.js';

describe('deploymentFrequency', () => {
  it('counts changes live in the period, not redeploys, rollbacks or the baseline', () => {
    const period = { since: at(0), until: at(24 * 14) };
    const record = sortRecord(
      'production',
      period,
      [
        deployment({ id: 1, version: '0.9', created: -5, statuses: [['success', -4]] }),
        deployment({ id: 2, version: '1.0', created: 1, statuses: [['success', 2]] }),
        deployment({ id: 3, version: '1.0', created: 3, statuses: [['success', 4]] }),
        deployment({ id: 4, version: '1.1', created: 30, statuses: [['success', 31]] }),
        deployment({
          id: 5,
          version: '1.0',
          created: 32,
          statuses: [['success', 33]],
          rollback: { from: 4, reason: 'x' },
        }),
        deployment({ id: 6, version: '1.2', created: 24 * 14 - 1, statuses: [['success', 24 * 14 + 1]] }),
      ],
      'file',
    );
    expect(deploymentFrequency(record)).toEqual({
      deployments: 2,
      perDay: 2 / 14,
      perWeek: 1,
      daysWithDeployment: 2,
      redeploys: 1,
      rollbacks: 1,
      band: 'high',
      why: 'between once a day and once a week',
    });
  });

  it('reads one deployment in a period as its rate, and none as low', () => {
    const period = { since: at(0), until: at(24 * 30) };
    const one = sortRecord(
      'production',
      period,
      [deployment({ id: 1, version: '1.0', created: 1, statuses: [['success', 2]] })],
      'file',
    );
    expect(deploymentFrequency(one)).toMatchObject({ deployments: 1, perDay: 1 / 30, band: 'medium' });
    const none = sortRecord('production', period, [], 'file');
    expect(deploymentFrequency(none)).toMatchObject({ deployments: 0, perDay: 0, band: 'low' });
  });
});
