// Parses what a step leaves behind: workflow commands on stdout and the key/value command files.

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  message: string;
  properties: Record<string, string>;
}

export interface ParsedLog {
  annotations: Annotation[];
  masks: string[];
  /** Group titles in order. */
  groups: string[];
  /** The log as a person reads it on GitHub: commands removed or rendered, masks applied. */
  lines: string[];
}

function unescapeData(value: string): string {
  return value.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

function unescapeProperty(value: string): string {
  return unescapeData(value).replace(/%3A/g, ':').replace(/%2C/g, ',');
}

const COMMAND = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/;

/** Replaces every registered secret with *** as the runner does in logs. */
export function applyMasks(text: string, masks: readonly string[]): string {
  let masked = text;
  for (const secret of [...masks].sort((a, b) => b.length - a.length)) {
    if (secret) masked = masked.split(secret).join('***');
  }
  return masked;
}

export function parseLog(stdout: string): ParsedLog {
  const parsed: ParsedLog = { annotations: [], masks: [], groups: [], lines: [] };
  const raw: string[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const match = COMMAND.exec(line);
    if (!match) {
      raw.push(line);
      continue;
    }
    const [, name, props = '', data = ''] = match;
    const properties: Record<string, string> = {};
    for (const pair of props.split(',')) {
      const eq = pair.indexOf('=');
      if (eq > 0) properties[pair.slice(0, eq)] = unescapeProperty(pair.slice(eq + 1));
    }
    const message = unescapeData(data);
    switch (name) {
      case 'add-mask':
        parsed.masks.push(message);
        break;
      case 'error':
      case 'warning':
      case 'notice':
        parsed.annotations.push({ level: name, message, properties });
        raw.push(`${name}: ${message}`);
        break;
      case 'group':
        parsed.groups.push(message);
        raw.push(`▸ ${message}`);
        break;
      case 'endgroup':
      case 'debug':
        break;
      default:
        raw.push(line);
    }
  }
  parsed.lines = raw.map((line) => applyMasks(line, parsed.masks));
  parsed.annotations = parsed.annotations.map((a) => ({
    ...a,
    message: applyMasks(a.message, parsed.masks),
  }));
  return parsed;
}

/**
 * Reads a GITHUB_OUTPUT / GITHUB_STATE / GITHUB_ENV file: `name<<DELIMITER` blocks and `name=value` lines.
 * A later value of the same name wins, as on GitHub.
 */
export function parseKeyValueFile(content: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = content.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name = '', delimiter] = heredoc;
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) body.push(lines[i] ?? '');
      if (i >= lines.length) throw new Error(`unterminated value for '${name}' (no closing ${delimiter})`);
      values[name] = body.join('\n');
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`malformed line in command file: ${line}`);
    values[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return values;
}
