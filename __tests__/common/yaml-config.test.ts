import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/common/durations.js';
import { InputError } from '../../src/common/input-error.js';
import {
  closest,
  type DocumentWording,
  either,
  isConfigFilePath,
  keyPath,
  MAX_PROBLEMS,
  mustBeOneOf,
  type Problem,
  type ReadOptions,
  readYamlConfig,
  render,
  type SchemaVocabulary,
  suggest,
} from '../../src/common/yaml-config.js';

/** A small document kind of its own, so the engine is tested apart from gates and checks. */
const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1 },
    level: { enum: ['low', 'medium', 'high'] },
    retries: { type: ['integer', 'null'], minimum: 0 },
    share: { type: 'number', minimum: 0, maximum: 1 },
    // The schema's rough form; the semantic rule's parser words what is wrong.
    timeout: { type: 'string', pattern: '^\\d+[smh]$' },
    tags: { type: 'array', items: { type: 'string' }, minItems: 1 },
    env: { type: 'array', items: { type: 'string', pattern: '^[A-Z_]+$' } },
    server: {
      type: 'object',
      additionalProperties: false,
      required: ['host'],
      properties: { host: { type: 'string' }, port: { type: 'integer' } },
    },
    limit: { anyOf: [{ type: 'integer' }, { type: 'object', properties: { max: { type: 'integer' } } }] },
  },
};

let loads = 0;
const vocabulary: SchemaVocabulary = {
  schema,
  ajv: () => {
    loads++;
    return import('ajv');
  },
  semantic: [{ pattern: /^\/timeout$/, parse: parseDuration }],
};

const wording: DocumentWording = {
  input: 'settings',
  whole: (rest) => `'settings' ${rest}`,
  notYaml: (detail) => `'settings' is not YAML: ${detail}`,
  root: (rest) => `the settings ${rest}`,
  one: (line) => `settings: ${line}`,
  many: (count) => `settings: ${count} problems:`,
};

const noFiles: ReadOptions['readFile'] = (path) => {
  throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
};

/** The InputError that `fn` rejects with, checked to be about the 'settings' input. */
async function rejection(fn: () => Promise<unknown>): Promise<InputError> {
  const error = await fn().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputError);
  expect((error as InputError).input).toBe('settings');
  return error as InputError;
}

