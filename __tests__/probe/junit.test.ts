import { describe, expect, it } from 'vitest';
import { escapeXmlAttribute, escapeXmlText, toJUnitXml } from '../../src/probe/junit.js';
import type { CheckResult, SmokeReport } from '../../src/probe/types.js';

// A small, strict XML 1.0 reader: enough to prove the output is well-formed and to read it back.
interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

function parseXml(source: string): XmlElement {
  // End-of-line handling: a parser sees every literal CRLF or CR as LF.
  const xml = source.replace(/\r\n?/g, '\n');
  for (const char of xml) {
    const code = char.codePointAt(0) ?? 0;
    if (!isXmlChar(code)) throw new Error(`character U+${code.toString(16)} is not allowed in XML 1.0`);
  }
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`${what} at offset ${i}: ${JSON.stringify(xml.slice(i, i + 30))}`);
  };
  const isNameChar = (c: string | undefined) =>
    c !== undefined &&
    ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || '-_.:'.includes(c));
  const skipSpace = () => {
    while (xml[i] === ' ' || xml[i] === '\n' || xml[i] === '\t' || xml[i] === '\r') i++;
  };
  const name = (): string => {
    const start = i;
    while (isNameChar(xml[i])) i++;
    if (i === start) fail('expected a name');
    return xml.slice(start, i);
  };
  const reference = (): string => {
    const end = xml.indexOf(';', i);
    if (end < 0) fail('unterminated reference');
    const body = xml.slice(i + 1, end);
    i = end + 1;
    if (body.startsWith('#x')) return String.fromCodePoint(Number.parseInt(body.slice(2), 16));
    if (body.startsWith('#')) return String.fromCodePoint(Number.parseInt(body.slice(1), 10));
    const entity = ENTITIES[body];
    if (entity === undefined) fail(`unknown entity &${body};`);
    return entity as string;
  };
  const element = (): XmlElement => {
    if (xml[i] !== '<') fail('expected <');
    i++;
    const node: XmlElement = { name: name(), attributes: {}, children: [], text: '' };
    for (;;) {
      skipSpace();
      if (xml.startsWith('/>', i)) {
        i += 2;
        return node;
      }
      if (xml[i] === '>') {
        i++;
        break;
      }
      const attribute = name();
      if (attribute in node.attributes) fail(`duplicate attribute ${attribute}`);
      if (xml[i] !== '=' || xml[i + 1] !== '"') fail('expected ="');
      i += 2;
      let value = '';
      while (xml[i] !== '"') {
        const c = xml[i];
        if (c === undefined || c === '<') fail('bad attribute value');
        if (c === '&') value += reference();
        else {
          // Attribute-value normalisation: literal whitespace becomes a space.
          value += c === '\n' || c === '\t' || c === '\r' ? ' ' : c;
          i++;
        }
      }
      i++;
      node.attributes[attribute] = value;
    }
    for (;;) {
      if (xml.startsWith('</', i)) {
        i += 2;
        if (name() !== node.name) fail(`mismatched end tag for ${node.name}`);
        if (xml[i] !== '>') fail('expected >');
        i++;
        return node;
      }
      const c = xml[i];
      if (c === undefined) fail(`unclosed ${node.name}`);
      if (c === '<') node.children.push(element());
      else if (c === '&') node.text += reference();
      else if (c === '>' && xml.startsWith(']]>', i - 2)) fail(']]> in text');
      else {
        node.text += c;
        i++;
      }
    }
  };
  if (!xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')) fail('no XML declaration');
  i = xml.indexOf('?>') + 2;
  skipSpace();
  const root = element();
  skipSpace();
  if (i !== xml.length) fail('content after the root element');
  return root;
}

function child(node: XmlElement | undefined, name: string): XmlElement {
  const found = node?.children.find((c) => c.name === name);
  if (!found) throw new Error(`no <${name}> in <${node?.name}>`);
  return found;
}

function properties(node: XmlElement): Record<string, string> {
  return Object.fromEntries(
    child(node, 'properties').children.map((p) => [p.attributes.name ?? '', p.attributes.value ?? '']),
  );
}

