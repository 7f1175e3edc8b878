// GitHub expressions for the test workflow runner: `${{ }}` values and `if:` conditions evaluated by
// GitHub's own evaluator (@actions/expressions), over the template tokens GitHub's parser produced.
import { data, Evaluator, Lexer, Parser } from '@actions/expressions';
import type { FunctionDefinition } from '@actions/expressions/funcs/info';
import { truthy } from '@actions/expressions/result';
import {
  isBasicExpression,
  isBoolean,
  isLiteral,
  isMapping,
  isNumber,
  isSequence,
  isString,
} from '@actions/workflow-parser';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';

/** The job's state the status functions read. */
export interface JobStatus {
  failed: boolean;
  cancelled: boolean;
}

/** Plain JSON contexts: github, env, vars, secrets, inputs, needs, steps, job, runner, matrix, strategy. */
export type Contexts = Record<string, unknown>;

function statusFunctions(status: JobStatus): Map<string, FunctionDefinition> {
  const define = (name: string, value: () => boolean): [string, FunctionDefinition] => [
    name,
    { name, minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(value()) },
  ];
  return new Map([
    define('success', () => !status.failed && !status.cancelled),
    define('failure', () => status.failed && !status.cancelled),
    define('always', () => true),
    define('cancelled', () => status.cancelled),
  ]);
}

export function evaluateExpression(
  expression: string,
  contexts: Contexts,
  status: JobStatus,
): data.ExpressionData {
  const functions = statusFunctions(status);
  const tokens = new Lexer(expression).lex().tokens;
  const tree = new Parser(tokens, Object.keys(contexts), [...functions.values()]).parse();
  const dictionary = JSON.parse(JSON.stringify(contexts), data.reviver) as data.Dictionary;
  return new Evaluator(tree, dictionary, functions).evaluate();
}

/** An `if:` condition; the parser has already put `success() && (...)` around one without a status function. */
export function evaluateCondition(expression: string, contexts: Contexts, status: JobStatus): boolean {
  return truthy(evaluateExpression(expression, contexts, status));
}

function plain(value: data.ExpressionData): unknown {
  return JSON.parse(JSON.stringify(value, data.replacer));
}

/**
 * The parser builds a block scalar holding `${{ }}` from its source text, indentation included (it keeps
 * source positions for editors); GitHub's runner evaluates the scalar's value. Remove the indentation and
 * apply the chomping indicator, as YAML would have.
 */
function blockScalar(text: string, header: string): string {
  if (header.startsWith('>'))
    throw new Error('workflow runner: a folded block scalar (>) with ${{ }} is not supported');
  const lines = text.split('\n');
  const indent = /^ */.exec(lines.find((line) => line.trim() !== '') ?? '')?.[0].length ?? 0;
  const body = lines
    .map((line) => line.slice(Math.min(indent, /^ */.exec(line)?.[0].length ?? 0)))
    .join('\n');
  if (header.includes('+')) return body;
  const stripped = body.replace(/\n+$/, '');
  return header.includes('-') ? stripped : `${stripped}\n`;
}

/** A template token as a plain value: strings for scalars (as the runner hands them to actions), objects, arrays. */
export function evaluateToken(token: TemplateToken, contexts: Contexts, status: JobStatus): unknown {
  if (isBasicExpression(token)) {
    const result = evaluateExpression(token.expression, contexts, status);
    if (!result.primitive) return plain(result);
    return token.blockScalarHeader
      ? blockScalar(result.coerceString(), token.blockScalarHeader)
      : result.coerceString();
  }
  if (isString(token)) return token.value;
  if (isNumber(token) || isBoolean(token)) return String(token.value);
  if (isLiteral(token)) return '';
  if (isMapping(token)) {
    const result: Record<string, unknown> = {};
    for (const pair of token) {
      result[String(evaluateToken(pair.key, contexts, status))] = evaluateToken(pair.value, contexts, status);
    }
    return result;
  }
  if (isSequence(token)) {
    const result: unknown[] = [];
    for (let i = 0; i < token.count; i++) result.push(evaluateToken(token.get(i), contexts, status));
    return result;
  }
  throw new Error(`workflow runner: cannot evaluate a ${token.constructor.name}`);
}

/** A mapping of names to strings (env, with, outputs). */
export function evaluateStrings(
  token: TemplateToken | undefined,
  contexts: Contexts,
  status: JobStatus,
): Record<string, string> {
  if (!token) return {};
  const value = evaluateToken(token, contexts, status);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`workflow runner: expected a mapping, got ${JSON.stringify(value)}`);
  }
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
  );
}
