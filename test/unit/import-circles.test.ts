// src-main has no import circles (type-only imports count: a circle of types still ties
// two modules together). dpdm reads the sources with the TypeScript parser, as `npx dpdm
// --no-tree 'src-main/**/*.ts'` does.
import { fileURLToPath } from 'node:url';
import { parseCircular, parseDependencyTree } from 'dpdm';
import { expect, it } from 'vitest';

/**
 * Circles that are known and being removed (issue 12 item 5: ingest schemas beside their
 * dialects in core/). Delete each line when its circle is gone; the test says when.
 * A circle is written from its alphabetically first file, each file importing the next
 * and the last importing the first; paths relative to src-main/.
 */
const ALLOWED = [
  'core/dialects/alertmanager.ts -> core/ingest.ts',
  'core/dialects/alertmanager.ts -> core/normalize.ts -> core/ingest.ts',
  'core/dialects/alertmanager.ts -> schemas/ingest.ts -> core/normalize.ts -> core/ingest.ts',
  'core/dialects/alertmanager.ts -> schemas/ingest.ts -> schemas/validate.ts -> core/normalize.ts -> core/ingest.ts',
  'core/dialects/custom.ts -> core/dialects/event.ts -> core/ingest.ts',
  'core/dialects/custom.ts -> core/dialects/event.ts -> core/normalize.ts -> core/ingest.ts',
  'core/dialects/custom.ts -> core/ingest.ts',
  'core/dialects/custom.ts -> core/normalize.ts -> core/ingest.ts',
  'core/dialects/generic.ts -> core/ingest.ts',
  'core/dialects/generic.ts -> core/normalize.ts -> core/ingest.ts',
  'core/dialects/signal-instance.ts -> core/ingest.ts',
  'core/dialects/signal-instance.ts -> core/normalize.ts -> core/ingest.ts',
  'core/dialects/splunk-hec.ts -> core/ingest.ts',
  'core/dialects/splunk-hec.ts -> core/normalize.ts -> core/ingest.ts',
];

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
