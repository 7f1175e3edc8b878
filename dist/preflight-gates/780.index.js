export const id = 780;
export const ids = [780];
export const modules = {

/***/ 8780:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  isGatesFilePath: () => (/* binding */ isGatesFilePath),
  parseGatesConfig: () => (/* binding */ parseGatesConfig)
});

// UNUSED EXPORTS: CHECKS_DEFAULTS, COMMAND_TIMEOUT_MS, REVIEWS_DEFAULTS, gatesSchema, keyPath

;// CONCATENATED MODULE: ./schemas/preflight-gates.schema.json
const preflight_gates_schema_namespaceObject = /*#__PURE__*/JSON.parse('{"$schema":"http://json-schema.org/draft-07/schema#","title":"deploy-kit preflight gates","description":"The \'gates\' input of deploy-kit\'s preflight-gates action: which gates decide whether a commit may go to an environment now. Every gate given is evaluated, even when another fails; a gate not given is not evaluated.","type":"object","additionalProperties":false,"properties":{"branch":{"title":"Branch rules","description":"Which refs may go to which environment: environment name → ref patterns. Branch names (main, release/*) match branches, version-like patterns (v*, v1.*) match tags, heads/… and tags/… say which explicitly, and full refs (refs/pull/*) match as written. \'*\' matches any characters, \'/\' included. An environment without a rule takes any ref.","type":"object","minProperties":1,"additionalProperties":{"$ref":"#/definitions/refPatterns"},"examples":[{"production":["main","v*"],"staging":["*"]}]},"freeze":{"title":"Freeze windows","description":"Times when deploys are frozen: weekly windows (from \'Fri 16:00\' to \'Mon 08:00\') or date ranges, each in an IANA time zone. A list of windows, or a mapping with \'windows\', a default \'timezone\' and an \'override-label\'.","if":{"type":"array"},"then":{"$ref":"#/definitions/freezeWindows"},"else":{"$ref":"#/definitions/freezeSettings"}},"env":{"title":"Environment variables and secrets","description":"Names that must be present and non-empty in the step\'s environment (values are never printed): a list of names, or a mapping with \'variables\' and \'secrets\'.","if":{"type":"array"},"then":{"$ref":"#/definitions/envNames"},"else":{"$ref":"#/definitions/envSettings"}},"reviews":{"title":"Reviews","description":"Pull request reviews: a number of approvals (reviews: 2), or a mapping with \'min-approvals\' and \'no-changes-requested\'. Empty means 1 approval and no outstanding change requests.","type":["integer","object","null"],"minimum":0,"additionalProperties":false,"properties":{"min-approvals":{"title":"Minimum approvals","description":"Approving reviews needed (the latest review of each reviewer counts).","type":"integer","minimum":0,"default":1},"no-changes-requested":{"title":"No changes requested","description":"Fail while any reviewer\'s latest review requests changes.","type":"boolean","default":true}}},"vulnerabilities":{"title":"Vulnerabilities","description":"Findings at or above a severity, from SARIF files (code scanning, Trivy, Grype), npm audit --json files and open Dependabot alerts. Give at least one source.","type":"object","additionalProperties":false,"properties":{"fail-on":{"title":"Fail on","description":"Fail on findings at or above this severity.","type":"string","enum":["low","medium","high","critical"],"default":"critical"},"sarif":{"$ref":"#/definitions/stringOrList","title":"SARIF files","description":"SARIF files from code scanning, Trivy or Grype, relative to the workspace; * and ** globs allowed. A pattern that matches no file is an error.","examples":["trivy-results.sarif",["reports/**/*.sarif"]]},"npm-audit":{"$ref":"#/definitions/stringOrList","title":"npm audit files","description":"Files holding the output of npm audit --json (npm 6 or npm 7 and later), relative to the workspace; globs allowed.","examples":["npm-audit.json"]},"dependabot":{"title":"Dependabot alerts","description":"Read the open Dependabot alerts of the repository through the API. The workflow\'s GITHUB_TOKEN cannot read them (security-events: read covers code scanning only): pass a GitHub App token with vulnerability_alerts: read, a fine-grained token with \\"Dependabot alerts: read\\", or a classic token with the security_events scope.","type":"boolean","default":false},"ignore":{"$ref":"#/definitions/stringOrList","title":"Ignore","description":"Finding ids to accept: CVE, GHSA or rule ids.","examples":[["CVE-2024-12345","GHSA-xxxx-xxxx-xxxx"]]}}},"migrations":{"$ref":"#/definitions/command","title":"Migrations","description":"A command that exits 0 when no database migration is pending (alembic check, prisma migrate status, rails db:migrate:status): the command itself, or a mapping with \'run\', \'name\', \'cwd\' and \'timeout\'.","examples":["alembic check",{"run":"npx prisma migrate status","cwd":"api","timeout":"2m"}]},"command":{"title":"Commands","description":"Commands that must succeed (exit 0), run one after another with bash; every command runs even when one fails. A command, a mapping with \'run\', \'name\', \'cwd\' and \'timeout\', or a list of them.","if":{"type":"array"},"then":{"type":"array","minItems":1,"items":{"$ref":"#/definitions/command"}},"else":{"$ref":"#/definitions/command"}},"checks":{"title":"Checks","description":"Check runs and commit statuses on the commit: \'all\', \'required\' (those branch protection requires), a list of names or patterns (\'build (*)\' matches matrix jobs), or a mapping for the details. Empty means all.","if":{"type":"string"},"then":{"type":"string","enum":["all","required"]},"else":{"if":{"type":"array"},"then":{"$ref":"#/definitions/checkNames"},"else":{"$ref":"#/definitions/checksSettings"}}}},"definitions":{"duration":{"title":"Duration","description":"A duration with a unit: 500ms, 60s, 15m, 1h, 1m30s (a bare number is refused).","type":"string","pattern":"^\\\\s*(?:\\\\d+(?:\\\\.\\\\d+)?|\\\\.\\\\d+)\\\\s*(?:ms|s|m|h)(?:\\\\s*(?:\\\\d+(?:\\\\.\\\\d+)?|\\\\.\\\\d+)\\\\s*(?:ms|s|m|h))*\\\\s*$","examples":["60s","15m"]},"stringOrList":{"title":"One or more","description":"A string or a list of strings.","type":["string","array"],"minLength":1,"minItems":1,"items":{"type":"string","minLength":1}},"refPatterns":{"title":"Ref patterns","description":"Refs that may go to this environment: main, release/*, v* (tags), heads/x, tags/x or refs/… in full. \'*\' matches any characters.","type":["string","array"],"minLength":1,"minItems":1,"items":{"type":"string","minLength":1},"examples":[["main","v*"]]},"freezeSettings":{"title":"Freeze settings","description":"Freeze windows with a default time zone and an override label.","type":"object","additionalProperties":false,"required":["windows"],"properties":{"windows":{"$ref":"#/definitions/freezeWindows","title":"Windows","description":"The freeze windows; a deploy is frozen while now is inside any window that applies to its environment."},"timezone":{"title":"Time zone","description":"The IANA time zone of windows that give none, like Europe/Berlin or America/New_York.","type":"string","minLength":1,"examples":["Europe/Berlin"]},"override-label":{"title":"Override label","description":"A pull request label that lets a frozen deploy through in an emergency; the override is recorded in the summary.","type":"string","minLength":1,"examples":["emergency"]}}},"freezeWindows":{"title":"Freeze windows","description":"Weekly windows or date ranges.","type":"array","minItems":1,"items":{"$ref":"#/definitions/freezeWindow"}},"freezeWindow":{"title":"Freeze window","description":"A weekly window (from \'Fri 16:00\' to \'Mon 08:00\') or a date range (from 2026-12-20 to 2027-01-02, or with times: 2026-12-20T18:00). A date without a time starts at 00:00; as \'to\' it includes that whole day.","type":"object","additionalProperties":false,"required":["from","to"],"properties":{"name":{"title":"Name","description":"Shown in the report: frozen by \'year-end\' until …","type":"string","minLength":1},"from":{"title":"From","description":"Start: a weekday and time (\'Fri 16:00\') or a date, optionally with a time (2026-12-20, 2026-12-20T18:00).","type":"string","pattern":"^\\\\s*(?:[A-Za-z]{3,9}\\\\s+\\\\d{1,2}:\\\\d{2}|\\\\d{4}-\\\\d{2}-\\\\d{2}(?:[T ]\\\\d{1,2}:\\\\d{2})?)\\\\s*$","examples":["Fri 16:00","2026-12-20","2026-12-20T18:00"]},"to":{"title":"To","description":"End, in the same form as \'from\' (a weekday and time, or a date); a date alone includes that whole day.","type":"string","pattern":"^\\\\s*(?:[A-Za-z]{3,9}\\\\s+\\\\d{1,2}:\\\\d{2}|\\\\d{4}-\\\\d{2}-\\\\d{2}(?:[T ]\\\\d{1,2}:\\\\d{2})?)\\\\s*$","examples":["Mon 08:00","2027-01-02"]},"timezone":{"title":"Time zone","description":"The IANA time zone the times are in, like Europe/Berlin, America/New_York or UTC (not an abbreviation like CET).","type":"string","minLength":1,"examples":["Europe/Berlin","America/New_York","UTC"]},"environments":{"$ref":"#/definitions/stringOrList","title":"Environments","description":"The environments this window freezes; all when not given.","examples":[["production"]]}}},"envNames":{"title":"Variable names","description":"Names of environment variables.","type":"array","minItems":1,"items":{"type":"string","pattern":"^[A-Za-z_][A-Za-z0-9_]*$"}},"envSettings":{"title":"Variables and secrets","description":"Variables and secrets that must be set; the values are never printed.","type":"object","additionalProperties":false,"properties":{"variables":{"$ref":"#/definitions/envNames","title":"Variables","description":"Names of variables that must be present and non-empty."},"secrets":{"$ref":"#/definitions/envNames","title":"Secrets","description":"Names of secrets (mapped into the step with env:) that must be present and non-empty."}}},"command":{"title":"Command","description":"A bash command, or a mapping with \'run\', \'name\', \'cwd\' and \'timeout\'.","type":["string","object"],"minLength":1,"additionalProperties":false,"required":["run"],"properties":{"run":{"title":"Run","description":"The command, run with bash -c in the workspace; it passes when it exits 0.","type":"string","minLength":1},"name":{"title":"Name","description":"Shown in the report and the log group; defaults to the command.","type":"string","minLength":1},"cwd":{"title":"Working directory","description":"Where the command runs, relative to the workspace.","type":"string","minLength":1},"timeout":{"$ref":"#/definitions/duration","title":"Timeout","description":"How long the command may run before it is stopped (default 10m).","default":"10m"}}},"checkNames":{"title":"Check names","description":"Check run or commit status names, or patterns with * (\'build (*)\').","type":"array","minItems":1,"items":{"type":"string","minLength":1}},"checksSettings":{"title":"Checks settings","description":"Which checks must pass, and how long to wait for them.","type":["object","null"],"additionalProperties":false,"properties":{"mode":{"title":"Mode","description":"all checks on the commit, only those branch protection requires, or the named ones (\'names\').","type":"string","enum":["all","required","named"]},"names":{"$ref":"#/definitions/checkNames","title":"Names","description":"Checks that must pass, by name or pattern (\'build (*)\'); implies mode: named."},"ignore":{"$ref":"#/definitions/checkNames","title":"Ignore","description":"Checks never waited on nor judged, by name or pattern."},"allowed-conclusions":{"title":"Allowed conclusions","description":"Conclusions that count as passing.","type":"array","minItems":1,"items":{"type":"string","enum":["success","neutral","skipped","failure","cancelled","timed_out","action_required","stale","startup_failure"]},"default":["success","neutral","skipped"]},"grace":{"$ref":"#/definitions/duration","title":"Grace period","description":"How long checks may take to appear before a missing one counts as missing.","default":"60s"},"interval":{"$ref":"#/definitions/duration","title":"Poll interval","description":"The first wait between polls; it grows up to max-interval.","default":"10s"},"max-interval":{"$ref":"#/definitions/duration","title":"Longest poll interval","description":"The longest wait between polls.","default":"60s"},"timeout":{"$ref":"#/definitions/duration","title":"Timeout","description":"How long to wait for checks to finish at most.","default":"15m"},"fail-fast":{"title":"Fail fast","description":"Stop waiting as soon as a judged check has failed (the verdict cannot turn to pass); false waits for every check to finish.","type":"boolean","default":true}}}}}');
// EXTERNAL MODULE: ./src/common/durations.ts
var durations = __webpack_require__(2204);
// EXTERNAL MODULE: ./src/common/input-error.ts
var input_error = __webpack_require__(5598);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(8815);
// EXTERNAL MODULE: ./src/common/workspace-path.ts
var workspace_path = __webpack_require__(7682);
;// CONCATENATED MODULE: ./src/common/yaml-config.ts
// A YAML (or JSON) document given inline or as a file, validated against a JSON Schema with ajv, and its
// problems turned into messages that name each key path as the user wrote it and its line and column.
// The engine behind preflight-gates' `gates` (src/gates/config.ts) and smoke-test's `checks`
// (src/probe/checks-config.ts); each keeps its own wording through the options below.
//
// Loaded only by those two modules, which their actions import on demand; ajv is loaded (by the function
// each document gives) on the first validation only, so neither weighs on start-up.