function check(overrides: Partial<CheckResult>): CheckResult {
  return {
    name: 'GET /health',
    method: 'GET',
    url: 'https://example.test/health',
    passed: true,
    reasons: [],
    readiness: { ready: true, attempts: 1, waitedMs: 0 },
    status: 200,
    samples: { sent: 20, failed: 0, errorRate: 0 },
    latencyMs: { p50: 12.34, p95: 48.9, p99: 97.26, max: 120, mean: 20.5, count: 20 },
    durationMs: 321,
    ...overrides,
  };
}

const report: SmokeReport = {
  passed: false,
  startedAt: '2024-05-01T12:00:00.000Z',
  durationMs: 4567,
  checks: [
    check({
      tls: {
        subject: 'CN=example.test',
        issuer: 'CN=Test CA',
        validTo: '2025-01-01T00:00:00.000Z',
        daysLeft: 245,
      },
    }),
    check({
      name: `POST /items?a=1&b="2" <'x'>`,
      method: 'POST',
      url: 'https://example.test/items?a=1&b=2',
      passed: false,
      reasons: [
        'status 500 not in 2xx',
        'body lacks "<ok/>" & \u0000\u001b[31mmore\u0007',
        'p95 48.9 ms > 40 ms',
      ],
      status: 500,
      samples: { sent: 20, failed: 2, errorRate: 0.1 },
      durationMs: 1234.5678,
    }),
    check({
      name: 'GET /down',
      url: 'http://127.0.0.1:9/down',
      passed: false,
      reasons: [],
      readiness: {
        ready: false,
        attempts: 7,
        waitedMs: 60_000,
        lastError: 'connect ECONNREFUSED 127.0.0.1:9',
      },
      status: undefined,
      samples: { sent: 0, failed: 0, errorRate: 0 },
      latencyMs: null,
      durationMs: 60_000,
    }),
  ],
};

describe('toJUnitXml', () => {
  const xml = toJUnitXml(report);
  const root = parseXml(xml);
  const suite = child(root, 'testsuite');
  const [ok, failed, down] = suite.children.filter((c) => c.name === 'testcase');

  it('is one testsuite in a testsuites root, with the counts', () => {
    expect(root.name).toBe('testsuites');
    expect(root.attributes).toEqual({
      name: 'smoke-test',
      tests: '3',
      failures: '2',
      errors: '0',
      time: '4.567',
    });
    expect(suite.attributes).toEqual({
      name: 'smoke-test',
      tests: '3',
      failures: '2',
      errors: '0',
      skipped: '0',
      time: '4.567',
      timestamp: '2024-05-01T12:00:00.000Z',
    });
    expect(root.children.map((c) => c.name)).toEqual(['testsuite']);
    expect(suite.children.map((c) => c.name)).toEqual(['testcase', 'testcase', 'testcase']);
  });

  it('has a testcase per check with classname and time in seconds', () => {
    expect(ok?.attributes).toEqual({ name: 'GET /health', classname: 'smoke-test', time: '0.321' });
    expect(failed?.attributes).toEqual({
      name: `POST /items?a=1&b="2" <'x'>`,
      classname: 'smoke-test',
      time: '1.235',
    });
    expect(down?.attributes.time).toBe('60.000');
  });

  it('puts no failure on a passing check and the reasons on a failing one', () => {
    expect(ok?.children.map((c) => c.name)).toEqual(['properties', 'system-out']);
    const failure = child(failed, 'failure');
    expect(failure.attributes).toEqual({
      message: 'status 500 not in 2xx; body lacks "<ok/>" & [31mmore; p95 48.9 ms > 40 ms',
      type: 'SmokeCheckFailed',
    });
    expect(failure.text).toBe('status 500 not in 2xx\nbody lacks "<ok/>" & [31mmore\np95 48.9 ms > 40 ms');
    expect(child(down, 'failure').attributes).toEqual({ message: 'check failed', type: 'ServiceNotReady' });
  });

  it('records latency percentiles as properties and in system-out', () => {
    expect(properties(ok as XmlElement)).toEqual({
      method: 'GET',
      url: 'https://example.test/health',
      status: '200',
      'samples.sent': '20',
      'samples.failed': '0',
      error_rate: '0',
      'latency.p50_ms': '12.3',
      'latency.p95_ms': '48.9',
      'latency.p99_ms': '97.3',
      'latency.max_ms': '120',
      'latency.mean_ms': '20.5',
      'tls.valid_to': '2025-01-01T00:00:00.000Z',
      'tls.days_left': '245',
    });
    expect(child(ok, 'system-out').text).toBe(
      [
        'GET https://example.test/health -> 200',
        'samples: 20 sent, 0 failed (error rate 0%)',
        'latency: p50 12 ms, p95 49 ms, p99 97 ms, max 120 ms, mean 21 ms over 20 requests',
        'tls: CN=example.test, issued by CN=Test CA, valid to 2025-01-01T00:00:00.000Z (245 days left)',
      ].join('\n'),
    );
    expect(properties(failed as XmlElement).error_rate).toBe('0.1');
    expect(child(failed, 'system-out').text).toContain('samples: 20 sent, 2 failed (error rate 10%)');
  });

  it('says why a service that never came up failed', () => {
    expect(Object.keys(properties(down as XmlElement))).not.toContain('latency.p50_ms');
    expect(child(down, 'system-out').text).toBe(
      [
        'GET http://127.0.0.1:9/down',
        'not ready after 7 attempts in 1 m: connect ECONNREFUSED 127.0.0.1:9',
        'samples: 0 sent, 0 failed (error rate 0%)',
      ].join('\n'),
    );
  });

  it('escapes markup and strips characters XML 1.0 forbids', () => {
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    expect(xml).toContain('name="POST /items?a=1&amp;b=&quot;2&quot; &lt;&apos;x&apos;&gt;"');
  });

  it('takes a suite name, used as the classname too', () => {
    const named = parseXml(toJUnitXml({ ...report, checks: [check({})] }, 'smoke "prod"'));
    expect(named.attributes.name).toBe('smoke "prod"');
    expect(child(child(named, 'testsuite'), 'testcase').attributes.classname).toBe('smoke "prod"');
  });

  it('writes an empty suite for a report without checks', () => {
    const empty = parseXml(toJUnitXml({ passed: true, startedAt: 'now', durationMs: 0, checks: [] }));
    expect(empty.attributes.tests).toBe('0');
    expect(child(empty, 'testsuite').children).toEqual([]);
  });
});

