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
    # Barrels deleted.
    'src/analysis/index': {
        **{s: 'src/analysis/mann-whitney' for s in ['MannWhitneyResult', 'ShiftEstimate', 'hodgesLehmann',
                                                    'hodgesLehmannSorted', 'kthDifference', 'mannWhitney',
                                                    'mannWhitneySorted']},
        **{s: 'src/analysis/policy' for s in ['DEFAULT_POLICIES', 'decide', 'POLICIES', 'policyFor']},
        **{s: 'src/analysis/proportions' for s in ['Counts', 'TwoProportionResult', 'differenceInterval',
                                                   'twoProportionTest', 'wilsonInterval']},
        **{s: 'src/analysis/sequential' for s in ['BoundaryLook', 'SequentialLook', 'SpendingFunction',
                                                  'GroupSequentialBoundary', 'obrienFlemingSpending',
                                                  'powerSpending', 'SequentialTest', 'withLinearStart']},
        **{s: 'src/analysis/step-analysis' for s in ['ResolvedSettings', 'StepAnalysisOptions', 'combine',
                                                     'createStepAnalysis', 'DEFAULT_ERROR_RATE_SHARE',
                                                     'DEFAULT_SPENDING', 'LATENCY_FLOOR_MS', 'resolveSettings']},
        **{s: 'src/analysis/thresholds' for s in ['ThresholdCheck', 'ThresholdName', 'checkErrorRateThreshold',
                                                  'checkLatencyThresholds', 'formatMs', 'formatRate',
                                                  'quantileSorted']},
        '*': 'src/analysis/types',
    },
    'src/release/index': {
        **{s: 'src/versioning/analyze' for s in ['AnalyzeOptions', 'AnalyzeResult', 'AnalyzeStats',
                                                 'analyzeRelease', 'ShallowHistoryError']},
        **{s: 'src/versioning/commits' for s in ['Bump', 'bumpOf', 'ParsedCommit', 'parseCommits', 'ReleaseRule',
                                                 'releaseOf']},
        **{s: 'src/versioning/git' for s in ['GitError', 'RawCommit', 'readCommits']},
        **{s: 'src/versioning/notes' for s in ['NotesOptions', 'renderNotes']},
        '*': 'src/versioning/version',
    },
    'src/runner/index': {
        **{s: 'src/runner/commands' for s in ['Annotation', 'applyMasks', 'parseKeyValueFile', 'parseLog']},
        **{s: 'src/runner/manifest' for s in ['ActionManifest', 'ManifestInput', 'readManifest']},
        **{s: 'src/runner/runner' for s in ['ActionRun', 'GitHubContext', 'RunActionOptions', 'runAction',
                                            'StepResult']},
    },
}
# Symbols renamed: (module, old name) -> new name, in the import and wherever the file uses it.
RENAMES = {('src/actions/kit/run', 'runAction'): 'startAction'}
# Files and folders moved (repo paths without extension; a folder ends in /), also in import() and vi.mock.
MOVES = {
    'src/release/': 'src/versioning/',
    '__tests__/release/': '__tests__/versioning/',
    'src/analysis/reference-judges': 'bench/reference-judges',
    '__tests__/analysis/reference-judges.test': '__tests__/bench/reference-judges.test',
    'src/docs/action-tables': 'scripts/action-tables',
    '__tests__/docs/action-tables.test': '__tests__/scripts/action-tables.test',
}

STATIC = re.compile(r"^(import|export)(\s+type)?\s*\{([^}]*)\}\s*from\s*'([^']+)';", re.M)
ANY_SPEC = re.compile(r"""((?:from|import\(|vi\.mock\(|vi\.doMock\()\s*)(['"])(\.{1,2}/[^'"]+)\2""")


def resolve(file, spec):
    path = os.path.normpath(os.path.join(os.path.dirname(file), spec))
    return re.sub(r'\.(js|ts|mjs)$', '', path)


def relative(file, target, ext='.js'):
    rel = os.path.relpath(target, os.path.dirname(file))
    return (rel if rel.startswith('.') else './' + rel) + ext


def move(path, table=None):
    for old, new in (table or MOVES).items():
        if old.endswith('/') and path.startswith(old):
            return new + path[len(old):]
        if path == old:
            return new
    return path


def unmove(path):
    return move(path, {new: old for old, new in MOVES.items()})


def exists(module):
    return any(os.path.exists(module + ext) for ext in ('.ts', '.mts', '.mjs', '.js', '.d.mts'))


def rewrite(file, text):
    stem = re.sub(r'\.(ts|mts|mjs)$', '', file)
    moved_from = unmove(stem) + file[len(stem):]  # where the file was before #17, for its relative imports

    def origin_for(spec):
        # An import that already leads to a module (rewritten before, or never moved) is read from here.
        return file if exists(resolve(file, spec)) else moved_from

    def static(m):
        kind, type_kw, names, spec = m.group(1), m.group(2) or '', m.group(3), m.group(4)
        if not spec.startswith('.'):
            return m.group(0)
        origin = origin_for(spec)
        old = resolve(origin, spec)
        table = SYMBOLS.get(old)
        if table is None:
            return m.group(0)
        groups = {}
        for item in [n.strip() for n in names.split(',') if n.strip()]:
            symbol = re.sub(r'^type\s+', '', item).split(' as ')[0].strip()
            target = table.get(symbol, table.get('*'))
            if target is None:
                sys.exit(f'{file}: no new home for {symbol} from {old}')
            groups.setdefault(move(target), []).append(item)
        if list(groups) == [old] and origin == file:
            return m.group(0)
        return '\n'.join(f"{kind}{type_kw} {{ {', '.join(items)} }} from '{relative(file, target)}';"
                         for target, items in groups.items())

    text = STATIC.sub(static, text)
    for m in list(STATIC.finditer(text)):
        for (module, old), new in RENAMES.items():
            if m.group(4).startswith('.') and resolve(file, m.group(4)) == module and re.search(rf'\b{old}\b', m.group(3)):
                text = re.sub(rf'\b{old}\b', new, text)

    def any_spec(m):
        spec = m.group(3)
        origin = origin_for(spec)
        old = resolve(origin, spec)
        if old in SYMBOLS:  # already split above
            return m.group(0)
        new = move(old)
        if new == old and origin == file:
            return m.group(0)
        ext = re.search(r'\.(js|ts|mjs)$', spec)
        return f"{m.group(1)}{m.group(2)}{relative(file, new, ext.group(0) if ext else '')}{m.group(2)}"

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