/** Messages name at most this many problems, then how many more there are. */
const MAX_PROBLEMS = 20;
/** A single line ending in .yml/.yaml/.json that is not YAML itself (no `key: value`, `- item`, `{`, `[`). */
function isConfigFilePath(text) {
    const value = text.trim();
    return (!/[\r\n]/.test(value) && /\.(ya?ml|json)$/i.test(value) && !/^[-[{]/.test(value) && !/:\s/.test(value));
}
/**
 * Reads the text (or the file it names) and parses it as YAML. Throws an InputError for a file that cannot
 * be read and for a syntax error, with its position.
 */
async function readYamlConfig(text, opts) {
    const { wording } = opts;
    const source = await readSource(text, opts);
    const lineCounter = new dist/* LineCounter */.HN();
    const doc = (0,dist/* parseDocument */.Tp)(source.text, { lineCounter, merge: true, prettyErrors: false });
    const config = new YamlConfig(wording, doc, lineCounter, source.file);
    const syntaxError = doc.errors[0];
    if (syntaxError) {
        const location = config.at(syntaxError.pos[0]);
        const line = source.text.split(/\r?\n/)[location.line - 1] ?? '';
        const hint = wording.syntaxHint?.(syntaxError.code, line) ?? '';
        throw new input_error/* InputError */.dz(wording.input, wording.notYaml(`${syntaxError.message}${hint} (${formatLocation(location)})`), location);
    }
    return config;
}
class YamlConfig {
    wording;
    doc;
    lineCounter;
    file;
    /** The document as plain data (anchors and merge keys resolved). */
    value;
    constructor(wording, doc, lineCounter, 
    /** The file the text named, as positions show it; absent for inline text. */
    file) {
        this.wording = wording;
        this.doc = doc;
        this.lineCounter = lineCounter;
        this.file = file;
        this.value = doc.errors.length > 0 ? undefined : doc.toJS({ maxAliasCount: 1000 });
    }
    at(offset) {
        const { line, col } = this.lineCounter.linePos(offset);
        return this.file === undefined ? { line, column: col } : { file: this.file, line, column: col };
    }
    /**
     * Validates `document` (the value, or a form of it whose paths `sourcePath` maps back to the source) and
     * throws an InputError naming every schema problem.
     */
    async validate(document, vocabulary, sourcePath) {
        const validate = await compiledSchema(vocabulary);
        if (!validate(document)) {
            this.report(schemaProblems(validate.errors ?? [], document, vocabulary, this.wording), sourcePath);
        }
    }
    /** Throws an InputError naming the problems (up to MAX_PROBLEMS) in source order, each with its position. */
    report(problems, sourcePath = (path) => path) {
        for (const problem of problems) {
            const offset = nodeOffset(this.doc, sourcePath(problem.path), problem.key);
            if (offset !== undefined) {
                problem.offset = offset;
                problem.location = this.at(offset);
            }
        }
        problems.sort((a, b) => (a.offset ?? Number.MAX_SAFE_INTEGER) - (b.offset ?? Number.MAX_SAFE_INTEGER));
        const lines = problems
            .slice(0, MAX_PROBLEMS)
            .map((p) => (p.location ? `${p.message} (${formatLocation(p.location)})` : p.message));
        if (problems.length > MAX_PROBLEMS)
            lines.push(`... and ${problems.length - MAX_PROBLEMS} more`);
        const message = problems.length === 1
            ? this.wording.one(lines[0])
            : `${this.wording.many(problems.length)}\n  ${lines.join('\n  ')}`;
        throw new input_error/* InputError */.dz(this.wording.input, message, problems[0]?.location);
    }
}
// ---------------------------------------------------------------------------------------------------------
// Source and positions
async function readSource(text, opts) {
    if (!isConfigFilePath(text))
        return { text };
    const named = text.trim();
    const absolute = opts.roots
        ? (0,workspace_path/* resolveInside */.LI)({ input: opts.wording.input }, named, opts.roots, opts.baseDir ?? '.')
        : (0,external_node_path_.resolve)(opts.baseDir ?? '.', named);
    const read = opts.readFile ?? ((path) => (0,promises_.readFile)(path, 'utf8'));
    const file = opts.displayFile?.(absolute) ?? named;
    try {
        return { text: await read(absolute), file };
    }
    catch (error) {
        const code = error.code;
        const why = code === 'ENOENT' ? 'which does not exist' : `which cannot be read (${error.message})`;
        throw new input_error/* InputError */.dz(opts.wording.input, opts.wording.whole(`names the file ${(0,input_error/* quote */.hD)(named)} (${absolute}), ${why}`));
    }
}
function formatLocation(location) {
    return location.file === undefined
        ? `at line ${location.line}, column ${location.column}`
        : `at ${location.file}:${location.line}:${location.column}`;
}
/** The source offset of the node at `segments` (or of the key `key` in it); the nearest ancestor's if absent. */
function nodeOffset(doc, segments, key) {
    let node = doc.contents;
    let offset = rangeStart(node);
    const steps = segments.map((segment) => ({ segment, key: false }));
    if (key !== undefined)
        steps.push({ segment: key, key: true });
    for (const step of steps) {
        if ((0,dist/* isAlias */.Vj)(node))
            node = node.resolve(doc);
        if ((0,dist/* isMap */.jh)(node)) {
            const pair = node.items.find((p) => (0,dist/* isScalar */.jn)(p.key) && String(p.key.value) === String(step.segment));
            if (!pair)
                break;
            node = step.key ? pair.key : pair.value;
        }
        else if ((0,dist/* isSeq */.oP)(node) && typeof step.segment === 'number') {
            node = node.items[step.segment];
        }
        else {
            break;
        }
        offset = rangeStart(node) ?? offset;
    }
    return offset;
}
function rangeStart(node) {
    return node?.range?.[0];
}
/** `freeze.windows[0].timezone`; keys that are not plain words are bracketed: `headers["x y"]`. */
function keyPath(segments) {
    return segments
        .map((s, i) => {
        if (typeof s === 'number')
            return `[${s}]`;
        if (/^[A-Za-z_$][\w$-]*$/.test(s))
            return i === 0 ? s : `.${s}`;
        return `[${JSON.stringify(s)}]`;
    })
        .join('');
}
// ---------------------------------------------------------------------------------------------------------
// The schema, with ajv's errors in the user's terms
const compiled = new Map();
/** The schema compiled on first use, with the ajv its document loads (on demand, so start-up never pays). */
function compiledSchema({ schema, ajv }) {
    let validate = compiled.get(schema);
    if (!validate) {
        validate = ajv().then((mod) => {
            // Node and ncc hand over module.exports (the Ajv class) as the default.
            const AjvClass = mod.default;
            return new AjvClass({ allErrors: true, verbose: true, allowUnionTypes: true, strict: true }).compile(schema);
        });
        compiled.set(schema, validate);
    }
    return validate;
}
const TYPE_WORDS = {
    string: 'a string',
    integer: 'a whole number',
    number: 'a number',
    boolean: 'true or false',
    object: 'a mapping (key: value)',
    array: 'a list',
    null: 'empty',
};
function schemaProblems(errors, document, vocabulary, wording) {
    const byPath = new Map();
    for (const error of errors) {
        if (['if', 'anyOf', 'oneOf'].includes(error.keyword))
            continue;
        const group = byPath.get(error.instancePath) ?? [];
        group.push(error);
        byPath.set(error.instancePath, group);
    }
    const problems = [];
    for (const [pointer, group] of byPath) {
        const { segments, value } = resolvePointer(document, pointer);
        const label = keyPath(segments);
        const say = (rest) => (label === '' ? wording.root(rest) : `${label}: ${rest}`);
        const semantic = vocabulary.semantic?.find((s) => s.pattern.test(pointer));
        if (semantic && (typeof value === 'string' || typeof value === 'number')) {
            try {
                semantic.parse(label, String(value));
            }
            catch (error) {
                if (!(error instanceof input_error/* InputError */.dz))
                    throw error;
                problems.push({ path: segments, message: error.message });
                continue;
            }
        }
        // A type error beside deeper errors, or beside other errors here, is a union branch that did not apply.
        const deeper = [...byPath.keys()].some((p) => p.startsWith(`${pointer}/`));
        const others = group.filter((e) => e.keyword !== 'type');
        if (deeper && others.length === 0)
            continue;
        const relevant = others.length > 0 ? others : group;
        const types = relevant.filter((e) => e.keyword === 'type');
        if (types.length > 0) {
            const words = types
                .flatMap((e) => String(e.params.type).split(','))
                .map((t) => vocabulary.typeWord?.(t, types) ?? TYPE_WORDS[t] ?? t);
            problems.push({
                path: segments,
                message: say(`must be ${either([...new Set(words)])}, got ${render(value)}`),
            });
        }
        for (const error of relevant) {
            if (error.keyword === 'type')
                continue;
            const schema = (error.parentSchema ?? {});
            const place = { error, segments, label, value, schema, say };
            const said = vocabulary.special?.(place) ?? describeError(place);
            problems.push(said.key === undefined ? { path: segments, message: said.message } : { path: segments, ...said });
        }
    }
    return problems;
}
function describeError(place) {
    const { error, value, schema, say } = place;
    switch (error.keyword) {
        case 'additionalProperties': {
            const key = String(error.params.additionalProperty);
            const allowed = Object.keys((schema.properties ?? {}));
            return { message: say(`unknown key '${key}' (${suggest(key, allowed, 'allowed')})`), key };
        }
        case 'required':
            return { message: say(`missing required key '${String(error.params.missingProperty)}'`) };
        case 'enum':
            return { message: mustBeOneOf(place) };
        case 'minimum':
        case 'maximum': {
            const whole = [schema.type].flat().includes('integer') ? 'a whole number' : 'a number';
            const { minimum, maximum } = schema;
            const range = minimum !== undefined && maximum !== undefined
                ? `${whole} from ${minimum} to ${maximum}`
                : minimum !== undefined
                    ? `${whole} of at least ${minimum}`
                    : `${whole} of at most ${maximum}`;
            return { message: say(`must be ${range}, got ${render(value)}`) };
        }
        case 'minItems':
            return { message: say('must not be an empty list') };
        case 'minProperties':
        case 'minLength':
            return { message: say('must not be empty') };
        case 'pattern':
            return { message: say(`must match ${String(error.params.pattern)}, got ${render(value)}`) };
        default:
            return { message: say(error.message ?? 'is not valid') };
    }
}
/** An enum's message: `must be one of a, b<more>, got 'x' (did you mean 'a'?)`, with the guess `guess` makes. */
function mustBeOneOf({ error, value, say }, guess = closest, more = '') {
    const allowed = error.params.allowedValues.map(String);
    const guessed = guess(String(value), allowed);
    const hint = guessed ? ` (did you mean '${guessed}'?)` : '';
    return say(`must be one of ${allowed.join(', ')}${more}, got ${render(value)}${hint}`);
}
/** `did you mean 'timeout'? allowed: url, timeout`: the nearest of the words, then all of them. */
function suggest(word, words, heading) {
    const guess = closest(word, words);
    return `${guess ? `did you mean '${guess}'? ` : ''}${heading}: ${words.join(', ')}`;
}
/** `a`, `a or b`, `a, b or c`. */
function either(words) {
    return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}
/** A value as messages show it: strings quoted, lists and mappings by their kind. */
function render(value) {
    if (value === null || value === undefined)
        return 'an empty value';
    if (typeof value === 'string')
        return (0,input_error/* quote */.hD)(value);
    if (Array.isArray(value))
        return 'a list';
    if (typeof value === 'object')
        return 'a mapping';
    return String(value);
}
function resolvePointer(document, pointer) {
    const segments = [];
    let value = document;
    for (const part of pointer === '' ? [] : pointer.slice(1).split('/')) {
        const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
        if (Array.isArray(value)) {
            segments.push(Number(key));
            value = value[Number(key)];
        }
        else {
            segments.push(key);
            value =
                value !== null && typeof value === 'object' ? value[key] : undefined;
        }
    }
    return { segments, value };
}
/** The allowed word nearest to a misspelt one (edit distance ≤ 2, or a case/separator difference). */
function closest(word, allowed) {
    const norm = (s) => s.toLowerCase().replace(/[-_ ]/g, '');
    const same = allowed.find((a) => norm(a) === norm(word));
    if (same)
        return same;
    let best;
    for (const candidate of allowed) {
        const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
        if (distance <= 2 && (!best || distance < best.distance))
            best = { word: candidate, distance };
    }
    return best?.word;
}
function editDistance(a, b) {
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++) {
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
        }
        previous = current;
    }
    return previous[b.length] ?? 0;
}

