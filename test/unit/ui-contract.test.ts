// The UI and the server share one contract: answers are src-shared/ types the routes build
// with, bodies are the request schemas' Static types. A shape the UI declares again by hand
// drifts silently (the compiler checks each copy only against itself), so the UI's API layer
// may declare interfaces only for what is its own: the query filters it sends and Page.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.tsx?$/.test(f))
    .map((f) => join(dir, f));
}

/** `interface X` and `type X =` declared in a file (not re-exports). */
function declared(file: string): { name: string; kind: 'interface' | 'type'; line: string }[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(/^\s*(?:export\s+)?(interface|type)\s+([A-Za-z_$][\w$]*)\b[^\n]*/gm)]
    .map((m) => ({ kind: m[1] as 'interface' | 'type', name: m[2], line: m[0].trim() }));
}

it('the UI declares no type of the same name as a shared one (it imports that one instead)', () => {
  const shared = new Set(sources('src-shared').flatMap((f) => declared(f).map((d) => d.name)));
  // The walk really read both sides: an empty set would make this pass on nothing.
  expect(shared.size).toBeGreaterThan(20);
  const copies = sources('src-renderer/src').flatMap((f) => declared(f).filter((d) => shared.has(d.name)).map((d) => `${f}: ${d.line}`));
  expect(copies).toEqual([]);
});

it('the UI API layer declares interfaces only for its own query filters and Page', () => {
  const files = sources('src-renderer/src/api');
  expect(files.length).toBeGreaterThan(10);
  const own = files.flatMap((f) => declared(f).filter((d) => d.kind === 'interface').map((d) => ({ ...d, file: f })));
  const foreign = own.filter((d) => d.name !== 'Page' && !/\bextends Query\b/.test(d.line)).map((d) => `${d.file}: ${d.line}`);
  expect(foreign, 'a request body is Static<typeof schema> (src-main/schemas); an answer is a src-shared/ type the route builds with').toEqual([]);
});