describe('XML escaping', () => {
  it('escapes text', () => {
    expect(escapeXmlText(`a<b>&c "d" 'e'`)).toBe(`a&lt;b&gt;&amp;c "d" 'e'`);
    expect(escapeXmlText('1\r\n2')).toBe('1&#13;\n2');
    expect(escapeXmlText('x]]>y')).toBe('x]]&gt;y');
  });

  it('escapes attributes, keeping tabs and line breaks as references', () => {
    expect(escapeXmlAttribute(`a<b>&c "d" 'e'\t1\n2\r3`)).toBe(
      'a&lt;b&gt;&amp;c &quot;d&quot; &apos;e&apos;&#9;1&#10;2&#13;3',
    );
    const parsed = parseXml(
      `<?xml version="1.0" encoding="UTF-8"?><x a="${escapeXmlAttribute('1\n2\t3')}"/>`,
    );
    expect(parsed.attributes.a).toBe('1\n2\t3');
  });

  it('strips control characters, noncharacters and unpaired surrogates, keeping real text', () => {
    expect(escapeXmlText('a\u0000b\u0008c\u000bd\u000ce\u001ff\t\n')).toBe('abcdef\t\n');
    expect(escapeXmlText('x\uFFFEy\uFFFFz')).toBe('xyz');
    expect(escapeXmlText('lone \uD800 and \uDC00 pair 😀 é')).toBe('lone  and  pair 😀 é');
  });

  it('round-trips any string through an attribute and text', () => {
    const nasty = `<&"'>\u0000\u0001\t\n\r]]>😀\uD800${'\u007f'}`;
    const kept = `<&"'>\t\n\r]]>😀\u007f`;
    const doc = parseXml(
      `<?xml version="1.0" encoding="UTF-8"?><x a="${escapeXmlAttribute(nasty)}">${escapeXmlText(nasty)}</x>`,
    );
    expect(doc.attributes.a).toBe(kept);
    expect(doc.text).toBe(kept);
  });
});