// EXTERNAL MODULE: ./src/gates/types.ts
var types = __webpack_require__(2301);
;// CONCATENATED MODULE: ./src/gates/window-time.ts
// The times of a freeze window as written in the gates: `from`/`to` are a weekday and a 24-hour time
// (`Fri 16:00`, `friday 08:30`) or a date (`2026-12-20`), optionally with a time (`2026-12-20T18:00`). A date
// alone as `to` includes that whole day. Time zones are IANA names, spelt as Intl knows them. How times
// that do not exist or repeat on DST days are read is freeze.ts's to say (see there).

const WINDOW_TIME_EXPECTED = "a weekday and time like 'Fri 16:00', or a date like 2026-12-20 (with a time: 2026-12-20T18:00)";
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
/**
 * `Fri 16:00` (a weekday, three letters or in full, any case; a 24-hour time) or `2026-12-20` /
 * `2026-12-20T18:00` (also with a space). As an `end`, a date without a time is the whole day: the window
 * ends at 00:00 of the next day.
 */
function parseWindowTime(label, text, as = 'start') {
    const value = text.trim();
    const bad = (hint) => {
        throw new input_error/* InputError */.dz(label, `${label}: must be ${WINDOW_TIME_EXPECTED}, got ${(0,input_error/* quote */.hD)(text)}${hint ? ` (${hint})` : ''}`);
    };
    const clock = (h, m) => {
        const hours = Number(h);
        const minutes = Number(m);
        if (hours > 23 || minutes > 59)
            bad('hours run from 00 to 23, minutes from 00 to 59');
        return hours * 60 + minutes;
    };
    const weekly = /^([A-Za-z]+)\s+(\d{1,2}):(\d{2})$/.exec(value);
    if (weekly) {
        const word = (weekly[1] ?? '').toLowerCase();
        const day = WEEKDAYS.findIndex((d) => d === word || (word.length === 3 && d.startsWith(word)));
        if (day < 0)
            bad(`'${weekly[1]}' is not a weekday; use Mon, Tue, Wed, Thu, Fri, Sat or Sun`);
        return { kind: 'weekly', day, minutes: clock(weekly[2] ?? '', weekly[3] ?? '') };
    }
    const date = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2}))?$/.exec(value);
    if (!date)
        return bad();
    const [year, month, dayOfMonth] = [Number(date[1]), Number(date[2]), Number(date[3])];
    const probe = new Date(Date.UTC(year, month - 1, dayOfMonth));
    if (probe.getUTCFullYear() !== year ||
        probe.getUTCMonth() !== month - 1 ||
        probe.getUTCDate() !== dayOfMonth) {
        bad(`${date[1]}-${date[2]}-${date[3]} is not a date in the calendar`);
    }
    if (date[4] !== undefined) {
        const minutes = clock(date[4], date[5] ?? '');
        return {
            kind: 'date',
            wall: `${date[1]}-${date[2]}-${date[3]}T${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`,
        };
    }
    if (as === 'end') {
        const next = new Date(Date.UTC(year, month - 1, dayOfMonth + 1));
        return { kind: 'date', wall: `${next.toISOString().slice(0, 10)}T00:00` };
    }
    return { kind: 'date', wall: `${date[1]}-${date[2]}-${date[3]}T00:00` };
}
function pad(n) {
    return String(n).padStart(2, '0');
}
/** The zone's canonical spelling (`europe/berlin` → `Europe/Berlin`), or undefined when Intl does not know it. */
function canonicalTimeZone(zone) {
    try {
        return new Intl.DateTimeFormat('en-US', { timeZone: zone.trim() }).resolvedOptions().timeZone;
    }
    catch {
        return undefined;
    }
}
function unknownZone(zone) {
    const word = zone.trim().toLowerCase().replace(/ /g, '_');
    const known = Intl.supportedValuesOf('timeZone');
    const guesses = known.filter((z) => z.toLowerCase().split('/').at(-1) === word).slice(0, 3);
    const hint = guesses.length > 0 ? `did you mean ${guesses.map((g) => `'${g}'`).join(' or ')}? ` : '';
    return `unknown time zone ${(0,input_error/* quote */.hD)(zone)} (${hint}give an IANA zone like Europe/Berlin, America/New_York or UTC)`;
}

