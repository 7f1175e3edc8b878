// Severities in GitHub's bands and the CVE and GHSA ids in a text.
import { describe, expect, it } from 'vitest';
import { advisoryIds, severityOfScore } from '../../../src/gates/vulnerabilities/findings.js';

describe('severities', () => {
  it("maps security-severity scores to GitHub's bands", () => {
    expect([10, 9, 8.9, 7, 6.9, 4, 3.9, 0.1, 0].map(severityOfScore)).toEqual([
      'critical',
      'critical',
      'high',
      'high',
      'medium',
      'medium',
      'low',
      'low',
      'none',
    ]);
  });

  it('finds CVE and GHSA ids in text, normalised', () => {
    expect(advisoryIds('cve-2022-42889-commons-text')).toEqual(['CVE-2022-42889']);
    expect(advisoryIds('https://github.com/advisories/GHSA-JF85-CPCP-J695')).toEqual(['GHSA-jf85-cpcp-j695']);
    expect(advisoryIds('js/xss')).toEqual([]);
  });
});
