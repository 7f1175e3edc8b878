import { describe, expect, it } from 'vitest';
import { nextVersion } from '../../src/versioning/version.js';

describe('nextVersion', () => {
  it('bumps the previous version', () => {
    expect(nextVersion({ previous: '1.3.2', bump: 'patch' }).version).toBe('1.3.3');
    expect(nextVersion({ previous: '1.3.2', bump: 'minor' }).version).toBe('1.4.0');
    expect(nextVersion({ previous: '1.3.2', bump: 'major' }).version).toBe('2.0.0');
  });

  it('starts at the initial version, 1.0.0 unless told', () => {
    const first = nextVersion({ bump: 'patch' });
    expect(first.version).toBe('1.0.0');
    expect(first.reason).toMatch(/initial version 1\.0\.0/);
    expect(nextVersion({ bump: 'major', initialVersion: '0.1.0' }).version).toBe('0.1.0');
    expect(() => nextVersion({ bump: 'patch', initialVersion: 'v1' })).toThrow(/initial version/);
  });

  it('keeps 0.x below 1.0.0: breaking → minor, feat → minor, fix → patch', () => {
    const breaking = nextVersion({ previous: '0.3.1', bump: 'major' });
    expect(breaking.version).toBe('0.4.0');
    expect(breaking.applied).toBe('minor');
    expect(breaking.reason).toMatch(/before 1\.0\.0/);
    expect(nextVersion({ previous: '0.3.1', bump: 'minor' }).version).toBe('0.4.0');
    expect(nextVersion({ previous: '0.3.1', bump: 'patch' }).version).toBe('0.3.2');
    expect(nextVersion({ previous: '0.3.1', bump: 'major', preMajorBreakingIsMinor: false }).version).toBe(
      '1.0.0',
    );
  });

  it('numbers a prerelease series from the existing versions', () => {
    expect(nextVersion({ previous: '1.3.0', bump: 'minor', prerelease: 'rc' }).version).toBe('1.4.0-rc.1');
    const existing = ['1.3.0', '1.4.0-rc.1', '1.4.0-rc.2', '1.4.0-beta.7', '1.5.0-rc.9'];
    const second = nextVersion({
      previous: '1.3.0',
      bump: 'minor',
      prerelease: 'rc',
      existingPrereleases: existing,
    });
    expect(second.version).toBe('1.4.0-rc.3');
    expect(second.reason).toMatch(/after rc\.2/);
    expect(
      nextVersion({ previous: '1.3.0', bump: 'minor', prerelease: 'beta', existingPrereleases: existing })
        .version,
    ).toBe('1.4.0-beta.8');
    // The final release after the series.
    expect(nextVersion({ previous: '1.3.0', bump: 'minor', existingPrereleases: existing }).version).toBe(
      '1.4.0',
    );
    expect(() => nextVersion({ previous: '1.3.0', bump: 'minor', prerelease: 'r c' })).toThrow(/identifier/);
  });

  it('gives no version and a reason without a releasable commit', () => {
    const none = nextVersion({ previous: '1.3.0' });
    expect(none.version).toBeUndefined();
    expect(none.reason).toBe('no releasable commit since 1.3.0');
    expect(() => nextVersion({ previous: '1.3.0-rc.1', bump: 'patch' })).toThrow(/stable version/);
  });
});
