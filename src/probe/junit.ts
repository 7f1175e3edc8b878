// A smoke report as JUnit XML, the format GitHub test reporters read (dorny/test-reporter,
// mikepenz/action-junit-report): one <testsuite> in a <testsuites> root, one <testcase> per check.
import { formatDuration } from '../common/durations.js';
import type { CheckResult, SmokeReport } from './types.js';

/** Characters XML 1.0 forbids (C0 controls but tab/LF/CR, U+FFFE, U+FFFF, unpaired surrogates): dropped. */
const ILLEGAL_XML =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text content: `&`, `<`, `>` escaped, CR kept as a reference (parsers turn a raw one into LF), illegal characters dropped. */
export function escapeXmlText(text: string): string {
  return text
    .replace(ILLEGAL_XML, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r/g, '&#13;');
}

/** An attribute value in double quotes; tab, LF and CR as character references so parsers keep them. */
export function escapeXmlAttribute(text: string): string {
  return escapeXmlText(text)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;');
}

function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

function attributes(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([name, value]) => ` ${name}="${escapeXmlAttribute(String(value))}"`)
    .join('');
}

function round(ms: number): string {
  return String(Math.round(ms * 10) / 10);
}

/** Per-check numbers as <property> elements (latency in ms), for reporters that show them. */
function properties(check: CheckResult): [string, string][] {
  const props: [string, string][] = [
    ['method', check.method],
    ['url', check.url],
  ];
  if (check.status !== undefined) props.push(['status', String(check.status)]);
  props.push(['samples.sent', String(check.samples.sent)], ['samples.failed', String(check.samples.failed)]);
  props.push(['error_rate', String(check.samples.errorRate)]);
  const latency = check.latencyMs;
  if (latency) {
    props.push(['latency.p50_ms', round(latency.p50)], ['latency.p95_ms', round(latency.p95)]);
    props.push(['latency.p99_ms', round(latency.p99)], ['latency.max_ms', round(latency.max)]);
    props.push(['latency.mean_ms', round(latency.mean)]);
  }
  if (check.tls)
    props.push(['tls.valid_to', check.tls.validTo], ['tls.days_left', String(check.tls.daysLeft)]);
  return props;
}

/** What a person reads under the test in a reporter. */
function systemOut(check: CheckResult): string {
  const lines = [`${check.method} ${check.url}${check.status === undefined ? '' : ` -> ${check.status}`}`];
  const { ready, attempts, waitedMs, lastError } = check.readiness;
  if (!ready)
    lines.push(
      `not ready after ${attempts} attempts in ${formatDuration(waitedMs)}${lastError ? `: ${lastError}` : ''}`,
    );
  else if (attempts > 1) lines.push(`ready after ${attempts} attempts in ${formatDuration(waitedMs)}`);
  const { sent, failed, errorRate } = check.samples;
  lines.push(`samples: ${sent} sent, ${failed} failed (error rate ${Number((errorRate * 100).toFixed(3))}%)`);
  const latency = check.latencyMs;
  if (latency) {
    const parts = (['p50', 'p95', 'p99', 'max', 'mean'] as const).map(
      (k) => `${k} ${formatDuration(latency[k])}`,
    );
    lines.push(`latency: ${parts.join(', ')} over ${latency.count} requests`);
  }
  if (check.tls) {
    lines.push(
      `tls: ${check.tls.subject}, issued by ${check.tls.issuer}, valid to ${check.tls.validTo} (${check.tls.daysLeft} days left)`,
    );
  }
  return lines.join('\n');
}

function testcase(check: CheckResult, classname: string): string {
  const out: string[] = [];
  out.push(`    <testcase${attributes({ name: check.name, classname, time: seconds(check.durationMs) })}>`);
  const props = properties(check);
  out.push('      <properties>');
  for (const [name, value] of props) out.push(`        <property${attributes({ name, value })}/>`);
  out.push('      </properties>');
  if (!check.passed) {
    const reasons = check.reasons.length > 0 ? check.reasons : ['check failed'];
    const type = check.readiness.ready ? 'SmokeCheckFailed' : 'ServiceNotReady';
    out.push(
      `      <failure${attributes({ message: reasons.join('; '), type })}>${escapeXmlText(reasons.join('\n'))}</failure>`,
    );
  }
  out.push(`      <system-out>${escapeXmlText(systemOut(check))}</system-out>`);
  out.push('    </testcase>');
  return out.join('\n');
}

/** The report as JUnit XML: a testcase per check (classname = the suite name, time in seconds). */
export function toJUnitXml(report: SmokeReport, suiteName = 'smoke-test'): string {
  const failures = report.checks.filter((check) => !check.passed).length;
  const counts = {
    name: suiteName,
    tests: report.checks.length,
    failures,
    errors: 0,
    time: seconds(report.durationMs),
  };
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attributes(counts)}>`,
    `  <testsuite${attributes({ ...counts, skipped: 0, timestamp: report.startedAt })}>`,
    ...report.checks.map((check) => testcase(check, suiteName)),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
