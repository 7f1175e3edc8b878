// The report page: one self-contained HTML file. The four keys with their bands, each charted week by week
// with uPlot (inlined, script and stylesheet), the failures with why they count and how they were restored,
// and the deployments counted. A Content-Security-Policy forbids every fetch: the page works offline,
// attached to a workflow run or mailed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { chartLibrary } from './assets.js';
import { formatSpan, keyLines, notCountedLine, shortTime } from './format.js';
import type { Insights } from './types.js';

const POLICY = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";

const PAGE_STYLE = `
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 1000px; padding: 0 1rem; color: #1f2328; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
.meta { color: #59636e; margin-top: 0; }
.keys { display: grid; grid-template-columns: repeat(auto-fit, minmax(440px, 1fr)); gap: 1rem; }
.key { border: 1px solid #d1d9e0; border-radius: 8px; padding: .8rem 1rem; }
.key h2 { font-size: 1rem; margin: 0; color: #59636e; font-weight: 600; }
.value { font-size: 1.7rem; font-weight: 700; margin: .2rem 0; }
.band { display: inline-block; border-radius: 999px; padding: 0 .6rem; font-size: .85rem; font-weight: 600; }
.band-elite { background: #dafbe1; color: #116329; } .band-high { background: #ddf4ff; color: #0550ae; }
.band-medium { background: #fff8c5; color: #7d4e00; } .band-low { background: #ffebe9; color: #a40e26; }
.band-na { background: #eff2f5; color: #59636e; }
.detail, .why { margin: .2rem 0; color: #59636e; font-size: .9rem; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { text-align: left; border-bottom: 1px solid #d1d9e0; padding: .3rem .5rem; vertical-align: top; }
footer { margin-top: 2rem; color: #59636e; font-size: .85rem; }
`;

/** The charts: which key, what is drawn, and the week's value (null where the week has none). */
const CHART_SCRIPT = `
const data = JSON.parse(document.getElementById('insights-data').textContent);
const xs = data.weeks.map((w) => Date.parse(w.start) / 1000);
const charts = [
  ['deployment-frequency', 'deployments', (w) => w.deployments],
  ['lead-time', 'median lead time (h)', (w) => w.leadMedianHours ?? null],
  ['change-failure-rate', 'failure rate (%)', (w) => (w.failureRate == null ? null : w.failureRate * 100)],
  ['time-to-restore', 'median time to restore (h)', (w) => w.restoreMedianHours ?? null],
];
for (const [key, label, pick] of charts) {
  const element = document.getElementById('chart-' + key);
  new uPlot(
    {
      width: Math.max(320, element.clientWidth || 420),
      height: 170,
      legend: { show: true },
      scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(1, max ?? 1) * 1.1] } },
      series: [{}, { label, stroke: '#0969da', fill: 'rgba(9,105,218,0.12)', width: 2, points: { show: true, size: 6 }, spanGaps: false }],
    },
    [xs, data.weeks.map(pick)],
    element,
  );
  element.dataset.rendered = 'true';
}
document.body.dataset.charts = String(charts.length);
`;

export function reportHtml(insights: Insights): string {
  const library = chartLibrary();
  const keys = keyLines(insights)
    .map(
      (line) => `<article class="key" data-key="${line.key}">
  <h2>${escapeHtml(line.name)}</h2>
  <p class="value">${escapeHtml(line.value)}</p>
  <p><span class="band band-${line.band === 'n/a' ? 'na' : line.band}">${escapeHtml(line.band)}</span></p>
  <p class="detail">${escapeHtml(line.detail)}</p>
  <p class="why">${escapeHtml(line.why)}</p>
  <div class="chart" id="chart-${line.key}"></div>
</article>`,
    )
    .join('\n');
  const failures =
    insights.failures.length === 0
      ? '<p id="failures">No change failed in the period.</p>'
      : `<table id="failures"><thead><tr><th>Version</th><th>Live</th><th>Why it counts</th><th>Restored by</th><th>Time to restore</th></tr></thead><tbody>
${insights.failures
  .map(
    (f) =>
      `<tr data-deployment="${escapeHtml(f.deploymentId)}"><td>${escapeHtml(f.version)} (${escapeHtml(f.deploymentId)})</td><td>${escapeHtml(shortTime(f.liveAt))}</td><td>${escapeHtml(f.why)}</td><td>${f.restoredBy ? `${escapeHtml(f.restoredBy.version)} (${escapeHtml(f.restoredBy.deploymentId)})` : 'not yet'}</td><td>${f.restoreMs === undefined ? '–' : escapeHtml(formatSpan(f.restoreMs))}</td></tr>`,
  )
  .join('\n')}
</tbody></table>`;
  const deployments = `<table id="deployments"><thead><tr><th>Deployment</th><th>Version</th><th>Commit</th><th>Live</th><th>Counted as</th></tr></thead><tbody>
${insights.deployments
  .map(
    (d) =>
      `<tr><td>${escapeHtml(d.id)}</td><td>${escapeHtml(d.version)}</td><td><code>${escapeHtml(d.sha.slice(0, 7))}</code></td><td>${escapeHtml(shortTime(d.liveAt))}</td><td>${escapeHtml(d.kind)}</td></tr>`,
  )
  .join('\n')}
</tbody></table>`;
  const notCounted = notCountedLine(insights);
  const title = `Delivery insights: ${insights.environment}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${library.style}</style>
<style>${PAGE_STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(title)}</h1>
<p class="meta">${escapeHtml(shortTime(insights.period.since))} to ${escapeHtml(shortTime(insights.period.until))} UTC (${Math.round(insights.days * 10) / 10} days). Bands by the ${escapeHtml(insights.report)}.</p>
</header>
<section class="keys">
${keys}
</section>
<section>
<h2>Failures and restores</h2>
${failures}
</section>
<section>
<h2>Deployments</h2>
${deployments}
${notCounted ? `<p class="detail">${escapeHtml(notCounted)}</p>` : ''}
</section>
<footer>
<p>Read from the ${escapeHtml(insights.source.kind)} ledger (${insights.source.deploymentsRead} deployments read); ${escapeHtml(insights.source.commits)}.</p>
<p>Charts drawn with uPlot ${escapeHtml(library.version)} (MIT), inlined in this page; the page fetches nothing.</p>
</footer>
<script type="application/json" id="insights-data">${json(insights)}</script>
<script>${library.script.replace(/<\/script/gi, '<\\/script')}</script>
<script>${CHART_SCRIPT}</script>
</body>
</html>
`;
}

/** Writes the page to `path` (its folder made when missing). */
export function writeReportPage(path: string, insights: Insights): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, reportHtml(insights));
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** JSON safe inside a script element. */
function json(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
