#!/usr/bin/env python3
# One-off (issue #17): rewrites imports of moved modules and symbols in every .ts/.mjs file under the given
# folders (default: src __tests__ bench scripts). Run it on a branch made before #17 landed, then tsc.
# Delete after the round's branches are merged.
#   python3 scripts/rewrite-imports-17.py [folder ...]
import os
import re
import sys

HTTP_TYPES = ['ProbeErrorKind', 'ProbeError', 'CertificateInfo', 'ProbeAnswer', 'ProbeResult', 'RequestSpec',
              'RequestOptions', 'HttpClientOptions', 'TlsSettings']
# old module (repo path without extension) -> {symbol: new module}; '*' = every other symbol.
SYMBOLS = {
    'src/probe/http-client': {
        **{t: 'src/http/types' for t in HTTP_TYPES},
        'HttpClient': 'src/http/client', 'ResponseParser': 'src/http/response-parser',
        'classifyError': 'src/http/errors', 'fetchPeerCertificate': 'src/http/tls',
        'httpUrlProblem': 'src/http/url', 'MAX_TIMER_MS': 'src/http/timing',
    },
    'src/probe/readiness': {
        'sleep': 'src/http/timing', 'Sleep': 'src/http/timing', 'describeResult': 'src/http/errors',
        'isHealable': 'src/http/retry', 'retryAfterMs': 'src/http/retry', 'backoffMs': 'src/http/retry',
        '*': 'src/probe/readiness',
    },
    'src/probe/types': {
        'StatusRange': 'src/http/status-ranges', 'TlsSettings': 'src/http/types',
        'RetrySettings': 'src/http/retry', '*': 'src/probe/types',
    },
    'src/common/units': {
        **{s: 'src/common/input-error' for s in ['SourceLocation', 'InputError', 'isKeyPath', 'describe', 'quote']},
        **{s: 'src/common/durations' for s in ['DURATION_PATTERN', 'DurationBounds', 'parseDuration',
                                               'describeDurationRange', 'DURATION_RANGES', 'formatDuration']},
        **{s: 'src/common/numbers' for s in ['PERCENT_PATTERN', 'parsePercentOrFraction', 'IntBounds',
                                             'parsePositiveInt']},
        **{s: 'src/common/words' for s in ['parseBoolean', 'parseEnum', 'parseLines', 'parseEnvironmentName']},
        **{s: 'src/http/status-ranges' for s in ['STATUS_PATTERN', 'parseStatusRanges']},
        'parseUrl': 'src/http/url',
        **{s: 'src/http/headers' for s in ['isHeaderName', 'isHeaderValue', 'headersProblem', 'parseHeaderLines']},
    },
    'src/common/safe-url': {'*': 'src/http/safe-url'},
}
# Whole folders renamed (also in dynamic import() and vi.mock paths).
FOLDERS = {'src/release/': 'src/versioning/', '__tests__/release/': '__tests__/versioning/'}

STATIC = re.compile(r"^(import|export)(\s+type)?\s*\{([^}]*)\}\s*from\s*'([^']+)';", re.M)
ANY_SPEC = re.compile(r"""((?:from|import\(|vi\.mock\(|vi\.doMock\()\s*)(['"])(\.{1,2}/[^'"]+)\2""")


def resolve(file, spec):
    path = os.path.normpath(os.path.join(os.path.dirname(file), spec))
    return re.sub(r'\.(js|ts|mjs)$', '', path)


def relative(file, target, ext='.js'):
    rel = os.path.relpath(target, os.path.dirname(file))
    return (rel if rel.startswith('.') else './' + rel) + ext


def rename_folder(path):
    for old, new in FOLDERS.items():
        if (path + '/').startswith(old):
            return new + (path + '/')[len(old):].rstrip('/')
    return path


def rewrite(file, text):
    def static(m):
        kind, type_kw, names, spec = m.group(1), m.group(2) or '', m.group(3), m.group(4)
        if not spec.startswith('.'):
            return m.group(0)
        old = resolve(file, spec)
        table = SYMBOLS.get(old)
        if table is None:
            return m.group(0)
        groups = {}
        for item in [n.strip() for n in names.split(',') if n.strip()]:
            symbol = re.sub(r'^type\s+', '', item).split(' as ')[0].strip()
            target = table.get(symbol, table.get('*'))
            if target is None:
                sys.exit(f'{file}: no new home for {symbol} from {old}')
            groups.setdefault(target, []).append(item)
        return '\n'.join(f"{kind}{type_kw} {{ {', '.join(items)} }} from '{relative(file, target)}';"
                         for target, items in groups.items())

    text = STATIC.sub(static, text)

    def any_spec(m):
        old = resolve(file, m.group(3))
        new = rename_folder(old)
        if new == old:
            return m.group(0)
        ext = re.search(r'\.(js|ts|mjs)$', m.group(3))
        return f"{m.group(1)}{m.group(2)}{relative(rename_folder(file), new, ext.group(0) if ext else '')}{m.group(2)}"

    return ANY_SPEC.sub(any_spec, text)


for root in sys.argv[1:] or ['src', '__tests__', 'bench', 'scripts']:
    for folder, _, files in os.walk(root):
        for name in files:
            if not re.search(r'\.(ts|mts|mjs)$', name):
                continue
            path = os.path.join(folder, name)
            text = open(path).read()
            new = rewrite(path, text)
            if new != text:
                open(path, 'w').write(new)
                print('rewrote', path)