;// CONCATENATED MODULE: ./src/gates/config.ts
// The `gates` input of preflight-gates: YAML (or JSON) validated against the published JSON Schema
// (schemas/preflight-gates.schema.json) and turned into a typed GatesConfig, with the defaults of types.ts.
//
// The shape, every key optional; a gate that is not given is not evaluated:
//
//   branch:                              # environment → refs that may go there
//     production: [main, 'v*']           # branches by name; version-like patterns (v*, v1.*) match tags
//     staging: ['*']                     # '*' matches any characters, '/' included
//   freeze:                              # or just the list of windows
//     timezone: Europe/Berlin            # for windows that name none
//     override-label: emergency          # a PR label that lets a frozen deploy through (recorded)
//     windows:
//       - { name: weekend, from: 'Fri 16:00', to: 'Mon 08:00', environments: [production] }
//       - { name: year-end, from: 2026-12-20, to: 2027-01-02, timezone: America/New_York }
//   env: { variables: [API_URL], secrets: [DEPLOY_TOKEN] }   # or a list of names
//   reviews: 2                           # or { min-approvals: 2, no-changes-requested: true }; empty: 1
//   vulnerabilities:
//     fail-on: high                      # low | medium | high | critical (default)
//     sarif: [trivy.sarif, 'reports/**/*.sarif']
//     npm-audit: npm-audit.json
//     dependabot: true
//     ignore: [CVE-2024-12345]
//   migrations: alembic check            # or { run, name, cwd, timeout }
//   command:                             # a command, a mapping, or a list of them
//     - ./scripts/check-config.sh
//     - { name: plan, run: terraform plan -detailed-exitcode, cwd: infra, timeout: 10m }
//   checks: required                     # all | required | [test, 'build (*)'] | a mapping:
//   # checks: { names: [test], ignore: [lint], allowed-conclusions: [success], grace: 60s,
//   #           interval: 10s, max-interval: 60s, timeout: 15m, fail-fast: true }
//
// Freeze times (`from`/`to` of a window, and its time zone) are read by window-time.ts.
//
// Validation runs in two passes: the schema (shape, types, unknown gates and keys), then the meaning (time
// zones, durations, weekdays and dates, duplicate names). Every problem names its key path as the user wrote
// it (`freeze.windows[0].timezone`, or `freeze[0].timezone` for the list form) and its line and column.