function parserMessage(parse: () => unknown): string {
  try {
    parse();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the parser accepted it');
}

async function validated(text: string, vocab: SchemaVocabulary = vocabulary): Promise<InputError> {
  return rejection(async () => {
    const config = await readYamlConfig(text, { wording, readFile: noFiles });
    await config.validate(config.value, vocab);
  });
}

describe('isConfigFilePath', () => {
  it.each([
    ['gates.yml', true],
    [' config/checks.YAML ', true],
    ['checks.json', true],
    ['notes.txt', false],
    ['- url: https://x/a.json', false],
    ['url: https://x/a.yml', false],
    ['[a.yml]', false],
    ['a.yml\nb.yml', false],
  ])('%j → %s', (text, isPath) => {
    expect(isConfigFilePath(text)).toBe(isPath);
  });
});

describe('readYamlConfig', () => {
  it('parses inline YAML with anchors and merge keys into plain data', async () => {
    const config = await readYamlConfig('base: &b { port: 80 }\nserver:\n  <<: *b\n  host: a\n', { wording });
    expect(config.value).toEqual({ base: { port: 80 }, server: { port: 80, host: 'a' } });
    expect(config.file).toBeUndefined();
  });

  it('reads a file the text names from the base folder, and positions show it as displayFile says', async () => {
    const read: string[] = [];
    const config = await readYamlConfig(' conf/s.yml ', {
      wording,
      baseDir: '/ws',
      readFile: (path) => {
        read.push(path);
        return 'name: 5\n';
      },
      displayFile: (absolute) => `<${absolute}>`,
    });
    expect(read).toEqual(['/ws/conf/s.yml']);
    expect(config.file).toBe('</ws/conf/s.yml>');
    const error = await rejection(() => config.validate(config.value, vocabulary));
    expect(error.message).toBe('settings: name: must be a string, got 5 (at </ws/conf/s.yml>:1:7)');
    expect(error.location).toEqual({ file: '</ws/conf/s.yml>', line: 1, column: 7 });
  });

  it('names a file that is missing, or that cannot be read, with its absolute path', async () => {
    const missing = await rejection(() =>
      readYamlConfig('s.yml', { wording, baseDir: '/ws', readFile: noFiles }),
    );
    expect(missing.message).toBe("'settings' names the file 's.yml' (/ws/s.yml), which does not exist");
    const denied = await rejection(() =>
      readYamlConfig('s.yml', {
        wording,
        baseDir: '/ws',
        readFile: () => {
          throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
        },
      }),
    );
    expect(denied.message).toBe(
      "'settings' names the file 's.yml' (/ws/s.yml), which cannot be read (EACCES: permission denied)",
    );
  });

  it('reports the first syntax error with its position and the hint the wording gives', async () => {
    const hinted: DocumentWording = {
      ...wording,
      syntaxHint: (code, line) => ` [${code} in ${JSON.stringify(line)}]`,
    };
    const error = await rejection(() => readYamlConfig('a: 1\nb: [x, y\n', { wording: hinted }));
    expect(error.message).toMatch(
      /^'settings' is not YAML: .+ \[[A-Z_]+ in ".*"\] \(at line \d+, column \d+\)$/,
    );
    expect(error.location?.line).toBeGreaterThanOrEqual(2);
    const plain = await rejection(() => readYamlConfig('a: 1\nb: [x, y\n', { wording }));
    expect(plain.message).not.toContain('[');
  });
});

describe('YamlConfig.validate', () => {
  it('loads ajv only when a document is first validated, and compiles a schema once', async () => {
    const own: SchemaVocabulary = { ...vocabulary, schema: { ...schema } };
    const before = loads;
    const config = await readYamlConfig('name: a\n', { wording });
    expect(loads).toBe(before);
    await config.validate(config.value, own);
    await config.validate(config.value, own);
    expect(loads).toBe(before + 1);
  });

  it('accepts a document the schema allows', async () => {
    const config = await readYamlConfig('name: a\nlevel: high\nretries: 2\nserver: { host: h }\n', {
      wording,
    });
    await expect(config.validate(config.value, vocabulary)).resolves.toBeUndefined();
  });

  it('words each kind of schema error with its key path and position', async () => {
    const cases: [string, string][] = [
      ['name: [1]', 'settings: name: must be a string, got a list (at line 1, column 7)'],
      ['name: ""', 'settings: name: must not be empty (at line 1, column 7)'],
      [
        'level: hihg',
        "settings: level: must be one of low, medium, high, got 'hihg' (did you mean 'high'?) (at line 1, column 8)",
      ],
      [
        'retries: -1',
        'settings: retries: must be a whole number of at least 0, got -1 (at line 1, column 10)',
      ],
      ['retries: x', "settings: retries: must be a whole number or empty, got 'x' (at line 1, column 10)"],
      ['share: 2', 'settings: share: must be a number from 0 to 1, got 2 (at line 1, column 8)'],
      ['tags: []', 'settings: tags: must not be an empty list (at line 1, column 7)'],
      ['tags: a', "settings: tags: must be a list, got 'a' (at line 1, column 7)"],
      ['env: [ok, API_URL]', "settings: env[0]: must match ^[A-Z_]+$, got 'ok' (at line 1, column 7)"],
      ['server: { port: 1 }', "settings: server: missing required key 'host' (at line 1, column 9)"],
      [
        'server: { host: h, prot: 1 }',
        "settings: server: unknown key 'prot' (did you mean 'port'? allowed: host, port) (at line 1, column 20)",
      ],
      // The parser's own message, in place of the schema's `must match`.
      [
        'timeout: soon',
        `settings: ${parserMessage(() => parseDuration('timeout', 'soon'))} (at line 1, column 10)`,
      ],
      ['limit: { max: x }', "settings: limit.max: must be a whole number, got 'x' (at line 1, column 15)"],
      [
        '"odd key": 1',
        `settings: the settings unknown key 'odd key' (allowed: ${Object.keys(schema.properties).join(', ')}) (at line 1, column 1)`,
      ],
    ];
    for (const [text, message] of cases) {
      expect((await validated(text)).message, text).toBe(message);
    }
  });

  it('lets the document word the errors it words its own way, and name its own types', async () => {
    const own: SchemaVocabulary = {
      ...vocabulary,
      typeWord: (type) => (type === 'array' ? 'a list of tags' : undefined),
      special: (place) => {
        if (place.error.keyword === 'enum')
          return { message: mustBeOneOf(place, () => undefined, ', or none') };
        if (place.error.keyword === 'additionalProperties' && place.segments.length === 0) {
          const key = String(place.error.params.additionalProperty);
          return { message: place.say(`has no setting '${key}'`), key };
        }
        return undefined;
      },
    };
    expect((await validated('tags: a', own)).message).toBe(
      "settings: tags: must be a list of tags, got 'a' (at line 1, column 7)",
    );
    expect((await validated('level: hihg', own)).message).toBe(
      "settings: level: must be one of low, medium, high, or none, got 'hihg' (at line 1, column 8)",
    );
    expect((await validated('name: a\nnmae: b', own)).message).toBe(
      "settings: the settings has no setting 'nmae' (at line 2, column 1)",
    );
  });

  it('lists several problems in source order with the count, and names the first one’s position', async () => {
    const error = await validated('tags: []\nlevel: x\nname: 1\n');
    expect(error.message).toBe(
      [
        'settings: 3 problems:',
        '  tags: must not be an empty list (at line 1, column 7)',
        "  level: must be one of low, medium, high, got 'x' (at line 2, column 8)",
        '  name: must be a string, got 1 (at line 3, column 7)',
      ].join('\n'),
    );
    expect(error.location).toEqual({ line: 1, column: 7 });
  });
});

describe('YamlConfig.report', () => {
  it(`names at most ${MAX_PROBLEMS} problems, then how many more`, async () => {
    const text = Array.from({ length: 25 }, (_, i) => `k${i}: ${i}`).join('\n');
    const config = await readYamlConfig(text, { wording });
    const problems: Problem[] = Array.from({ length: 25 }, (_, i) => ({
      path: [`k${24 - i}`],
      message: `k${24 - i}: bad`,
    }));
    const error = await rejection(async () => config.report(problems));
    const lines = error.message.split('\n');
    expect(lines[0]).toBe('settings: 25 problems:');
    expect(lines[1]).toBe('  k0: bad (at line 1, column 5)');
    expect(lines).toHaveLength(1 + MAX_PROBLEMS + 1);
    expect(lines.at(-1)).toBe(`  ... and ${25 - MAX_PROBLEMS} more`);
  });

  it('points at a key rather than its value when asked, through aliases, and at the nearest ancestor otherwise', async () => {
    const config = await readYamlConfig('a: &x\n  b:\n    c: 1\nd: *x\n', { wording });
    const at = async (problem: Problem) => (await rejection(async () => config.report([problem]))).location;
    expect(await at({ path: ['a', 'b'], message: 'm', key: 'c' })).toEqual({ line: 3, column: 5 });
    expect(await at({ path: ['a', 'b', 'c'], message: 'm' })).toEqual({ line: 3, column: 8 });
    expect(await at({ path: ['d', 'b', 'c'], message: 'm' })).toEqual({ line: 3, column: 8 });
    expect(await at({ path: ['a', 'missing', 'deeper'], message: 'm' })).toEqual({ line: 2, column: 3 });
  });

  it('maps paths back to the source with sourcePath, and leaves a problem it cannot place unplaced', async () => {
    const config = await readYamlConfig('- x\n- y\n', { wording });
    const error = await rejection(async () =>
      config.report([{ path: ['items', 1], message: 'items[1]: bad' }], (path) => path.slice(1)),
    );
    expect(error.message).toBe('settings: items[1]: bad (at line 2, column 3)');
    const empty = await readYamlConfig('', { wording });
    const unplaced = await rejection(async () => empty.report([{ path: ['a'], message: 'a: bad' }]));
    expect(unplaced.message).toBe('settings: a: bad');
    expect(unplaced.location).toBeUndefined();
  });
});

describe('wording helpers', () => {
  it('keyPath writes paths the way users read them', () => {
    expect(keyPath(['freeze', 'windows', 0, 'timezone'])).toBe('freeze.windows[0].timezone');
    expect(keyPath(['branch', 'my env'])).toBe('branch["my env"]');
    expect(keyPath([])).toBe('');
  });

  it('closest finds a near miss or a case/separator difference, and nothing far away', () => {
    expect(closest('timeuot', ['timeout', 'samples'])).toBe('timeout');
    expect(closest('MAX_REDIRECTS', ['max-redirects'])).toBe('max-redirects');
    expect(closest('zzz', ['timeout'])).toBeUndefined();
  });

  it('suggest, either and render', () => {
    expect(suggest('prot', ['host', 'port'], 'allowed')).toBe("did you mean 'port'? allowed: host, port");
    expect(suggest('zzzz', ['host'], 'known')).toBe('known: host');
    expect(either(['a'])).toBe('a');
    expect(either(['a', 'b', 'c'])).toBe('a, b or c');
    expect([render(null), render('x'), render([1]), render({}), render(3)]).toEqual([
      'an empty value',
      "'x'",
      'a list',
      'a mapping',
      '3',
    ]);
  });
});
