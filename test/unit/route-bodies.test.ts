// A request body reaches a handler only through a schema: the router checks a route's `body`
// schema and hands the handler its Static type (withBody), or the handler passes what it read
// straight to a parse function. Casting a body to a type, or reading one and using it
// unchecked, would let the type and the checked shape drift apart; this scan finds both.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kind } from '@sinclair/typebox';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { allRoutes } from '../../src-main/server/create-server';
import type { ServerDeps } from '../../src-main/server/deps';

const root = fileURLToPath(new URL('../..', import.meta.url));
const serverDir = join(root, 'src-main/server');

/** Readers whose result is checked elsewhere, with where. */
const OTHER_READERS: Record<string, string> = {
  // mountRoutes: the route's body schema, before the handler runs.
  'src-main/server/route.ts': 'readJson',
  // Ingest dialects check every payload against their own schemas (core/dialects, schemas/ingest).
  'src-main/server/routes/ingest.ts': 'readJson',
};

const BODY_READERS = new Set(['readJson', 'readOptionalJson']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

function nameOf(expr: ts.Expression): string {
  if (ts.isIdentifier(expr)) return expr.text;
  if (ts.isPropertyAccessExpression(expr)) return expr.name.text;
  return '';
}

/** Whether an expression is a request body: a `body` variable or field, or a body reader's result. */
function isBody(expr: ts.Expression): boolean {
  let e = expr;
  while (ts.isParenthesizedExpression(e) || ts.isAwaitExpression(e) || ts.isNonNullExpression(e)) e = e.expression;
  if (ts.isCallExpression(e)) return BODY_READERS.has(nameOf(e.expression));
  return nameOf(e) === 'body' && !(ts.isPropertyAccessExpression(e) && nameOf(e.expression) === 'ctx');
}

/** The call a reader's result goes straight into, looking through await, parentheses and `?? default`. */
function consumerOf(call: ts.CallExpression): ts.CallExpression | null {
  let node: ts.Node = call;
  for (;;) {
    const parent = node.parent;
    if (ts.isAwaitExpression(parent) || ts.isParenthesizedExpression(parent)) node = parent;
    else if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken && parent.left === node) node = parent;
    else return ts.isCallExpression(parent) && parent.arguments.includes(node as ts.Expression) ? parent : null;
  }
}

interface Finding { file: string; line: number; text: string }

function scan(file: string, source: string): { casts: Finding[]; unchecked: Finding[] } {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const casts: Finding[] = [];
  const unchecked: Finding[] = [];
  const at = (node: ts.Node): Finding => ({ file, line: sf.getLineAndCharacterOfPosition(node.getStart()).line + 1, text: node.getText().slice(0, 120) });
  const visit = (node: ts.Node): void => {
    if ((ts.isAsExpression(node) || ts.isTypeAssertionExpression(node) || ts.isSatisfiesExpression(node)) && isBody(node.expression)) casts.push(at(node));
    if (ts.isCallExpression(node) && BODY_READERS.has(nameOf(node.expression)) && OTHER_READERS[file] !== nameOf(node.expression)) {
      const consumer = consumerOf(node);
      if (!consumer || !/^parse/.test(nameOf(consumer.expression))) unchecked.push(at(node));
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { casts, unchecked };
}

describe('request bodies go through a schema', () => {
  const files = sourceFiles(serverDir).filter((f) => !f.endsWith('/body.ts'));
  const results = files.map((f) => scan(relative(root, f), readFileSync(f, 'utf8')));

  it('no server module casts a body to a type', () => {
    expect(files.length).toBeGreaterThan(20);
    expect(results.flatMap((r) => r.casts)).toEqual([]);
  });

  it('every body a handler reads itself goes straight into a parse function', () => {
    expect(results.flatMap((r) => r.unchecked)).toEqual([]);
    for (const [file, reader] of Object.entries(OTHER_READERS)) {
      expect(readFileSync(join(root, file), 'utf8'), `${file} no longer reads bodies: drop it from OTHER_READERS`).toContain(`${reader}(`);
    }
  });

  it('the scan finds what it looks for', () => {
    const bad = [
      'export const h = async (ctx, { body }) => use(body as Thing);',
      'export async function f(ctx) { const raw = await readJson(ctx); return raw; }',
      'export async function g(ctx) { return validate(s, (await readOptionalJson(ctx)) ?? {}); }',
      'export const k = (req) => (<Thing>req.body).x;',
    ].join('\n');
    const { casts, unchecked } = scan('example.ts', bad);
    expect(casts.map((c) => c.line)).toEqual([1, 4]);
    expect(unchecked.map((c) => c.line)).toEqual([2, 3]);
    const good = 'export async function h(ctx) { return parse(s, (await readOptionalJson(ctx)) ?? {}).x; }';
    expect(scan('example.ts', good)).toEqual({ casts: [], unchecked: [] });
  });

  it('every route body schema is a TypeBox schema, the source of its handler type', () => {
    const inert = new Proxy({}, { get: (_t, k) => (k === 'version' ? '0.0.0' : () => undefined) }) as unknown as ServerDeps;
    const withBodies = allRoutes(inert).filter((r) => r.body);
    expect(withBodies.length).toBeGreaterThan(25);
    expect(withBodies.filter((r) => typeof r.body?.[Kind] !== 'string').map((r) => `${r.method} ${r.path}`)).toEqual([]);
  });
});
