// The terminal table: a header naming the period and the report, the four keys aligned, failures, what was
// not counted and where it was read from.
import { describe, expect, it } from 'vitest';
import { computeInsights } from '../../src/insights/insights.js';
import { sortRecord } from '../../src/insights/record.js';
import { insightsTable } from '../../src/insights/table.js';
import { at, deployment, linearGraph } from './hand-built.js';

describe('insightsTable', () => {
  it('prints the keys in aligned columns, then the failures and the sources', () => {
    const record = sortRecord(
      'production',
      { since: at(0), until: at(24 * 7) },
      [
        deployment({ id: 1, version: 'a', created: 1, statuses: [['success', 2]] }),
        deployment({ id: 2, version: 'b', created: 3, statuses: [['success', 4]] }),
        deployment({
          id: 3,
          version: 'a',
          created: 5,
          statuses: [['success', 5.5]],
          rollback: { from: 2, reason: 'errors up' },
        }),
      ],
      'file',
    );
    const text = insightsTable(
      computeInsights(
        record,
        linearGraph([
          ['a', 1],
          ['b', 3],
        ]),
      ),
    );
    expect(text.split('\n')).toEqual([
      'Delivery insights for production: 2026-03-02 00:00 to 2026-03-09 00:00 UTC (7 days)',
      'Bands by the Accelerate State of DevOps Report 2023',
      '',
      'Key                    Value          Band   Detail',
      '---------------------  -------------  -----  --------------------------------------------------------------------------',
      'Deployment frequency   2 a week       high   2 deployments, 1 day with one; 0 redeploy(s) and 1 rollback(s) not counted',
      'Lead time for changes  1 h median     elite  p90 1 h over 2 commits',
      'Change failure rate    50%            low    1 of 2 deployments failed',
      'Time to restore        30 min median  elite  max 30 min; 1 restored, 0 not yet',
      '',
      'Failures:',
      '  b (deployment 2, live 2026-03-02 04:00): rolled back by deployment 3: errors up; restored by a (deployment 3) after 30 min',
      '',
      'Read from: file ledger (3 deployments read); hand-built',
      '',
    ]);
  });
});
