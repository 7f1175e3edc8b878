// The release a watch looks after, its window, and how far back the sources look.
import { describe, expect, it } from 'vitest';
import { findRelease, wentLiveAt, windowOf } from '../../src/watch/window.js';
import { at, HOUR, history, T0 } from '../helpers/watch-history.js';

describe('findRelease', () => {
  it('takes the newest live deployment and the release live before it, skipping failures and re-deploys', () => {
    const found = findRelease(
      'production',
      history(
        {
          id: '1',
          version: 'v1',
          statuses: [
            ['in_progress', at(0)],
            ['success', at(1000)],
            ['inactive', at(HOUR)],
          ],
        },
        {
          id: '2',
          version: 'v2',
          statuses: [
            ['success', at(2 * HOUR)],
            ['inactive', at(5 * HOUR)],
          ],
        },
        { id: '3', version: 'v3', statuses: [['failure', at(3 * HOUR)]] },
        {
          id: '4',
          version: 'v2',
          statuses: [
            ['success', at(4 * HOUR)],
            ['inactive', at(5 * HOUR)],
          ],
        },
        {
          id: '5',
          version: 'v4',
          statuses: [
            ['in_progress', at(5 * HOUR - 60_000)],
            ['success', at(5 * HOUR)],
          ],
        },
      ),
    );
    expect(found.kind).toBe('release');
    if (found.kind !== 'release') return;
    expect(found.release.id).toBe('5');
    expect(found.liveAt).toBe(at(5 * HOUR));
    expect(found.previous?.entry.id).toBe('4');
    expect(found.previous?.liveAt).toBe(at(4 * HOUR));
  });

  it('watches nothing when nothing is live, or when the live deployment is a rollback', () => {
    expect(
      findRelease('production', history({ id: '1', version: 'v1', statuses: [['failure', at(0)]] })),
    ).toMatchObject({
      kind: 'none',
      reason: 'no deployment of production is live (state success)',
    });
    const rolledBack = findRelease(
      'production',
      history(
        {
          id: '1',
          version: 'v1',
          statuses: [
            ['success', at(0)],
            ['inactive', at(HOUR)],
          ],
        },
        {
          id: '2',
          version: 'v2',
          statuses: [
            ['success', at(HOUR)],
            ['inactive', at(2 * HOUR)],
          ],
        },
        {
          id: '3',
          version: 'v1',
          statuses: [['success', at(2 * HOUR)]],
          rollbackFrom: { id: '2', version: 'v2', reason: 'watch: error rate' },
        },
      ),
    );
    expect(rolledBack).toMatchObject({ kind: 'none', live: { id: '3' } });
    if (rolledBack.kind === 'none')
      expect(rolledBack.reason).toContain('is a rollback from v2 (deployment 2): watch: error rate');
  });

  it('reads when a deployment first went live', () => {
    const [entry] = history({
      id: '1',
      version: 'v1',
      statuses: [
        ['success', at(0)],
        ['success', at(5000)],
      ],
    });
    expect(wentLiveAt(entry!)).toBe(at(0));
  });
});

describe('windowOf', () => {
  it('is inside until the window ends, and looks back as long before going live as since', () => {
    const inside = windowOf(at(0), 24 * HOUR, T0 + 2 * HOUR, at(-10 * HOUR));
    expect(inside).toEqual({
      startMs: T0,
      endMs: T0 + 24 * HOUR,
      elapsedMs: 2 * HOUR,
      inside: true,
      liveMs: 2 * HOUR,
      lookbackMs: 4 * HOUR,
    });
    const outside = windowOf(at(0), 24 * HOUR, T0 + 24 * HOUR, at(-10 * HOUR));
    expect(outside.inside).toBe(false);
    // No further back than the previous release went live, and never longer than the window.
    expect(windowOf(at(0), 24 * HOUR, T0 + 2 * HOUR, at(-HOUR)).lookbackMs).toBe(3 * HOUR);
    expect(windowOf(at(0), HOUR, T0 + 50 * 60_000, at(-10 * HOUR)).lookbackMs).toBe(100 * 60_000);
    expect(windowOf(at(0), HOUR, T0 + 50 * 60_000).lookbackMs).toBe(50 * 60_000);
  });
});
