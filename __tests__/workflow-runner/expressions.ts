// GitHub expressions for the test workflow runner: `${{ }}` values and `if:` conditions evaluated by
// GitHub's own evaluator (@actions/expressions), over the template tokens GitHub's parser produced.
import { data, Evaluator, Lexer, Parser } from '@actions/expressions';
import { ContextAccess, type Expr, type ExprVisitor, IndexAccess, Literal } from '@actions/expressions/ast';
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
  /** The outputs a reference may name; see KnownOutputs. */
  known?: KnownOutputs;
}

/**
 * What each step and each needed job can output, where the runner knows it: a deploy-kit action's declared
 * outputs (its action.yml), what a `run:` step that ran wrote to GITHUB_OUTPUT, a job's `outputs:` keys.
 * GitHub reads `steps.x.outputs.typo` as '' and goes on; the runner fails the step instead, so a wrong
 * output name between steps fails the test that runs the workflow. A step or job missing here (a stand-in
 * action, a step that has not run) is not checked.
 */
export interface KnownOutputs {
  steps: Record<string, { outputs: string[]; what: string }>;
  needs: Record<string, { outputs: string[]; what: string }>;
  /** The workflow_dispatch or workflow_call inputs the workflow declares, when it declares them. */
  inputs?: string[];
}

type Reference =
  | { context: 'steps' | 'needs'; id: string; name: string }
  | { context: 'inputs'; name: string };

/** `steps.<id>.outputs.<name>`, `needs.<job>.outputs.<name>` and `inputs.<name>` in an expression tree. */
export function outputReferences(tree: Expr): Reference[] {
  const found: Reference[] = [];
  /** The literal property names of an access chain from its context, or undefined when any is computed. */
  const path = (expr: Expr): string[] | undefined => {
    if (expr instanceof ContextAccess) return [expr.name.lexeme];
    if (expr instanceof IndexAccess) {
      const head = path(expr.expr);
      if (!head) return undefined;
      if (!(expr.index instanceof Literal) || expr.index.literal.kind !== data.Kind.String) return undefined;
      return [...head, expr.index.literal.coerceString()];
    }
    return undefined;
  };
  const visit: ExprVisitor<void> = {
    visitLiteral: () => {},
    visitUnary: (unary) => unary.expr.accept(visit),
    visitBinary: (binary) => {
      binary.left.accept(visit);
      binary.right.accept(visit);
    },
    visitLogical: (logical) => {
      for (const arg of logical.args) arg.accept(visit);
    },
    visitGrouping: (grouping) => grouping.group.accept(visit),
    visitContextAccess: () => {},
    visitIndexAccess: (access) => {
      const [context, id, outputs, name] = path(access) ?? [];
      if (context === 'inputs' && id) {
        found.push({ context, name: id });
        return;
      }
      if ((context === 'steps' || context === 'needs') && id && outputs === 'outputs' && name) {
        found.push({ context, id, name });
        return;
      }
      access.expr.accept(visit);
      access.index.accept(visit);
    },
    visitFunctionCall: (call) => {
      for (const arg of call.args) arg.accept(visit);
    },
  };
  tree.accept(visit);
  return found;
}

function checkReferences(tree: Expr, known: KnownOutputs): void {
  for (const reference of outputReferences(tree)) {
    if (reference.context === 'inputs') {
      if (!known.inputs || known.inputs.includes(reference.name)) continue;
      throw new Error(
        `inputs.${reference.name}: the workflow declares no input '${reference.name}' (its inputs: ${known.inputs.join(', ') || 'none'})`,
      );
    }
    const { context, id, name } = reference;
    const entry = known[context][id];
    if (!entry || entry.outputs.includes(name)) continue;
    const has = entry.outputs.length > 0 ? `its outputs: ${entry.outputs.join(', ')}` : 'it has no outputs';
    throw new Error(`${context}.${id}.outputs.${name}: ${entry.what} has no output '${name}' (${has})`);
  }
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
  if (status.known) checkReferences(tree, status.known);
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
