// src-main has no import circles (type-only imports count: a circle of types still ties
// two modules together). dpdm reads the sources with the TypeScript parser, as `npx dpdm
// --no-tree 'src-main/**/*.ts'` does.
import { fileURLToPath } from 'node:url';
import { parseCircular, parseDependencyTree } from 'dpdm';
import { expect, it } from 'vitest';

/**
 * Circles allowed for now: none. A new one is broken by moving the shared part into a module
 * both sides import. (Written from its alphabetically first file, paths relative to src-main/.)
 */
const ALLOWED: string[] = [];

const root = fileURLToPath(new URL('../..', import.meta.url));

/** One circle as a line: rotated to start at its first file (whichever file the walk met first). */
function line(circle: string[]): string {
  const files = circle.map((f) => f.replace(/^src-main\//, ''));
  const start = files.indexOf([...files].sort()[0]);
  return [...files.slice(start), ...files.slice(0, start)].join(' -> ');
}

it('src-main has no import circle but the allowed ones, and every allowed one still exists', async () => {
  const tree = await parseDependencyTree('src-main/**/*.ts', { cwd: root, context: root, tsconfig: `${root}tsconfig.json`, transform: false, skipDynamicImports: false });
  // The walk really read the sources: a broken parse would find no circles and pass.
  expect(Object.keys(tree).filter((f) => f.startsWith('src-main/')).length).toBeGreaterThan(50);
  const found = [...new Set(parseCircular(tree).map(line))].sort();
  expect(found.filter((c) => !ALLOWED.includes(c)), 'new import circles: break them (move the shared part into a module both can import)').toEqual([]);
  expect(ALLOWED.filter((c) => !found.includes(c)), 'these circles are gone: delete them from ALLOWED').toEqual([]);
}, 60_000);
