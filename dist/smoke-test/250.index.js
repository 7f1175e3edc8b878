export const id = 250;
export const ids = [250];
export const modules = {

/***/ 8250:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  loadChecks: () => (/* binding */ loadChecks)
});

// UNUSED EXPORTS: METHODS, checksSchema, isChecksFilePath, keyPath

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
;// CONCATENATED MODULE: ./schemas/smoke-test-checks.schema.json
const smoke_test_checks_schema_namespaceObject = /*#__PURE__*/JSON.parse('{"$schema":"http://json-schema.org/draft-07/schema#","title":"deploy-kit smoke-test checks","description":"The \'checks\' input of deploy-kit\'s smoke-test action: HTTP checks run after a deploy. Either a mapping with \'checks\' (and optional \'defaults\'), or just the list of checks.","if":{"type":"array"},"then":{"$ref":"#/definitions/checkList"},"else":{"$ref":"#/definitions/document"},"definitions":{"document":{"title":"Checks document","description":"A list of checks and the defaults applied to each of them.","type":"object","additionalProperties":false,"required":["checks"],"properties":{"defaults":{"$ref":"#/definitions/defaults","title":"Defaults","description":"Settings applied to every check; a check\'s own keys win, headers are merged."},"checks":{"$ref":"#/definitions/checkList","title":"Checks","description":"The HTTP checks to run, at least one."}}},"defaults":{"title":"Defaults","description":"Settings applied to every check; a check\'s own keys win, headers are merged.","type":"object","additionalProperties":false,"properties":{"headers":{"$ref":"#/definitions/headers","title":"Request headers","description":"Headers sent with every request, merged by name (case-insensitive)."},"follow-redirects":{"title":"Follow redirects","description":"Follow 3xx answers to their Location; off means a redirect is the answer checked.","type":"boolean"},"max-redirects":{"title":"Maximum redirects","description":"How many redirects to follow before failing.","type":"integer","minimum":0,"maximum":50,"examples":[5]},"timeout":{"$ref":"#/definitions/duration","title":"Timeout","description":"How long one request may take, like 5s or 500ms."},"tls":{"$ref":"#/definitions/tls","title":"TLS","description":"How the server certificate is checked (https only)."},"samples":{"title":"Samples","description":"How many requests to send for this check; latency percentiles are computed over them.","type":"integer","minimum":1,"maximum":100000,"examples":[20]},"latency":{"$ref":"#/definitions/latency","title":"Latency thresholds","description":"Latency percentiles the samples must stay within."},"max-error-rate":{"$ref":"#/definitions/percent","title":"Maximum error rate","description":"The share of samples allowed to fail, like 1% or 0.01."}}},"checkList":{"title":"Checks","description":"The HTTP checks to run, at least one.","type":"array","minItems":1,"items":{"$ref":"#/definitions/check"}},"check":{"title":"Check","description":"One HTTP request, sent `samples` times, and what its answers must look like.","type":"object","additionalProperties":false,"required":["url"],"properties":{"name":{"title":"Name","description":"Shown in logs, the job summary and JUnit reports; defaults to the method and path, like GET /health.","type":"string","minLength":1},"url":{"title":"URL","description":"The http or https URL to request; a path like /health is resolved against the action\'s base URL.","type":"string","minLength":1,"examples":["https://example.com/health"]},"method":{"title":"Method","description":"The HTTP method.","type":"string","enum":["GET","HEAD","POST","PUT","PATCH","DELETE","OPTIONS"],"default":"GET"},"headers":{"$ref":"#/definitions/headers","title":"Request headers","description":"Headers sent with every request, merged by name (case-insensitive)."},"body":{"title":"Body","description":"The request body: a string sent as is, or an object or list sent as JSON (with content-type: application/json unless a content-type header is given).","type":["string","object","array"]},"expect":{"$ref":"#/definitions/expect","title":"Expectations","description":"What every answer must look like; by default a 2xx status."},"follow-redirects":{"title":"Follow redirects","description":"Follow 3xx answers to their Location; off means a redirect is the answer checked.","type":"boolean"},"max-redirects":{"title":"Maximum redirects","description":"How many redirects to follow before failing.","type":"integer","minimum":0,"maximum":50,"examples":[5]},"timeout":{"$ref":"#/definitions/duration","title":"Timeout","description":"How long one request may take, like 5s or 500ms."},"tls":{"$ref":"#/definitions/tls","title":"TLS","description":"How the server certificate is checked (https only)."},"samples":{"title":"Samples","description":"How many requests to send for this check; latency percentiles are computed over them.","type":"integer","minimum":1,"maximum":100000,"examples":[20]},"latency":{"$ref":"#/definitions/latency","title":"Latency thresholds","description":"Latency percentiles the samples must stay within."},"max-error-rate":{"$ref":"#/definitions/percent","title":"Maximum error rate","description":"The share of samples allowed to fail, like 1% or 0.01."}}},"expect":{"title":"Expectations","description":"What every answer must look like; by default a 2xx status.","type":"object","additionalProperties":false,"properties":{"status":{"title":"Status","description":"Accepted status codes: a code (200), a class (2xx), a range (200-299), or a list of them. Default 2xx.","anyOf":[{"$ref":"#/definitions/status"},{"type":"array","minItems":1,"items":{"$ref":"#/definitions/status"}}],"examples":[200,"2xx",[200,"3xx"]]},"body-contains":{"title":"Body contains","description":"Text the body must contain: a string or a list of strings (all must be found).","anyOf":[{"type":"string","minLength":1},{"type":"array","minItems":1,"items":{"type":"string","minLength":1}}]},"body-matches":{"title":"Body matches","description":"Regular expressions (JavaScript syntax) the body must match: one or a list (all must match).","anyOf":[{"type":"string","minLength":1},{"type":"array","minItems":1,"items":{"type":"string","minLength":1}}]},"json":{"title":"JSON assertions","description":"Assertions on fields of a JSON body.","type":"array","minItems":1,"items":{"$ref":"#/definitions/jsonAssertion"}},"headers":{"title":"Response headers","description":"Assertions on response headers by name (case-insensitive): a string the value must equal, or { equals, matches, exists }.","type":"object","additionalProperties":{"$ref":"#/definitions/headerAssertion"}}}},"jsonAssertion":{"title":"JSON assertion","description":"An assertion on one field of a JSON body; give at least one of exists, equals, matches, min, max.","type":"object","additionalProperties":false,"required":["path"],"properties":{"path":{"title":"Path","description":"The field, dotted with [index]: data.items[0].id, with an optional $ prefix ($.status).","type":"string","minLength":1,"examples":["$.status","data.items[0].id"]},"exists":{"title":"Exists","description":"Whether the field must be present (true) or absent (false).","type":"boolean"},"equals":{"title":"Equals","description":"The value the field must equal (any JSON value, compared deeply)."},"matches":{"title":"Matches","description":"A regular expression (JavaScript syntax) the field, as a string, must match.","type":"string","minLength":1},"min":{"title":"Minimum","description":"The field must be a number at least this.","type":"number"},"max":{"title":"Maximum","description":"The field must be a number at most this.","type":"number"}}},"headerAssertion":{"title":"Header assertion","description":"A string the header value must equal, or { equals, matches, exists }.","anyOf":[{"type":"string"},{"type":"object","additionalProperties":false,"properties":{"exists":{"title":"Exists","description":"Whether the header must be present (true) or absent (false).","type":"boolean"},"equals":{"title":"Equals","description":"The value the header must equal.","type":"string"},"matches":{"title":"Matches","description":"A regular expression (JavaScript syntax) the header value must match.","type":"string","minLength":1}}}]},"headers":{"title":"Headers","description":"Header names and values.","type":"object","additionalProperties":{"type":["string","number","boolean"]}},"tls":{"title":"TLS","description":"How the server certificate is checked (https only).","type":"object","additionalProperties":false,"properties":{"min-valid-days":{"title":"Minimum days of validity","description":"Fail when the server certificate expires within this many days.","type":"integer","minimum":0,"examples":[14]},"insecure":{"title":"Accept untrusted certificates","description":"Accept self-signed or otherwise untrusted certificates (the expiry is still checked).","type":"boolean","default":false},"ca-file":{"title":"CA file","description":"A PEM file of extra CA certificates to trust, relative to this file (or to the workspace for inline checks).","type":"string","minLength":1,"examples":["./ca.pem"]}}},"latency":{"title":"Latency thresholds","description":"Latency percentiles over the samples of a check must stay at or below these durations.","type":"object","additionalProperties":false,"properties":{"p50":{"$ref":"#/definitions/duration","title":"p50","description":"The median latency must stay at or below this."},"p95":{"$ref":"#/definitions/duration","title":"p95","description":"The 95th percentile latency must stay at or below this."},"p99":{"$ref":"#/definitions/duration","title":"p99","description":"The 99th percentile latency must stay at or below this."},"max":{"$ref":"#/definitions/duration","title":"Maximum","description":"No single request may take longer than this."}}},"duration":{"title":"Duration","description":"A duration with a unit: 200ms, 1.5s, 2m, 1h, 1m30s (a bare number is refused).","type":"string","pattern":"^\\\\s*(?:\\\\d+(?:\\\\.\\\\d+)?|\\\\.\\\\d+)\\\\s*(?:ms|s|m|h)(?:\\\\s*(?:\\\\d+(?:\\\\.\\\\d+)?|\\\\.\\\\d+)\\\\s*(?:ms|s|m|h))*\\\\s*$","examples":["200ms","1.5s","1m30s"]},"percent":{"title":"Percentage","description":"A percentage like 1% or 0.1%, or a fraction from 0 to 1 like 0.01.","type":["string","number"],"pattern":"^\\\\s*(?:(?:\\\\d+(?:\\\\.\\\\d+)?|\\\\.\\\\d+)\\\\s*%|(?:\\\\d+(?:\\\\.\\\\d+)?|\\\\.\\\\d+))\\\\s*$","minimum":0,"maximum":1,"examples":["1%",0.01]},"status":{"title":"Status","description":"A status code (200), a class (2xx) or a range (200-299); a string may list several: 200,204,3xx.","anyOf":[{"type":"integer","minimum":100,"maximum":599},{"type":"string","pattern":"^\\\\s*(?:[1-5]\\\\d\\\\d|[1-5][xX][xX]|[1-5]\\\\d\\\\d\\\\s*-\\\\s*[1-5]\\\\d\\\\d)(?:\\\\s*,\\\\s*(?:[1-5]\\\\d\\\\d|[1-5][xX][xX]|[1-5]\\\\d\\\\d\\\\s*-\\\\s*[1-5]\\\\d\\\\d))*\\\\s*$"}]}}}');
// EXTERNAL MODULE: ./src/common/durations.ts
var durations = __webpack_require__(2204);
// EXTERNAL MODULE: ./src/common/input-error.ts
var input_error = __webpack_require__(5598);
// EXTERNAL MODULE: ./src/common/numbers.ts
var numbers = __webpack_require__(1715);
// EXTERNAL MODULE: ./src/common/workspace-path.ts
var workspace_path = __webpack_require__(7682);
// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(8815);
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
function yaml_config_isConfigFilePath(text) {
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
    if (!yaml_config_isConfigFilePath(text))
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

// EXTERNAL MODULE: ./src/http/headers.ts
var http_headers = __webpack_require__(9718);
// EXTERNAL MODULE: ./src/http/status-ranges.ts
var status_ranges = __webpack_require__(5455);
// EXTERNAL MODULE: ./src/http/url.ts
var http_url = __webpack_require__(6697);
;// CONCATENATED MODULE: ./src/probe/checks-config.ts
// The `checks` input of smoke-test: YAML (or JSON) checks, inline or in a file, validated against the published
// JSON Schema (schemas/smoke-test-checks.schema.json) and turned into typed CheckSpecs.
//
// Validation runs in two passes: the schema (shape, types, unknown keys) and then the meaning (durations,
// percentages, status codes, URLs, regular expressions, header names). Every problem names its key path in
// the user's terms (`checks[2].expect.status[0]: ...`) and, from the YAML source, its line and column.











/** The JSON Schema the checks are validated with; the same object as the published schema file. */

const METHODS = (/* unused pure expression or super */ null && (['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']));
/**
 * Parses, validates and expands the `checks` input into one CheckSpec per check.
 *
 * `text` is either the checks themselves (YAML or JSON) or a path to a file holding them: a single line
 * that ends in `.yml`, `.yaml` or `.json` (and is not itself YAML such as `- url: https://x/a.json`) is a
 * path, resolved from `opts.baseDir`, and must exist. A `ca-file` is resolved from the checks file's folder,
 * or from `opts.baseDir` for inline checks.
 *
 * The document is a mapping `{ defaults?, checks }` or just the list of checks. Throws an InputError naming
 * every problem found (up to 20), each with its key path and source position.
 */
async function loadChecks(text, base, opts) {
    const input = opts.input ?? 'checks';
    const read = opts.readFile ?? ((path) => (0,promises_.readFile)(path, 'utf8'));
    const source = await readYamlConfig(text, {
        wording: checksWording(input),
        baseDir: opts.baseDir,
        readFile: read,
        displayFile: (absolute) => workspacePath(opts.baseDir, absolute),
        roots: opts.roots,
    });
    const raw = source.value;
    if (raw === null || raw === undefined) {
        throw new input_error/* InputError */.dz(input, `'${input}' is empty; give the checks as YAML, or a path to a .yml or .json file`);
    }
    if (typeof raw !== 'object') {
        const hint = typeof raw === 'string' ? ' (a file path must end in .yml, .yaml or .json)' : '';
        throw new input_error/* InputError */.dz(input, `'${input}' must be a mapping with a 'checks' list, or a list of checks, got ${render(raw)}${hint}`);
    }
    // The list alone stands for `checks:`; its paths say `checks[0]`, which the source lacks.
    const shorthand = Array.isArray(raw);
    const document = (shorthand ? { checks: raw } : raw);
    const sourcePath = shorthand ? (path) => path.slice(1) : undefined;
    await source.validate(document, CHECKS_VOCABULARY, sourcePath);
    const problems = [];
    const caDir = source.file === undefined ? opts.baseDir : (0,external_node_path_.dirname)((0,external_node_path_.resolve)(opts.baseDir, source.file));
    const specs = await expand(document, base, problems, async (path) => read(opts.roots ? (0,workspace_path/* resolveInside */.LI)({ what: 'a ca-file' }, path, opts.roots, caDir) : (0,external_node_path_.resolve)(caDir, path)));
    if (problems.length > 0)
        source.report(problems, sourcePath);
    return specs;
}
/** Messages about the document itself name the input (`'checks' has 3 problems:`); the others, a key path. */
function checksWording(input) {
    const whole = (rest) => `'${input}' ${rest}`;
    return {
        input,
        whole,
        notYaml: (detail) => whole(`is not valid YAML: ${detail}`),
        syntaxHint: (code, line) => code === 'UNEXPECTED_TOKEN' && /[[{]/.test(line)
            ? '; inside { } or [ ], quote a value that holds [ ] { } or a comma'
            : '',
        root: whole,
        one: (line) => line,
        many: (count) => whole(`has ${count} problems:`),
    };
}
/** The checks file as the user knows it: relative to the workspace when inside it, else absolute. */
function workspacePath(baseDir, absolute) {
    const rel = (0,external_node_path_.relative)(baseDir, absolute);
    return rel && !rel.startsWith('..') && !(0,external_node_path_.isAbsolute)(rel) ? rel.split(external_node_path_.sep).join('/') : absolute;
}
/** A single line ending in .yml/.yaml/.json that is not YAML itself (no `key: value`, `- item`, `{`, `[`). */
const isChecksFilePath = (/* unused pure expression or super */ null && (isConfigFilePath));

// ---------------------------------------------------------------------------------------------------------
// Pass 1: the schema, with ajv's errors in the user's terms
const CHECKS_VOCABULARY = {
    schema: smoke_test_checks_schema_namespaceObject,
    ajv: () => __webpack_require__.e(/* import() */ 463).then(__webpack_require__.t.bind(__webpack_require__, 2463, 23)),
    // Values whose form a parser in common/ or http/ knows; its message beats the schema's.
    semantic: [
        { pattern: /^\/(checks\/\d+|defaults)\/timeout$/, parse: durations/* parseDuration */.E9 },
        { pattern: /^\/(checks\/\d+|defaults)\/latency\/(p50|p95|p99|max)$/, parse: durations/* parseDuration */.E9 },
        { pattern: /^\/(checks\/\d+|defaults)\/max-error-rate$/, parse: numbers/* parsePercentOrFraction */.gM },
        { pattern: /^\/checks\/\d+\/expect\/status(\/\d+)?$/, parse: status_ranges/* parseStatusRanges */.C },
    ],
    typeWord,
    special: (place) => {
        const { error, segments, schema, say } = place;
        const root = segments.length === 0;
        switch (error.keyword) {
            case 'additionalProperties': {
                if (!root)
                    return undefined;
                const key = String(error.params.additionalProperty);
                const allowed = Object.keys((schema.properties ?? {}));
                return {
                    message: say(`has an unknown top-level key '${key}' (${suggest(key, allowed, 'allowed')})`),
                    key,
                };
            }
            case 'required':
                return root
                    ? {
                        message: say(`must have a '${String(error.params.missingProperty)}' list (or be just the list of checks)`),
                    }
                    : undefined;
            case 'enum':
                // Methods and the like: only a difference of case is worth a guess.
                return { message: mustBeOneOf(place, sameButCase) };
            case 'minItems':
                return segments.length === 1 && segments[0] === 'checks'
                    ? { message: say('must list at least one check') }
                    : undefined;
            default:
                return undefined;
        }
    },
};
function sameButCase(word, allowed) {
    return allowed.find((a) => a.toLowerCase() === word.toLowerCase());
}
/** `a list of strings` where the schema says what the list holds. */
function typeWord(type, errors) {
    if (type !== 'array')
        return undefined;
    const items = errors
        .map((e) => e.parentSchema?.items?.type)
        .find((t) => t !== undefined);
    return items === 'string' ? 'a list of strings' : undefined;
}
async function expand(document, base, problems, readCa) {
    const check = (path, fn) => {
        try {
            fn();
        }
        catch (error) {
            if (!(error instanceof input_error/* InputError */.dz))
                throw error;
            problems.push({ path, message: error.message });
        }
    };
    const fail = (path, rest, key) => {
        const problem = { path, message: `${keyPath(path)}: ${rest}` };
        if (key !== undefined)
            problem.key = key;
        problems.push(problem);
    };
    const caFiles = new Map();
    const readCaFile = (path, file) => {
        let pending = caFiles.get(file);
        if (!pending) {
            pending = Promise.resolve()
                .then(() => readCa(file))
                .then((pem) => {
                if (pem.includes('-----BEGIN CERTIFICATE-----'))
                    return pem;
                fail(path, `${(0,input_error/* quote */.hD)(file)} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
                return undefined;
            }, (error) => {
                fail(path, `cannot read ${(0,input_error/* quote */.hD)(file)}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
                return undefined;
            });
            caFiles.set(file, pending);
        }
        return pending;
    };
    /** Applies one layer of file settings (defaults or a check) over `under`. */
    const overlay = async (raw, path, under) => {
        const layer = {
            ...under,
            headers: mergeHeaders(under.headers, headersOf(raw.headers, [...path, 'headers'], fail)),
            thresholds: { ...under.thresholds },
            tls: { ...under.tls },
        };
        if (raw.timeout !== undefined) {
            check([...path, 'timeout'], () => {
                layer.timeoutMs = (0,durations/* parseDuration */.E9)(keyPath([...path, 'timeout']), raw.timeout, durations/* DURATION_RANGES */.A5.request);
            });
        }
        if (raw.samples !== undefined)
            layer.samples = raw.samples;
        if (raw['follow-redirects'] !== undefined)
            layer.followRedirects = raw['follow-redirects'];
        if (raw['max-redirects'] !== undefined)
            layer.maxRedirects = raw['max-redirects'];
        for (const key of ['p50', 'p95', 'p99', 'max']) {
            const text = raw.latency?.[key];
            if (text === undefined)
                continue;
            const field = `${key}Ms`;
            check([...path, 'latency', key], () => {
                layer.thresholds[field] = (0,durations/* parseDuration */.E9)(keyPath([...path, 'latency', key]), text, durations/* DURATION_RANGES */.A5.request);
            });
        }
        const errorRate = raw['max-error-rate'];
        if (errorRate !== undefined) {
            check([...path, 'max-error-rate'], () => {
                layer.thresholds.maxErrorRate = (0,numbers/* parsePercentOrFraction */.gM)(keyPath([...path, 'max-error-rate']), String(errorRate));
            });
        }
        const tls = raw.tls;
        if (tls?.['min-valid-days'] !== undefined)
            layer.tls.minValidDays = tls['min-valid-days'];
        if (tls?.insecure !== undefined)
            layer.tls.insecure = tls.insecure;
        if (tls?.['ca-file'] !== undefined) {
            const ca = await readCaFile([...path, 'tls', 'ca-file'], tls['ca-file']);
            if (ca !== undefined)
                layer.tls.ca = ca;
        }
        return layer;
    };
    const start = {
        headers: { ...base.headers },
        timeoutMs: base.timeoutMs,
        samples: base.samples,
        followRedirects: base.followRedirects,
        maxRedirects: base.maxRedirects,
        thresholds: { ...base.thresholds },
        tls: { ...base.tls },
    };
    const defaults = document.defaults ? await overlay(document.defaults, ['defaults'], start) : start;
    const specs = [];
    const names = new Map();
    for (const [index, raw] of document.checks.entries()) {
        const path = ['checks', index];
        const sub = (...keys) => [...path, ...keys];
        const layer = await overlay(raw, path, defaults);
        const method = raw.method ?? 'GET';
        let url = raw.url;
        check(sub('url'), () => {
            url = resolveUrl(keyPath(sub('url')), raw.url, base.baseUrl);
        });
        const headers = { ...layer.headers };
        let body;
        if (raw.body !== undefined) {
            if (method === 'GET' || method === 'HEAD')
                fail(sub('body'), `a ${method} request cannot have a body`);
            if (typeof raw.body === 'string') {
                body = raw.body;
            }
            else {
                body = JSON.stringify(raw.body);
                if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
                    headers['content-type'] = 'application/json';
                }
            }
        }
        const expect = raw.expect ?? {};
        let expectStatus = base.expectStatus.map((range) => ({ ...range }));
        if (expect.status !== undefined) {
            const items = Array.isArray(expect.status) ? expect.status : [expect.status];
            const ranges = [];
            items.forEach((item, i) => {
                const itemPath = Array.isArray(expect.status) ? sub('expect', 'status', i) : sub('expect', 'status');
                check(itemPath, () => ranges.push(...(0,status_ranges/* parseStatusRanges */.C)(keyPath(itemPath), String(item))));
            });
            expectStatus = ranges;
        }
        const listOf = (value) => value === undefined ? [] : Array.isArray(value) ? value : [value];
        const bodyMatches = [];
        const matches = expect['body-matches'];
        listOf(matches).forEach((source, i) => {
            const regex = compileRegex(Array.isArray(matches) ? sub('expect', 'body-matches', i) : sub('expect', 'body-matches'), source, fail);
            if (regex)
                bodyMatches.push(regex);
        });
        const json = [];
        (expect.json ?? []).forEach((rawAssertion, i) => {
            const at = sub('expect', 'json', i);
            const assertion = jsonAssertion(rawAssertion, at, fail);
            if (assertion)
                json.push(assertion);
        });
        const headerAssertions = [];
        for (const [name, rule] of Object.entries(expect.headers ?? {})) {
            const assertion = headerAssertion(name, rule, sub('expect', 'headers', name), fail);
            if (assertion)
                headerAssertions.push(assertion);
        }
        const name = raw.name ?? defaultName(method, url);
        const earlier = names.get(name);
        if (earlier !== undefined) {
            fail(raw.name === undefined ? path : sub('name'), `the name ${(0,input_error/* quote */.hD)(name)} is already used by checks[${earlier}]; give one of them a distinct name`);
        }
        else {
            names.set(name, index);
        }
        const spec = {
            name,
            url,
            method,
            headers,
            expectStatus,
            bodyContains: listOf(expect['body-contains']),
            bodyMatches,
            json,
            headerAssertions,
            followRedirects: layer.followRedirects,
            maxRedirects: layer.maxRedirects,
            timeoutMs: layer.timeoutMs,
            tls: layer.tls,
            samples: layer.samples,
            thresholds: layer.thresholds,
        };
        if (body !== undefined)
            spec.body = body;
        specs.push(spec);
    }
    return specs;
}
/** An absolute http(s) URL, or a path resolved against the action's base URL when there is one. */
function resolveUrl(label, url, baseUrl) {
    const hasScheme = /^[a-z][a-z0-9+.-]*:/i.test(url.trim());
    if (hasScheme || baseUrl === undefined) {
        if (!hasScheme && url.trim().startsWith('/')) {
            throw new input_error/* InputError */.dz(label, `${label}: must be an http or https URL like https://example.com/health, got ${(0,input_error/* quote */.hD)(url)} (a path needs the action's base URL)`);
        }
        return (0,http_url/* parseUrl */.Dl)(label, url);
    }
    return (0,http_url/* parseUrl */.Dl)(label, new URL(url.trim(), baseUrl).href);
}
function defaultName(method, url) {
    try {
        const parsed = new URL(url);
        return `${method} ${parsed.pathname}${parsed.search}`;
    }
    catch {
        return `${method} ${url}`;
    }
}
function mergeHeaders(...layers) {
    const merged = {};
    for (const layer of layers) {
        for (const [name, value] of Object.entries(layer)) {
            for (const existing of Object.keys(merged)) {
                if (existing.toLowerCase() === name.toLowerCase())
                    delete merged[existing];
            }
            merged[name] = value;
        }
    }
    return merged;
}
/** Request headers from the file: names must be tokens, values single-line (never echoed: they may be secrets). */
function headersOf(raw, path, fail) {
    const headers = {};
    for (const [name, value] of Object.entries(raw ?? {})) {
        const text = String(value);
        if (!(0,http_headers/* isHeaderName */.p$)(name)) {
            fail(path, `${(0,input_error/* quote */.hD)(name)} is not a valid header name (letters, digits and - only)`, name);
        }
        else if (!(0,http_headers/* isHeaderValue */.j3)(text)) {
            fail([...path, name], 'must not contain line breaks or control characters');
        }
        else {
            headers[name] = text;
        }
    }
    return headers;
}
function compileRegex(path, source, fail) {
    try {
        return new RegExp(source);
    }
    catch (error) {
        const reason = error.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
        fail(path, `invalid regular expression ${(0,input_error/* quote */.hD)(source)}: ${reason}`);
        return undefined;
    }
}
/** `$`, `$.status`, `data.items[0].id`, `$["odd key"].x`. */
const JSON_PATH = /^(?:\$|[^.[\]$"'][^.[\]]*)?(?:\.[^.[\]]+|\[\d+\]|\["[^"]*"\]|\['[^']*'\])*$/;
function jsonAssertion(raw, path, fail) {
    if (!JSON_PATH.test(raw.path) || raw.path.trim() !== raw.path) {
        fail([...path, 'path'], `must be a path like data.items[0].id or $.status, got ${(0,input_error/* quote */.hD)(raw.path)}`);
    }
    const assertion = { path: raw.path };
    const given = ['exists', 'equals', 'matches', 'min', 'max'].filter((k) => k in raw);
    if (given.length === 0) {
        fail(path, 'give at least one of exists, equals, matches, min, max');
        return undefined;
    }
    if (raw.exists === false && given.length > 1) {
        fail(path, `exists: false cannot be combined with ${given.filter((k) => k !== 'exists').join(', ')}`);
    }
    if (raw.min !== undefined && raw.max !== undefined && raw.min > raw.max) {
        fail(path, `min (${raw.min}) is greater than max (${raw.max})`);
    }
    if (raw.exists !== undefined)
        assertion.exists = raw.exists;
    if ('equals' in raw)
        assertion.equals = raw.equals;
    if (raw.min !== undefined)
        assertion.min = raw.min;
    if (raw.max !== undefined)
        assertion.max = raw.max;
    if (raw.matches !== undefined) {
        const regex = compileRegex([...path, 'matches'], raw.matches, fail);
        if (regex)
            assertion.matches = regex;
    }
    return assertion;
}
function headerAssertion(name, rule, path, fail) {
    if (!(0,http_headers/* isHeaderName */.p$)(name)) {
        fail(path.slice(0, -1), `${(0,input_error/* quote */.hD)(name)} is not a valid header name (letters, digits and - only)`, name);
        return undefined;
    }
    if (typeof rule === 'string')
        return { name, equals: rule };
    const given = ['exists', 'equals', 'matches'].filter((k) => rule[k] !== undefined);
    if (given.length === 0) {
        fail(path, 'give a value to equal, or at least one of exists, equals, matches');
        return undefined;
    }
    if (rule.exists === false && given.length > 1) {
        fail(path, `exists: false cannot be combined with ${given.filter((k) => k !== 'exists').join(', ')}`);
    }
    const assertion = { name };
    if (rule.exists !== undefined)
        assertion.exists = rule.exists;
    if (rule.equals !== undefined)
        assertion.equals = rule.equals;
    if (rule.matches !== undefined) {
        const regex = compileRegex([...path, 'matches'], rule.matches, fail);
        if (regex)
            assertion.matches = regex;
    }
    return assertion;
}


/***/ })

};
