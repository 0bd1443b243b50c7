// The project's own import graph, for the cycle and layer rules (cell0-rules.js). Built once per
// lint run from the source text: relative imports only, type-only ones included.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const SPECIFIER =
  /(?:^|[;\s])(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\sfrom\s+)?['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;
const SOURCE = /\.(ts|tsx)$/;

function sourceFiles(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sourceFiles(path, out);
    else if (SOURCE.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** A relative specifier as TypeScript resolves it under "bundler": `./x.js` means `./x.ts(x)`. */
export function resolveSpecifier(fromFile, specifier) {
  const base = resolve(dirname(fromFile), specifier);
  const stem = base.replace(/\.(js|jsx|mjs)$/, '');
  for (const candidate of [
    `${stem}.ts`,
    `${stem}.tsx`,
    base,
    join(base, 'index.ts'),
    join(base, 'index.tsx'),
  ]) {
    if (SOURCE.test(candidate) && existsSync(candidate)) return candidate;
  }
  return null;
}

export function importsOf(file, text = readFileSync(file, 'utf8')) {
  const targets = new Set();
  for (const match of text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '').matchAll(SPECIFIER)) {
    const target = resolveSpecifier(file, match[1] ?? match[2]);
    if (target) targets.add(target);
  }
  return [...targets];
}

const graphs = new Map();

/** file -> the files it imports, for every source file under the roots. */
export function importGraph(roots) {
  const key = roots.join('\0');
  let graph = graphs.get(key);
  if (!graph) {
    graph = new Map();
    for (const root of roots) for (const file of sourceFiles(root)) graph.set(file, importsOf(file));
    graphs.set(key, graph);
  }
  return graph;
}

/** A shortest path of imports from `from` back to `to`, or null when there is none. */
export function pathBetween(graph, from, to) {
  const previous = new Map([[from, null]]);
  const queue = [from];
  while (queue.length > 0) {
    const file = queue.shift();
    if (file === to) {
      const path = [];
      for (let at = file; at !== null; at = previous.get(at)) path.unshift(at);
      return path;
    }
    for (const next of graph.get(file) ?? []) {
      if (!previous.has(next)) {
        previous.set(next, file);
        queue.push(next);
      }
    }
  }
  return null;
}