/** The JSON Schema the gates are validated with; the same object as the published schema file. */

const CHECKS_DEFAULTS = {
    ignore: [],
    allowedConclusions: ['success', 'neutral', 'skipped'],
    graceMs: 60_000,
    intervalMs: 10_000,
    maxIntervalMs: 60_000,
    timeoutMs: 15 * 60_000,
};
const REVIEWS_DEFAULTS = { minApprovals: 1, noChangesRequested: true };
const COMMAND_TIMEOUT_MS = 10 * 60_000;
/**
 * Parses and validates the gates (YAML or JSON text, or a single line naming a .yml, .yaml or .json file
 * read from `baseDir`) into a GatesConfig with every default applied. Throws an InputError naming every
 * problem found (up to 20), each with its key path and source position.
 */
async function parseGatesConfig(text, opts = {}) {
    const input = opts.input ?? 'gates';
    const source = await readYamlConfig(text, {
        wording: gatesWording(input),
        baseDir: opts.baseDir,
        readFile: opts.readFile,
        roots: opts.roots,
    });
    const raw = source.value;
    if (raw === null || raw === undefined) {
        throw new input_error/* InputError */.dz(input, `${input}: is empty; give the gates as YAML, like 'checks: required'`);
    }
    if (typeof raw !== 'object' || Array.isArray(raw)) {
        throw new input_error/* InputError */.dz(input, `${input}: must be a mapping of gates (${types/* GATE_ORDER */.x.join(', ')}), got ${render(raw)}`);
    }
    await source.validate(raw, GATES_VOCABULARY);
    const problems = [];
    const config = build(raw, problems);
    if (problems.length > 0)
        source.report(problems);
    return config;
}
/** Every message starts with the input's name: `gates: checks.grace: …`, `gates: 3 problems: …`. */
function gatesWording(input) {
    const whole = (rest) => `${input}: ${rest}`;
    return {
        input,
        whole,
        notYaml: (detail) => whole(`not valid YAML: ${detail}`),
        // The root fails the schema only by unknown gates, which are worded apart.
        root: (rest) => rest,
        one: whole,
        many: (count) => whole(`${count} problems:`),
    };
}
/** A single line ending in .yml/.yaml/.json that is not YAML itself (no `key: value`, `- item`, `{`, `[`). */
const isGatesFilePath = isConfigFilePath;

