// The report page: in a real browser (Debian's Chromium through playwright-core) it renders the four keys with
// the known month's numbers and draws a chart per key, with no network request and no console error; and what
// the record says (versions, reasons) can never inject markup.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartLibrary } from '../../src/insights/assets.js';
import { GitHistory } from '../../src/insights/git-history.js';
import { deliveryInsights } from '../../src/insights/insights.js';
import { reportHtml, writeReportPage } from '../../src/insights/report-html.js';
import type { Insights } from '../../src/insights/types.js';
import { FileLedger } from '../../src/ledger/file.js';
import { at } from './hand-built.js';
import { gitRepository, monthOfProduction, writeFileLedger } from './known-history.js';

const CHROMIUM = process.env.DEPLOY_KIT_CHROMIUM ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(
    `report-html: skipping the browser test: no Chromium at ${CHROMIUM} (apt-get install chromium)`,
  );
}

let dir: string;
let insights: Insights;
let page: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'report-html-'));
  const { commits, deployments } = monthOfProduction();
  const shas = gitRepository(join(dir, 'repo'), commits);
  writeFileLedger(join(dir, 'ledger.json'), shas, deployments);
  insights = await deliveryInsights(
    new FileLedger(join(dir, 'ledger.json'), { mustExist: true }),
    'production',
    { since: at(0), until: at(24 * 30) },
    { histories: [new GitHistory(join(dir, 'repo'))] },
  );
  page = join(dir, 'out', 'report.html');
  writeReportPage(page, insights);
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the report page', () => {
  it('is one file: uPlot inlined, a policy that forbids every fetch, nothing loaded from elsewhere', () => {
    const html = readFileSync(page, 'utf8');
    const library = chartLibrary();
    expect(library.version).toMatch(/^1\.6\.\d+$/);
    expect(html).toContain(library.script.slice(0, 200));
    expect(html).toContain(library.style.slice(0, 100));
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">`,
    );
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|url\(http/);
  });

  it('escapes what the record says: a version or a reason cannot inject markup', () => {
    const hostile: Insights = {
      ...insights,
      environment: '<img src=x onerror=alert(1)>',
      failures: [
        { ...insights.failures[0]!, version: '</script><script>alert(1)</script>', why: '<b>bold</b>' },
      ],
    };
    const html = reportHtml(hostile);
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<b>bold</b>');
    expect(html).toContain('&lt;b&gt;bold&lt;/b&gt;');
    // In the JSON for the charts too: no `</script>` closes the data early.
    const data = /<script type="application\/json" id="insights-data">(.*?)<\/script>/s.exec(html)?.[1] ?? '';
    expect(data).not.toContain('</script>');
    expect((JSON.parse(data) as Insights).failures[0]?.version).toBe('</script><script>alert(1)</script>');
  });

  it.skipIf(!hasChromium)(
    'renders the four keys with the right numbers in Chromium, a chart each, no request, no console error',
    async () => {
      const { chromium } = await import('playwright-core');
      const browser = await chromium.launch({ executablePath: CHROMIUM });
      try {
        const tab = await browser.newPage();
        const requests: string[] = [];
        const problems: string[] = [];
        tab.on('request', (request) => requests.push(request.url()));
        tab.on('console', (message) => {
          if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
        });
        tab.on('pageerror', (error) => problems.push(error.message));
        const url = pathToFileURL(page).href;
        await tab.goto(url);
        await tab.waitForSelector('body[data-charts="4"]', { timeout: 15_000 });

        const key = async (name: string) => ({
          value: await tab.textContent(`[data-key="${name}"] .value`),
          band: await tab.textContent(`[data-key="${name}"] .band`),
          detail: await tab.textContent(`[data-key="${name}"] .detail`),
        });
        expect(await key('deployment-frequency')).toEqual({
          value: '0.9 a week',
          band: 'medium',
          detail: '4 deployments, 4 days with one; 1 redeploy(s) and 1 rollback(s) not counted',
        });
        expect(await key('lead-time')).toEqual({
          value: '13 h median',
          band: 'elite',
          detail: 'p90 42 h over 8 commits',
        });
        expect(await key('change-failure-rate')).toEqual({
          value: '50%',
          band: 'low',
          detail: '2 of 4 deployments failed',
        });
        expect(await key('time-to-restore')).toEqual({
          value: '42.5 h median',
          band: 'medium',
          detail: 'max 3.5 d; 2 restored, 0 not yet',
        });
        // uPlot drew a canvas of some size in each key's chart.
        const charts = await tab.$$eval('.chart', (elements) =>
          elements.map((e) => {
            const canvas = e.querySelector('canvas');
            return { rendered: e.getAttribute('data-rendered'), width: canvas?.width ?? 0 };
          }),
        );
        expect(charts).toHaveLength(4);
        for (const chart of charts) {
          expect(chart.rendered).toBe('true');
          expect(chart.width).toBeGreaterThan(100);
        }
        const failures = await tab.$$eval('#failures tbody tr', (rows) =>
          rows.map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent)),
        );
        expect(failures).toEqual([
          ['v2 (4)', '2026-03-05 00:00', 'rolled back by deployment 5: canary v2 aborted', 'v1 (5)', '1 h'],
          [
            'v3 (6)',
            '2026-03-10 20:00',
            'marked failure after it went live: post-deploy check: checkout 500s',
            'v5 (8)',
            '3.5 d',
          ],
        ]);
        expect(requests).toEqual([url]);
        expect(problems).toEqual([]);
      } finally {
        await browser.close();
      }
    },
    60_000,
  );
});
