// A YAML (or JSON) document given inline or as a file, validated against a JSON Schema with ajv, and its
// problems turned into messages that name each key path as the user wrote it and its line and column.
// The engine behind preflight-gates' `gates` (src/gates/config.ts) and smoke-test's `checks`
// (src/probe/checks-config.ts); each keeps its own wording through the options below.
//
// Loaded only by those two modules, which their actions import on demand; ajv is loaded (by the function
// each document gives) on the first validation only, so neither weighs on start-up.

import { readFile as readFileAsync } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { InputError, quote, type SourceLocation } from './input-error.js';
import { type PathRoots, resolveInside } from './workspace-path.js';

/** Messages name at most this many problems, then how many more there are. */
export const MAX_PROBLEMS = 20;

export type Segment = string | number;

export interface Problem {
  path: Segment[];
  /** The message without the input's name: `freeze.windows[0].timezone: unknown time zone 'Berlin'`. */
  message: string;
  /** Point at the key itself (unknown keys) rather than its value. */
  key?: string;
  location?: SourceLocation;
  offset?: number;
}

/** How one kind of document words what concerns it as a whole; the key-path messages are the engine's. */
export interface DocumentWording {
  /** The input's name, which every InputError carries. */
  input: string;
  /** A sentence about the input itself: `gates: names the file …`, `'checks' names the file …`. */
  whole(rest: string): string;
  /** The parser's complaint, `detail` being its message with the position. */
  notYaml(detail: string): string;
  /** A hint after the parser's message, from its error code and the offending line ('' for none). */
  syntaxHint?(code: string, line: string): string;
  /** A schema problem with the document's root, which has no key path. */
  root(rest: string): string;
  /** The message of a single problem. */
  one(line: string): string;
  /** The line above a list of `count` problems. */
  many(count: number): string;
}

export interface ReadOptions {
  wording: DocumentWording;
  /** Where a file named in the text is read from (the workspace); the working directory by default. */
  baseDir?: string | undefined;
  /** Reads a file as UTF-8; fs by default. */
  readFile?: ((path: string) => string | Promise<string>) | undefined;
  /** How positions name a file the text named (its absolute path given); as the user wrote it by default. */
  displayFile?: ((absolute: string) => string) | undefined;
  /** When given, a file named in the text must lie inside these folders (symlinks followed). */
  roots?: PathRoots | undefined;
}

/** A value whose form a parser knows, found by its JSON pointer; the parser's message beats the schema's. */
export interface SemanticRule {
  pattern: RegExp;
  parse: (label: string, text: string) => unknown;
}

/** Where a schema error stands, for a document's own wording of it. */
export interface SchemaErrorPlace {
  error: ErrorObject;
  segments: Segment[];
  /** The key path, `freeze.windows[0]`; '' for the root. */
  label: string;
  value: unknown;
  /** The schema holding the failed keyword. */
  schema: Record<string, unknown>;
  /** `<label>: <rest>`, or the document's root wording when there is no key path. */
  say(rest: string): string;
}

export interface SchemaVocabulary {
  /** The JSON Schema, compiled on first use. */
  schema: object;
  /** Loads ajv: `() => import('ajv')`, in the document's module, so that it stays a lazy import there. */
  ajv: () => Promise<{ default: unknown }>;
  semantic?: readonly SemanticRule[];
  /** The document's own message for an error it words its way, or undefined for the engine's. */
  special?: (place: SchemaErrorPlace) => { message: string; key?: string } | undefined;
  /** The document's own word for a JSON type in `must be …`, or undefined for the engine's. */
  typeWord?: (type: string, errors: ErrorObject[]) => string | undefined;
}