// ---------------------------------------------------------------------------------------------------------
// Pass 1: the schema, with ajv's errors in the user's terms
const GATES_VOCABULARY = {
    schema: preflight_gates_schema_namespaceObject,
    ajv: () => __webpack_require__.e(/* import() */ 463).then(__webpack_require__.t.bind(__webpack_require__, 2463, 23)),
    semantic: [
        {
            pattern: /^\/(checks\/(grace|interval|max-interval|timeout)|migrations\/timeout|command(\/\d+)?\/timeout)$/,
            parse: (label, text) => (0,durations/* parseDuration */.E9)(label, text),
        },
        {
            pattern: /^\/freeze(\/windows)?\/\d+\/(from|to)$/,
            parse: (label, text) => parseWindowTime(label, text),
        },
    ],
    special: (place) => {
        const { error, segments, label, value } = place;
        if (error.keyword === 'additionalProperties' && segments.length === 0) {
            const key = String(error.params.additionalProperty);
            return { message: `unknown gate '${key}' (${suggest(key, [...types/* GATE_ORDER */.x], 'known')})`, key };
        }
        if (error.keyword === 'enum' && segments.length === 1 && segments[0] === 'checks') {
            return { message: mustBeOneOf(place, closest, ', a list of check names or a mapping') };
        }
        if (error.keyword === 'pattern' &&
            /^\/env(\/(variables|secrets))?\/\d+$/.test(`/${segments.join('/')}`)) {
            return {
                message: `${label}: must be a variable name (letters, digits and _, not starting with a digit), got ${render(value)}`,
            };
        }
        return undefined;
    },
};
function listOf(value) {
    return value === undefined ? [] : Array.isArray(value) ? value : [value];
}
function build(raw, problems) {
    const fail = (path, rest) => problems.push({ path, message: `${keyPath(path)}: ${rest}` });
    const attempt = (path, fn) => {
        try {
            return fn();
        }
        catch (error) {
            if (!(error instanceof input_error/* InputError */.dz))
                throw error;
            problems.push({ path, message: error.message });
            return undefined;
        }
    };
    // A grace period may be 0s; a timeout or a poll interval may not.
    const duration = (path, text, fallback) => text === undefined
        ? fallback
        : (attempt(path, () => (0,durations/* parseDuration */.E9)(keyPath(path), text, { min: path.at(-1) === 'grace' ? 0 : 1 })) ??
            fallback);
    const config = {};
    if (raw.branch !== undefined)
        config.branch = branchConfig(raw.branch);
    if (raw.freeze !== undefined)
        config.freeze = freezeConfig(raw.freeze, fail, attempt);
    if (raw.env !== undefined)
        config.env = envConfig(raw.env, fail);
    if (raw.reviews !== undefined)
        config.reviews = reviewsConfig(raw.reviews);
    if (raw.vulnerabilities !== undefined)
        config.vulnerabilities = vulnerabilitiesConfig(raw.vulnerabilities, fail);
    if (raw.migrations !== undefined) {
        config.migrations = commandConfig(raw.migrations, ['migrations'], duration, 'program');
    }
    if (raw.command !== undefined) {
        const list = Array.isArray(raw.command) ? raw.command : [raw.command];
        const commands = list.map((entry, i) => commandConfig(entry, Array.isArray(raw.command) ? ['command', i] : ['command'], duration, 'line'));
        const seen = new Map();
        commands.forEach((command, i) => {
            const earlier = seen.get(command.name);
            if (earlier === undefined) {
                seen.set(command.name, i);
                return;
            }
            const entry = list[i];
            const path = typeof entry === 'object' && entry.name !== undefined ? ['command', i, 'name'] : ['command', i];
            fail(path, `the name ${(0,input_error/* quote */.hD)(command.name)} is already used by command[${earlier}]; give each command a distinct name`);
        });
        config.command = commands;
    }
    if (raw.checks !== undefined)
        config.checks = checksConfig(raw.checks, fail, duration);
    return config;
}
function branchConfig(raw) {
    return {
        rules: Object.entries(raw).map(([environment, refs]) => ({ environment, refs: listOf(refs) })),
    };
}
function freezeConfig(raw, fail, attempt) {
    const listForm = Array.isArray(raw);
    const windows = listForm ? raw : raw.windows;
    const base = listForm ? ['freeze'] : ['freeze', 'windows'];
    const defaultZone = listForm ? undefined : raw.timezone;
    let defaultZoneValid;
    if (defaultZone !== undefined) {
        const zone = canonicalTimeZone(defaultZone);
        if (zone === undefined)
            fail(['freeze', 'timezone'], unknownZone(defaultZone));
        defaultZoneValid = zone;
    }
    const parsed = [];
    const names = new Map();
    windows.forEach((window, index) => {
        const path = [...base, index];
        let timezone;
        if (window.timezone !== undefined) {
            timezone = canonicalTimeZone(window.timezone);
            if (timezone === undefined)
                fail([...path, 'timezone'], unknownZone(window.timezone));
        }
        else if (defaultZone === undefined) {
            fail(path, "missing required key 'timezone' (an IANA time zone like Europe/Berlin; or set freeze.timezone for every window)");
        }
        else {
            timezone = defaultZoneValid;
        }
        const from = attempt([...path, 'from'], () => parseWindowTime(keyPath([...path, 'from']), window.from));
        const to = attempt([...path, 'to'], () => parseWindowTime(keyPath([...path, 'to']), window.to, 'end'));
        if (window.name !== undefined) {
            const earlier = names.get(window.name);
            if (earlier !== undefined) {
                fail([...path, 'name'], `the name ${(0,input_error/* quote */.hD)(window.name)} is already used by ${keyPath([...base, earlier])}`);
            }
            else {
                names.set(window.name, index);
            }
        }
        if (!from || !to || timezone === undefined)
            return;
        const environments = listOf(window.environments);
        const named = window.name === undefined ? {} : { name: window.name };
        if (from.kind === 'weekly' && to.kind === 'weekly') {
            if (from.day === to.day && from.minutes === to.minutes) {
                fail([...path, 'to'], `must differ from 'from' (${window.from}); a window cannot be empty or the whole week`);
                return;
            }
            parsed.push({
                kind: 'weekly',
                ...named,
                timezone,
                from: { day: from.day, minutes: from.minutes },
                to: { day: to.day, minutes: to.minutes },
                environments,
            });
        }
        else if (from.kind === 'date' && to.kind === 'date') {
            if (to.wall <= from.wall) {
                fail([...path, 'to'], `must be after 'from' (${window.from}), got ${(0,input_error/* quote */.hD)(window.to)}`);
                return;
            }
            parsed.push({ kind: 'dates', ...named, timezone, from: from.wall, to: to.wall, environments });
        }
        else {
            fail([...path, 'to'], `must be of the same kind as 'from': both a weekday and time ('Fri 16:00'), or both dates (2026-12-20), got ${(0,input_error/* quote */.hD)(window.from)} and ${(0,input_error/* quote */.hD)(window.to)}`);
        }
    });
    const config = { windows: parsed };
    if (!listForm && raw['override-label'] !== undefined)
        config.overrideLabel = raw['override-label'];
    return config;
}
function envConfig(raw, fail) {
    const config = Array.isArray(raw)
        ? { variables: [...raw], secrets: [] }
        : { variables: [...(raw.variables ?? [])], secrets: [...(raw.secrets ?? [])] };
    if (config.variables.length === 0 && config.secrets.length === 0) {
        fail(['env'], "must name at least one variable or secret: 'variables: [NAME]' or 'secrets: [NAME]'");
    }
    return config;
}
function reviewsConfig(raw) {
    if (raw === null)
        return { ...REVIEWS_DEFAULTS };
    if (typeof raw === 'number')
        return { ...REVIEWS_DEFAULTS, minApprovals: raw };
    return {
        minApprovals: raw['min-approvals'] ?? REVIEWS_DEFAULTS.minApprovals,
        noChangesRequested: raw['no-changes-requested'] ?? REVIEWS_DEFAULTS.noChangesRequested,
    };
}
function vulnerabilitiesConfig(raw, fail) {
    const config = {
        failOn: raw['fail-on'] ?? 'critical',
        sarif: listOf(raw.sarif),
        npmAudit: listOf(raw['npm-audit']),
        dependabot: raw.dependabot ?? false,
        ignore: listOf(raw.ignore),
    };
    if (config.sarif.length === 0 && config.npmAudit.length === 0 && !config.dependabot) {
        fail(['vulnerabilities'], "has nothing to read: give 'sarif', 'npm-audit' or 'dependabot: true'");
    }
    return config;
}
function commandConfig(raw, path, duration, defaultName) {
    const entry = typeof raw === 'string' ? { run: raw } : raw;
    const config = {
        name: entry.name ?? nameOfCommand(entry.run, defaultName),
        run: entry.run,
        timeoutMs: duration([...path, 'timeout'], entry.timeout, COMMAND_TIMEOUT_MS),
    };
    if (entry.cwd !== undefined)
        config.cwd = entry.cwd;
    return config;
}
/** `alembic` for `alembic check` (program), or the first line, shortened (line). */
function nameOfCommand(run, form) {
    const line = run.trim().split(/\r?\n/)[0]?.trim() ?? '';
    if (form === 'program') {
        const words = line.split(/\s+/).filter((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w));
        const program = (words[0] === 'npx' || words[0] === 'bundle' ? words[1] : words[0]) ?? line;
        return program.split('/').at(-1) || line;
    }
    return line.length > 60 ? `${line.slice(0, 57)}...` : line;
}
function checksConfig(raw, fail, duration) {
    if (raw === null)
        return { mode: 'all', names: [], ...CHECKS_DEFAULTS };
    if (typeof raw === 'string')
        return { mode: raw, names: [], ...CHECKS_DEFAULTS };
    if (Array.isArray(raw))
        return { mode: 'named', names: [...raw], ...CHECKS_DEFAULTS };
    const names = raw.names ?? [];
    const mode = raw.mode ?? (names.length > 0 ? 'named' : 'all');
    if (mode === 'named' && names.length === 0) {
        fail(['checks', 'mode'], "is 'named' but no 'names' are given; list the checks under 'names'");
    }
    if (mode !== 'named' && names.length > 0) {
        fail(['checks', 'names'], `apply only to mode 'named', but mode is '${mode}'; remove 'mode' or 'names'`);
    }
    const intervalMs = duration(['checks', 'interval'], raw.interval, CHECKS_DEFAULTS.intervalMs);
    const maxIntervalMs = duration(['checks', 'max-interval'], raw['max-interval'], Math.max(CHECKS_DEFAULTS.maxIntervalMs, intervalMs));
    if (maxIntervalMs < intervalMs) {
        fail(['checks', 'max-interval'], `must not be shorter than 'interval' (${raw.interval})`);
    }
    return {
        mode,
        names: [...names],
        ignore: [...(raw.ignore ?? [])],
        allowedConclusions: [...(raw['allowed-conclusions'] ?? CHECKS_DEFAULTS.allowedConclusions)],
        graceMs: duration(['checks', 'grace'], raw.grace, CHECKS_DEFAULTS.graceMs),
        intervalMs,
        maxIntervalMs,
        timeoutMs: duration(['checks', 'timeout'], raw.timeout, CHECKS_DEFAULTS.timeoutMs),
        ...(raw['fail-fast'] !== undefined ? { failFast: raw['fail-fast'] } : {}),
    };
}


/***/ })

};