/** A single line ending in .yml/.yaml/.json that is not YAML itself (no `key: value`, `- item`, `{`, `[`). */
export function isConfigFilePath(text: string): boolean {
  const value = text.trim();
  return (
    !/[\r\n]/.test(value) && /\.(ya?ml|json)$/i.test(value) && !/^[-[{]/.test(value) && !/:\s/.test(value)
  );
}

/**
 * Reads the text (or the file it names) and parses it as YAML. Throws an InputError for a file that cannot
 * be read and for a syntax error, with its position.
 */
export async function readYamlConfig(text: string, opts: ReadOptions): Promise<YamlConfig> {
  const { wording } = opts;
  const source = await readSource(text, opts);
  const lineCounter = new LineCounter();
  const doc = parseDocument(source.text, { lineCounter, merge: true, prettyErrors: false });
  const config = new YamlConfig(wording, doc, lineCounter, source.file);
  const syntaxError = doc.errors[0];
  if (syntaxError) {
    const location = config.at(syntaxError.pos[0]);
    const line = source.text.split(/\r?\n/)[location.line - 1] ?? '';
    const hint = wording.syntaxHint?.(syntaxError.code, line) ?? '';
    throw new InputError(
      wording.input,
      wording.notYaml(`${syntaxError.message}${hint} (${formatLocation(location)})`),
      location,
    );
  }
  return config;
}

export class YamlConfig {
  /** The document as plain data (anchors and merge keys resolved). */
  readonly value: unknown;

  constructor(
    readonly wording: DocumentWording,
    private readonly doc: Document,
    private readonly lineCounter: LineCounter,
    /** The file the text named, as positions show it; absent for inline text. */
    readonly file?: string,
  ) {
    this.value = doc.errors.length > 0 ? undefined : doc.toJS({ maxAliasCount: 1000 });
  }

  at(offset: number): SourceLocation {
    const { line, col } = this.lineCounter.linePos(offset);
    return this.file === undefined ? { line, column: col } : { file: this.file, line, column: col };
  }

  /**
   * Validates `document` (the value, or a form of it whose paths `sourcePath` maps back to the source) and
   * throws an InputError naming every schema problem.
   */
  async validate(
    document: unknown,
    vocabulary: SchemaVocabulary,
    sourcePath?: (path: Segment[]) => Segment[],
  ): Promise<void> {
    const validate = await compiledSchema(vocabulary);
    if (!validate(document)) {
      this.report(schemaProblems(validate.errors ?? [], document, vocabulary, this.wording), sourcePath);
    }
  }

  /** Throws an InputError naming the problems (up to MAX_PROBLEMS) in source order, each with its position. */
  report(problems: Problem[], sourcePath: (path: Segment[]) => Segment[] = (path) => path): never {
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
    if (problems.length > MAX_PROBLEMS) lines.push(`... and ${problems.length - MAX_PROBLEMS} more`);
    const message =
      problems.length === 1
        ? this.wording.one(lines[0] as string)
        : `${this.wording.many(problems.length)}\n  ${lines.join('\n  ')}`;
    throw new InputError(this.wording.input, message, problems[0]?.location);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Source and positions

async function readSource(text: string, opts: ReadOptions): Promise<{ text: string; file?: string }> {
  if (!isConfigFilePath(text)) return { text };
  const named = text.trim();
  const absolute = opts.roots
    ? resolveInside({ input: opts.wording.input }, named, opts.roots, opts.baseDir ?? '.')
    : resolve(opts.baseDir ?? '.', named);
  const read = opts.readFile ?? ((path: string) => readFileAsync(path, 'utf8'));
  const file = opts.displayFile?.(absolute) ?? named;
  try {
    return { text: await read(absolute), file };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'which does not exist' : `which cannot be read (${(error as Error).message})`;
    throw new InputError(
      opts.wording.input,
      opts.wording.whole(`names the file ${quote(named)} (${absolute}), ${why}`),
    );
  }
}

export function formatLocation(location: SourceLocation): string {
  return location.file === undefined
    ? `at line ${location.line}, column ${location.column}`
    : `at ${location.file}:${location.line}:${location.column}`;
}

/** The source offset of the node at `segments` (or of the key `key` in it); the nearest ancestor's if absent. */
function nodeOffset(doc: Document, segments: Segment[], key?: string): number | undefined {
  let node: unknown = doc.contents;
  let offset = rangeStart(node);
  const steps: { segment: Segment; key: boolean }[] = segments.map((segment) => ({ segment, key: false }));
  if (key !== undefined) steps.push({ segment: key, key: true });
  for (const step of steps) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(step.segment));
      if (!pair) break;
      node = step.key ? pair.key : pair.value;
    } else if (isSeq(node) && typeof step.segment === 'number') {
      node = node.items[step.segment];
    } else {
      break;
    }
    offset = rangeStart(node) ?? offset;
  }
  return offset;
}

function rangeStart(node: unknown): number | undefined {
  return (node as Node | null)?.range?.[0];
}

/** `freeze.windows[0].timezone`; keys that are not plain words are bracketed: `headers["x y"]`. */
export function keyPath(segments: readonly Segment[]): string {
  return segments
    .map((s, i) => {
      if (typeof s === 'number') return `[${s}]`;
      if (/^[A-Za-z_$][\w$-]*$/.test(s)) return i === 0 ? s : `.${s}`;
      return `[${JSON.stringify(s)}]`;
    })
    .join('');
}

// ---------------------------------------------------------------------------------------------------------
// The schema, with ajv's errors in the user's terms

const compiled = new Map<object, Promise<ValidateFunction>>();

/** The schema compiled on first use, with the ajv its document loads (on demand, so start-up never pays). */
function compiledSchema({ schema, ajv }: SchemaVocabulary): Promise<ValidateFunction> {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv().then((mod) => {
      // Node and ncc hand over module.exports (the Ajv class) as the default.
      const AjvClass = mod.default as typeof Ajv;
      return new AjvClass({ allErrors: true, verbose: true, allowUnionTypes: true, strict: true }).compile(
        schema,
      );
    });
    compiled.set(schema, validate);
  }
  return validate;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  object: 'a mapping (key: value)',
  array: 'a list',
  null: 'empty',
};

function schemaProblems(
  errors: ErrorObject[],
  document: unknown,
  vocabulary: SchemaVocabulary,
  wording: DocumentWording,
): Problem[] {
  const byPath = new Map<string, ErrorObject[]>();
  for (const error of errors) {
    if (['if', 'anyOf', 'oneOf'].includes(error.keyword)) continue;
    const group = byPath.get(error.instancePath) ?? [];
    group.push(error);
    byPath.set(error.instancePath, group);
  }
  const problems: Problem[] = [];
  for (const [pointer, group] of byPath) {
    const { segments, value } = resolvePointer(document, pointer);
    const label = keyPath(segments);
    const say = (rest: string): string => (label === '' ? wording.root(rest) : `${label}: ${rest}`);
    const semantic = vocabulary.semantic?.find((s) => s.pattern.test(pointer));
    if (semantic && (typeof value === 'string' || typeof value === 'number')) {
      try {
        semantic.parse(label, String(value));
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        problems.push({ path: segments, message: error.message });
        continue;
      }
    }
    // A type error beside deeper errors, or beside other errors here, is a union branch that did not apply.
    const deeper = [...byPath.keys()].some((p) => p.startsWith(`${pointer}/`));
    const others = group.filter((e) => e.keyword !== 'type');
    if (deeper && others.length === 0) continue;
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
      if (error.keyword === 'type') continue;
      const schema = (error.parentSchema ?? {}) as Record<string, unknown>;
      const place: SchemaErrorPlace = { error, segments, label, value, schema, say };
      const said = vocabulary.special?.(place) ?? describeError(place);
      problems.push(
        said.key === undefined ? { path: segments, message: said.message } : { path: segments, ...said },
      );
    }
  }
  return problems;
}

function describeError(place: SchemaErrorPlace): { message: string; key?: string } {
  const { error, value, schema, say } = place;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(error.params.additionalProperty);
      const allowed = Object.keys((schema.properties ?? {}) as object);
      return { message: say(`unknown key '${key}' (${suggest(key, allowed, 'allowed')})`), key };
    }
    case 'required':
      return { message: say(`missing required key '${String(error.params.missingProperty)}'`) };
    case 'enum':
      return { message: mustBeOneOf(place) };
    case 'minimum':
    case 'maximum': {
      const whole = [schema.type].flat().includes('integer') ? 'a whole number' : 'a number';
      const { minimum, maximum } = schema as { minimum?: number; maximum?: number };
      const range =
        minimum !== undefined && maximum !== undefined
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
export function mustBeOneOf(
  { error, value, say }: SchemaErrorPlace,
  guess: (word: string, allowed: string[]) => string | undefined = closest,
  more = '',
): string {
  const allowed = (error.params.allowedValues as unknown[]).map(String);
  const guessed = guess(String(value), allowed);
  const hint = guessed ? ` (did you mean '${guessed}'?)` : '';
  return say(`must be one of ${allowed.join(', ')}${more}, got ${render(value)}${hint}`);
}

/** `did you mean 'timeout'? allowed: url, timeout`: the nearest of the words, then all of them. */
export function suggest(word: string, words: string[], heading: string): string {
  const guess = closest(word, words);
  return `${guess ? `did you mean '${guess}'? ` : ''}${heading}: ${words.join(', ')}`;
}

/** `a`, `a or b`, `a, b or c`. */
export function either(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

/** A value as messages show it: strings quoted, lists and mappings by their kind. */
export function render(value: unknown): string {
  if (value === null || value === undefined) return 'an empty value';
  if (typeof value === 'string') return quote(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

function resolvePointer(document: unknown, pointer: string): { segments: Segment[]; value: unknown } {
  const segments: Segment[] = [];
  let value = document;
  for (const part of pointer === '' ? [] : pointer.slice(1).split('/')) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(value)) {
      segments.push(Number(key));
      value = value[Number(key)];
    } else {
      segments.push(key);
      value =
        value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
    }
  }
  return { segments, value };
}

/** The allowed word nearest to a misspelt one (edit distance ≤ 2, or a case/separator difference). */
export function closest(word: string, allowed: string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[-_ ]/g, '');
  const same = allowed.find((a) => norm(a) === norm(word));
  if (same) return same;
  let best: { word: string; distance: number } | undefined;
  for (const candidate of allowed) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { word: candidate, distance };
  }
  return best?.word;
}

function editDistance(a: string, b: string): number {
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
